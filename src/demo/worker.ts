import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHeartbeat } from './heartbeat.js';
import { decodeJob, type Job } from './job.js';
import { demoKeys } from './keys.js';
import { isPidAlive } from './liveness.js';
import { performJob } from './perform.js';
import { createOrphanScanner } from './recovery.js';
import { createQueueOps } from './scripts.js';
import type { WorkerSettings } from './settings.js';

/** The subset of pino the worker uses; any logger with these methods fits. */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface DemoWorkerDeps {
  settings: WorkerSettings;
  /** Commands: heartbeats, scripts, scans. */
  redis: Redis;
  /** BLMOVE only: a blocked connection cannot carry anything else. */
  blocking: Redis;
  host: string;
  pid: number;
  log: Logger;
  /** How a job is done; tests and benchmarks may substitute. */
  perform?: (job: Job) => Promise<void>;
  isAlive?: (pid: number) => boolean;
}

export interface DemoWorker {
  /** Consume until `stop()`; resolves after the job in hand is recorded and the heartbeat deleted. */
  run(): Promise<void>;
  /** Ask for a graceful stop: no new job is taken, the current one completes. */
  stop(): void;
  /** True once a drain request (docs/HEARTBEATS.md "Drain") was seen: run() ends after the job in hand. */
  readonly draining: boolean;
  /** The job being done right now, if any. */
  readonly current: Job | undefined;
}

/**
 * A reliable consumer of a Redis list (the "reliable queue" pattern):
 * BLMOVE queue -> own processing list, do the job, then record the completion and LREM the job
 * in one script. A crash leaves the job in the processing list, where an orphan scan (any
 * worker) or this worker's own start-up sweep puts it back: at-least-once under crashes,
 * exactly once under graceful stops.
 */
export function createDemoWorker(deps: DemoWorkerDeps): DemoWorker {
  const { settings, redis, blocking, host, pid, log } = deps;
  const perform = deps.perform ?? ((job: Job) => performJob(job));
  const keys = demoKeys(settings.queueKey, settings.pool);
  const ops = createQueueOps(redis, keys);
  const me = settings.workerId;
  const processing = keys.processing(me);

  let stopping = false;
  let draining = false;
  let current: Job | undefined;
  let wake: (() => void) | undefined;
  /** CLIENT ID of the blocking connection, so a stop can end a BLMOVE that is waiting. */
  let blockingId: number | undefined;

  const heartbeat = createHeartbeat({
    redis,
    key: keys.heartbeat(me),
    drainKey: keys.drain(me),
    ttlS: settings.heartbeatTtlS,
    everyMs: settings.heartbeatEveryMs,
    pid,
    host,
    onError: throttled((err) => log.warn({ err: String(err) }, 'heartbeat write failed; retrying')),
    onDrain: () => drain(),
    onNoDrain: () => undrain(),
  });
  const scanner = createOrphanScanner({
    redis,
    keys,
    ops,
    self: { workerId: me, host },
    isAlive: deps.isAlive ?? isPidAlive,
    onRequeued: (worker, jobs, why) => log.warn({ deadWorker: worker, jobs, why }, 'requeued jobs of a dead worker'),
  });

  /**
   * Redis calls whose effect must happen (a completion, a start count): retry until they do, or
   * until `giveUp()` says the effect no longer matters (then resolve undefined).
   */
  const persist = async <T>(what: string, fn: () => Promise<T>, giveUp: () => boolean = () => false): Promise<T | undefined> => {
    const warn = throttled((err: unknown) => log.warn({ err: String(err), what }, 'redis call failed; retrying'));
    for (;;) {
      try {
        return await fn();
      } catch (err) {
        warn(err);
        if (giveUp()) return undefined;
        await sleep(250);
      }
    }
  };
  /** Deadline for the clean-up on exit when Redis is unreachable: nothing is held by then. */
  const within = (ms: number) => {
    const until = Date.now() + ms;
    return () => Date.now() > until;
  };

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  const handle = async (raw: string) => {
    const decoded = decodeJob(raw);
    if (!decoded.ok) {
      log.warn({ raw: raw.slice(0, 200), reason: decoded.reason }, 'not a job; moved to the dead-letter list');
      await persist('dead-letter', () => ops.deadLetter(me, raw));
      return;
    }
    const job = decoded.job;
    // Counted as started only if no drain was asked for; else it stays in the processing list
    // untouched and the sweep on the way out gives it back.
    const runs = (await persist('count start', () => ops.started(me, job.id))) ?? 1;
    if (runs === 0) {
      drain();
      return;
    }
    current = job;
    const startedMs = Date.now();
    await heartbeat.setJob({ id: job.id, startedMs });
    if (runs > 1) log.warn({ job: job.id, runs }, 'running a job again (a worker stopped mid-job before)');
    const seconds = () => (Date.now() - startedMs) / 1000;
    try {
      await perform(job);
    } catch (err) {
      // Counted as failed; the job stays in the processing list, and the loop's sweep requeues it.
      await persist('count failure', () => ops.failed(me, seconds()));
      current = undefined;
      await heartbeat.setJob(undefined);
      throw err;
    }
    const completions = (await persist('record completion', () => ops.complete(me, raw, job.id, seconds()))) ?? 0;
    if (completions === -1) log.warn({ job: job.id }, 'job was requeued while this worker ran it (heartbeat lost?); not recorded here');
    else if (completions > 1) log.warn({ job: job.id, completions }, 'job completed more than once');
    else log.debug({ job: job.id }, 'job done');
    current = undefined;
    await heartbeat.setJob(undefined);
    // The beat may not have seen yet that the drain was ended: ask before leaving.
    if (draining && !stopping) {
      if ((await persist('drain request', () => redis.exists(keys.drain(me)))) === 1) stop();
      else undrain();
    }
  };

  const scanLoop = async () => {
    while (!stopping) {
      try {
        await scanner.scan();
      } catch (err) {
        log.warn({ err: String(err) }, 'orphan scan failed');
      }
      // Jitter so a pool's workers do not scan in lockstep.
      await pause(settings.orphanScanEveryMs * (0.8 + Math.random() * 0.4));
    }
  };

  const stop = () => {
    if (stopping) return;
    stopping = true;
    log.info({ job: current?.id }, current ? 'stopping after the job in hand' : 'stopping');
    wake?.();
    // An idle worker leaves now, not when its BLMOVE times out: UNBLOCK makes it return nil as a
    // timeout would. A stale id (the connection was re-made) unblocks nothing; the timeout still ends it.
    if (blockingId !== undefined && !current) redis.client('UNBLOCK', blockingId).catch(() => {});
  };
  /**
   * A drain is a stop the receiver asked for through Redis, after the job in hand; the heartbeat
   * says it is understood. Until that job ends the receiver may take it back (a scale-up ended the
   * drain: the request is deleted), and then the worker stays.
   */
  const drain = () => {
    if (stopping) return;
    if (!draining) {
      draining = true;
      log.info({ job: current?.id }, current ? 'draining: finishing the job in hand, taking no new one' : 'draining: taking no new job');
      void heartbeat.setDraining(true);
    }
    // Every beat asks again: a worker whose job failed (no end-of-job check) leaves on the next one.
    if (!current) stop();
  };
  const undrain = () => {
    if (!draining || stopping) return;
    draining = false;
    log.info({ job: current?.id }, 'drain ended by the receiver: taking jobs again');
    void heartbeat.setDraining(false);
  };

  return {
    get current() {
      return current;
    },
    get draining() {
      return draining;
    },
    stop,
    async run() {
      // The heartbeat goes first: an orphan scan treats a processing list without one as dead.
      await persist(
        'first heartbeat',
        () => heartbeat.start(),
        () => stopping,
      );
      if (stopping) {
        // Stopped before Redis ever answered: nothing was taken, nothing to clean up.
        log.info({}, 'demo worker stopped before it started');
        return;
      }
      // Anything left under this id (a reused WORKER_ID after a crash) goes back first.
      let sweep = true;
      const id = await persist(
        'blocking client id',
        () => blocking.client('ID'),
        () => stopping,
      );
      blockingId = id === undefined ? undefined : Number(id);
      const scanning = scanLoop();
      log.info({ queue: keys.queue, processing }, 'demo worker started');
      while (!stopping) {
        try {
          if (sweep) {
            const n = await ops.requeueOwn(me);
            if (n > 0) log.warn({ jobs: n }, "requeued jobs left in this worker's processing list");
            sweep = false;
          }
          const raw = await blocking.blmove(keys.queue, processing, 'RIGHT', 'LEFT', settings.blockTimeoutS);
          if (raw === null) continue;
          if (stopping) break; // the sweep below puts it back untouched
          await handle(raw);
        } catch (err) {
          // A dropped connection may have moved a job whose reply never arrived: sweep before the next take.
          sweep = true;
          log.warn({ err: String(err) }, 'queue read failed; retrying');
          if (!stopping) await sleep(500);
        }
      }
      await scanning;
      // If Redis is gone now, give up after a while: a job taken by a BLMOVE whose reply was lost
      // stays in the processing list and is taken over by an orphan scan once the heartbeat expires.
      const back = await persist('final sweep', () => ops.requeueOwn(me), within(3_000));
      if (back) log.info({ jobs: back }, 'returned untouched jobs to the queue');
      await persist('delete heartbeat', () => heartbeat.stop(), within(1_000));
      log.info({}, 'demo worker stopped');
    },
  };
}

/** Log a repeating failure once per 5 s, not once per retry. */
function throttled(fn: (err: unknown) => void, everyMs = 5_000): (err: unknown) => void {
  let last = 0;
  return (err) => {
    const now = Date.now();
    if (now - last >= everyMs) {
      last = now;
      fn(err);
    }
  };
}
