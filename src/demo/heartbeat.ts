import type { Redis } from 'ioredis';

/**
 * The heartbeat protocol (docs/HEARTBEATS.md) as the demo worker speaks it: the hash
 * `alertscale:hb:<pool>:<worker>` with `busy`, `ts`, `pid`, `host`, `started`, `job`, `job_started`,
 * `idle_since`, `draining` (rewritten with EXPIRE on every beat), and the counters `done`/`failed`,
 * which only the job's end increments (in the completion script, scripts.ts, together with the
 * pool's counters). Every beat also asks whether the drain key exists, in the same transaction:
 * a drain request costs the worker no extra round trip and is seen within one beat.
 * pid and host also let a worker on the same host tell a crashed peer from a slow one without
 * waiting for the TTL (see recovery.ts).
 */
export interface Heartbeat {
  /** First write; resolves only once it is in Redis (a worker consumes nothing before that). */
  start(): Promise<void>;
  /** Write now: busy with this job since `startedMs`, or idle (undefined). */
  setJob(job: { id: string; startedMs: number } | undefined): Promise<void>;
  /** Write now that the worker is draining (it acknowledges the request; `draining 1`), or no longer is (`draining 0`). */
  setDraining(on: boolean): Promise<void>;
  /** Stop refreshing and delete the key (and a drain request for it): a clean exit is not "alive" for 30 more seconds. */
  stop(): Promise<void>;
}

export interface HeartbeatDeps {
  redis: Redis;
  key: string;
  /** docs/HEARTBEATS.md "Drain": checked on every beat. */
  drainKey: string;
  ttlS: number;
  everyMs: number;
  pid: number;
  host: string;
  now?: () => number;
  onError?: (err: unknown) => void;
  /** Called on every beat that found a drain request. */
  onDrain?: () => void;
  /** Called on every beat that found none (a drain the receiver ended deletes its request). */
  onNoDrain?: () => void;
}

/** Unix seconds with millisecond precision, as the protocol writes times. */
export const unixSeconds = (ms: number): string => (ms / 1000).toFixed(3);

export function createHeartbeat({
  redis,
  key,
  drainKey,
  ttlS,
  everyMs,
  pid,
  host,
  now = Date.now,
  onError = () => {},
  onDrain = () => {},
  onNoDrain = () => {},
}: HeartbeatDeps): Heartbeat {
  let job: { id: string; startedMs: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let draining = false;
  const startedMs = now();
  const started = unixSeconds(startedMs);
  let idleSinceMs = startedMs;

  const write = async () => {
    const res = await redis
      .multi()
      .hset(key, {
        busy: job ? '1' : '0',
        ts: String(Math.floor(now() / 1000)),
        pid: String(pid),
        host,
        started,
        job: job?.id ?? '',
        job_started: job ? unixSeconds(job.startedMs) : '',
        idle_since: job ? '' : unixSeconds(idleSinceMs),
        draining: draining ? '1' : '0',
      })
      .expire(key, ttlS)
      .exists(drainKey)
      .exec();
    const failed = res?.find(([err]) => err);
    if (!res || failed) throw failed?.[0] ?? new Error(`heartbeat ${key}: transaction aborted`);
    if (res[2]![1] === 1) onDrain();
    else onNoDrain();
  };
  const writeQuietly = () => write().catch(onError);

  return {
    async start() {
      await write();
      timer ??= setInterval(writeQuietly, everyMs);
    },
    async setJob(next) {
      if (!next) idleSinceMs = now();
      job = next;
      await writeQuietly();
    },
    async setDraining(on) {
      if (draining === on) return;
      draining = on;
      await writeQuietly();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await redis.del(key, drainKey);
    },
  };
}
