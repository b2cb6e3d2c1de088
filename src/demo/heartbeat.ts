import type { Redis } from 'ioredis';

/**
 * The heartbeat protocol of docs/ARCHITECTURE.md: `HSET alertscale:hb:<pool>:<worker> busy 0|1 ts <unix>` and
 * `EXPIRE … ttl`. The demo worker adds `pid` and `host` so a worker on the same host can tell a
 * crashed peer from a slow one without waiting for the TTL (see recovery.ts).
 */
export interface Heartbeat {
  /** First write; resolves only once it is in Redis (a worker consumes nothing before that). */
  start(): Promise<void>;
  /** Write now with the new busy flag (the periodic refresh keeps writing the latest value). */
  setBusy(busy: boolean): Promise<void>;
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

export function createHeartbeat({ redis, key, ttlS, everyMs, pid, host, now = Date.now, onError = () => {} }: HeartbeatDeps): Heartbeat {
  let busy = false;
  let timer: NodeJS.Timeout | undefined;

  const write = async () => {
    const res = await redis
      .multi()
      .hset(key, { busy: busy ? '1' : '0', ts: String(Math.floor(now() / 1000)), pid: String(pid), host })
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
    async setBusy(next) {
      busy = next;
      await writeQuietly();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await redis.del(key);
    },
  };
}
