import { Redis, type RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config/schema.js';
import type { Wait } from './decision-store.js';

/**
 * A client that fails fast while Redis is away (so the receiver answers 503 and runs nothing)
 * and reconnects on its own (so it works again without a restart). With `sentinels`, it asks them
 * for the master and asks again after a failover (Sentinel disconnects the clients of a demoted
 * master, so the reconnect lands on the new one).
 */
export function createRedis(redis: Pick<RedisConfig, 'url' | 'sentinels' | 'name'>, name = 'alertscale', password?: string): Redis {
  const options: RedisOptions = {
    connectionName: name,
    enableOfflineQueue: false,
    // A command sent when the connection dropped has an unknown fate; ioredis would send it again
    // after the reconnect, to whichever master is there then, long after its caller was told it
    // failed (commandTimeout) and went on: an old end-of-command write landing seconds later, over
    // newer state. Its caller retries what is safe to retry.
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(200 * attempt, 1_000),
    lazyConnect: false,
    ...(password ? { password } : {}),
  };
  if (!redis.sentinels) return new Redis(redis.url, options);
  return new Redis({
    ...options,
    sentinels: redis.sentinels,
    name: redis.name,
    role: 'master',
    sentinelRetryStrategy: (attempt) => Math.min(200 * attempt, 1_000),
  });
}

/** How many replicas must hold a decision's record before its command runs, and its end after (redis.wait). */
export function replicationWait(redis: Pick<RedisConfig, 'sentinels' | 'wait'>): Wait {
  return { replicas: redis.wait.replicas ?? (redis.sentinels ? 1 : 0), timeoutMs: redis.wait.timeout };
}

// MISCONF (a master that cannot persist refuses writes), READONLY and UNBLOCKED (a master demoted
// under us), NOREPLICAS, and no sentinel or master to be found: all "not now", so 503 and a retry.
const UNAVAILABLE = new RegExp(
  [
    "ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection is closed|Stream isn't writeable|Command timed out|connect ETIMEDOUT",
    'LOADING|MISCONF|READONLY|UNBLOCKED|NOREPLICAS|All sentinels are unreachable|Failed to connect to any sentinel',
  ].join('|'),
);

/** True when an error means "Redis is not reachable now", as opposed to a bug or a bad reply. */
export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return err.name === 'MaxRetriesPerRequestError' || UNAVAILABLE.test(err.message);
}

/** One PING on a throwaway connection: true when a Redis answers on 127.0.0.1:`port`. */
export async function redisAnswers(port: number): Promise<boolean> {
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } finally {
    probe.disconnect();
  }
}
