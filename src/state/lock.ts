import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Deletes the lock only if it still holds our token: an expired lock taken over by another receiver stays theirs. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface PoolLock {
  release(): Promise<void>;
}

/**
 * Take `key` (SET NX PX) within `waitMs`, polling; null when another holder keeps it.
 * The TTL bounds how long a crashed holder can block the pool.
 */
export async function acquireLock(redis: Redis, key: string, ttlMs: number, waitMs: number): Promise<PoolLock | null> {
  const token = randomUUID();
  const deadline = Date.now() + waitMs;
  for (;;) {
    if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK') {
      return { release: async () => void (await redis.eval(RELEASE, 1, key, token)) };
    }
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
