import { DRAIN_PREFIX, HEARTBEAT_PREFIX, POOL_JOBS_PREFIX } from '../exporter/heartbeats.js';

/**
 * Every Redis key the demo pool uses, derived from the queue key and the pool name, so two demo
 * queues on one Redis never share state. Heartbeats and the pool's job counters follow
docs/HEARTBEATS.md.
 */
export interface DemoKeys {
  /** The queue: producers LPUSH, workers BLMOVE from the RIGHT (FIFO). */
  queue: string;
  /** Jobs a worker holds; removed atomically with the completion record. */
  processing(workerId: string): string;
  /** SCAN pattern matching every worker's processing list. */
  processingPattern: string;
  /** The worker id back from a processing key, or undefined if it is not one. */
  workerOf(processingKey: string): string | undefined;
  /** Hash job id -> number of recorded completions (1 = exactly once). */
  completions: string;
  /** Hash job id -> number of times a worker started it (> 1 after a crash mid-job). */
  starts: string;
  /** Hash of counters: enqueued, started, completed, duplicates, requeued, stale, dead. */
  counters: string;
  /** Elements that were not valid jobs, kept for inspection. */
  dead: string;
  /** `alertscale:hb:<pool>:<workerId>` */
  heartbeat(workerId: string): string;
  /** `alertscale:drain:<pool>:<workerId>`: present when the receiver asked this worker to drain. */
  drain(workerId: string): string;
  /** `alertscale:jobs:<pool>`: the pool's done / failed / busy_seconds counters (never go down). */
  poolJobs: string;
}

export function demoKeys(queueKey: string, pool: string): DemoKeys {
  const processingPrefix = `${queueKey}:processing:`;
  return {
    queue: queueKey,
    processing: (workerId) => `${processingPrefix}${workerId}`,
    processingPattern: `${globEscape(processingPrefix)}*`,
    workerOf: (key) =>
      key.startsWith(processingPrefix) && key.length > processingPrefix.length ? key.slice(processingPrefix.length) : undefined,
    completions: `${queueKey}:completions`,
    starts: `${queueKey}:starts`,
    counters: `${queueKey}:counters`,
    dead: `${queueKey}:dead`,
    heartbeat: (workerId) => `${HEARTBEAT_PREFIX}${pool}:${workerId}`,
    drain: (workerId) => `${DRAIN_PREFIX}${pool}:${workerId}`,
    poolJobs: `${POOL_JOBS_PREFIX}${pool}`,
  };
}

/** SCAN MATCH treats * ? [ ] \ as glob syntax; a queue key may contain them. */
export function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}
