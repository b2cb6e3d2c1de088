import { Redis } from 'ioredis';

/**
 * A client that fails fast while Redis is away (so the receiver answers 503 and runs nothing)
 * and reconnects on its own (so it works again without a restart).
 */
export function createRedis(url: string, name = 'alertscale'): Redis {
  return new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(200 * attempt, 1_000),
    lazyConnect: false,
  });
}

const UNAVAILABLE = /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection is closed|Stream isn't writeable|Command timed out|connect ETIMEDOUT|LOADING/;

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
