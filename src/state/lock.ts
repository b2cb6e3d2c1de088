import type { Redis } from 'ioredis';

/** Deletes the lock only if it still holds our token: an expired lock taken over by another receiver stays theirs. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface PoolLock {
  release(): Promise<void>;
}

/** A lock already taken with `token` (by the decision store's lock-and-read script), released only while it is still ours. */
export function heldLock(redis: Redis, key: string, token: string): PoolLock {
  return { release: async () => void (await redis.eval(RELEASE, 1, key, token)) };
}
