import type { Redis } from 'ioredis';

/**
 * The heartbeat protocol (docs/HEARTBEATS.md) as the demo worker speaks it: the hash
 * `alertscale:hb:<pool>:<worker>` with `busy`, `ts`, `pid`, `host`, `started`, `job`, `job_started`
 * (rewritten with EXPIRE on every beat), and the counters `done`/`failed`, which only the job's end
 * increments (in the completion script, scripts.ts, together with the pool's counters).
 * pid and host also let a worker on the same host tell a crashed peer from a slow one without
 * waiting for the TTL (see recovery.ts).
 */
export interface Heartbeat {
  /** First write; resolves only once it is in Redis (a worker consumes nothing before that). */
  start(): Promise<void>;
  /** Write now: busy with this job since `startedMs`, or idle (undefined). */
  setJob(job: { id: string; startedMs: number } | undefined): Promise<void>;
  /** Stop refreshing and delete the key: a clean exit is not "alive" for 30 more seconds. */
  stop(): Promise<void>;
}

export interface HeartbeatDeps {
  redis: Redis;
  key: string;
  ttlS: number;
  everyMs: number;
  pid: number;
  host: string;
  now?: () => number;
  onError?: (err: unknown) => void;
}

/** Unix seconds with millisecond precision, as the protocol writes times. */
export const unixSeconds = (ms: number): string => (ms / 1000).toFixed(3);

export function createHeartbeat({ redis, key, ttlS, everyMs, pid, host, now = Date.now, onError = () => {} }: HeartbeatDeps): Heartbeat {
  let job: { id: string; startedMs: number } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const started = unixSeconds(now());

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
      })
      .expire(key, ttlS)
      .exec();
    const failed = res?.find(([err]) => err);
    if (!res || failed) throw failed?.[0] ?? new Error(`heartbeat ${key}: transaction aborted`);
  };
  const writeQuietly = () => write().catch(onError);

  return {
    async start() {
      await write();
      timer ??= setInterval(writeQuietly, everyMs);
    },
    async setJob(next) {
      job = next;
      await writeQuietly();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await redis.del(key);
    },
  };
}
