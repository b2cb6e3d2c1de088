import { Redis } from 'ioredis';

/**
 * The exporter's Redis client: a dead or slow Redis must cost a scrape at most ~half a second and
 * fail only the Redis sources. No offline queue (fail at once while disconnected instead of
 * queueing until the scrape times out), no retries of a command, a per-command timeout, and
 * reconnects in the background with a capped backoff.
 */
export function createExporterRedis(url: string, onError?: (err: Error) => void): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    connectTimeout: 1000,
    retryStrategy: (times) => Math.min(100 * times, 2000),
    connectionName: 'alertscale-exporter',
  });
  // Without a listener ioredis prints every reconnect failure; the sources report them instead.
  redis.on('error', (err: Error) => onError?.(err));
  return redis;
}
