import type { Redis } from 'ioredis';
import { DRAIN_PREFIX, HEARTBEAT_PREFIX } from '../exporter/heartbeats.js';

/** `alertscale:drain:<pool>:<worker>` (docs/HEARTBEATS.md "Drain"). */
export const drainKey = (pool: string, worker: string): string => `${DRAIN_PREFIX}${pool}:${worker}`;
/** `alertscale:hb:<pool>:<worker>`. */
export const heartbeatKey = (pool: string, worker: string): string => `${HEARTBEAT_PREFIX}${pool}:${worker}`;

/**
 * Ask workers to drain: finish the job in hand, take no new one, delete the heartbeat, exit. One
 * key per worker, not a field of its heartbeat: the heartbeat belongs to the worker (a field
 * written into an expired heartbeat would create a key without TTL), and the request must outlive
 * a beat the worker writes at the same moment. The TTL bounds a request nobody acted on (a
 * worker that died first). The value is when it was asked, for the per-worker view.
 */
export async function requestDrain(
  redis: Redis,
  pool: string,
  workers: readonly string[],
  ttlS: number,
  nowMs = Date.now(),
): Promise<void> {
  if (workers.length === 0) return;
  const tx = redis.multi();
  for (const w of workers) tx.set(drainKey(pool, w), (nowMs / 1000).toFixed(3), 'EX', Math.max(1, Math.ceil(ttlS)));
  const res = await tx.exec();
  const failed = res?.find(([err]) => err);
  if (!res || failed)
    throw new Error(`pool ${pool}: could not ask ${workers.join(', ')} to drain: ${String(failed?.[0] ?? 'transaction aborted')}`);
}

/**
 * Workers of `workers` whose heartbeat is gone (a drained worker deletes it on its way out; a
 * dead one lets it expire). One EXISTS per worker in a pipeline.
 */
export async function goneWorkers(redis: Redis, pool: string, workers: readonly string[]): Promise<string[]> {
  if (workers.length === 0) return [];
  const pipe = redis.pipeline();
  for (const w of workers) pipe.exists(heartbeatKey(pool, w));
  const res = (await pipe.exec()) ?? [];
  return workers.filter((_, i) => {
    const [err, n] = res[i] ?? [new Error('no reply'), 1];
    if (err) throw new Error(`pool ${pool}: could not read the heartbeat of ${workers[i]}: ${String(err)}`);
    return n === 0;
  });
}

/** `alertscale:drain-cancel:<pool>`: set by a scale-up that found the pool held (docs/HEARTBEATS.md "Drain"). */
export const drainCancelKey = (pool: string): string => `alertscale:drain-cancel:${pool}`;

/**
 * A scale-up of `pool` found it held: ask the drain in progress, if any, to end. A key the drain
 * loop polls, so it works across receivers; a drain deletes it when it starts, so a request older
 * than the drain ends nothing, and the TTL clears one no drain read.
 */
export async function requestDrainEnd(redis: Redis, pool: string, ttlS = 30): Promise<void> {
  await redis.set(drainCancelKey(pool), String(Date.now() / 1000), 'EX', ttlS);
}

/** Whether a scale-up asked the drain of `pool` to end; asking consumes the request. */
export async function drainEndAsked(redis: Redis, pool: string): Promise<boolean> {
  return (await redis.del(drainCancelKey(pool))) === 1;
}

/** Un-mark workers asked to drain: a worker that still runs sees the key gone and takes jobs again. */
export async function cancelDrain(redis: Redis, pool: string, workers: readonly string[]): Promise<void> {
  if (workers.length === 0) return;
  await redis.del(...workers.map((w) => drainKey(pool, w)));
}
