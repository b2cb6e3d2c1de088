import type { Redis } from 'ioredis';

/** Deletes the lock only if it still holds our token: an expired lock taken over by another receiver stays theirs. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
/** Extends the lease only while it is still ours. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * A pool lock as a lease: it lives `ttlMs` unless renewed, and is renewed every third of that
 * while its holder lives, so a holder that dies (kill -9, OOM, a lost host) frees its pool within
 * `ttlMs`, however long its command was allowed to run.
 */
export interface PoolLease {
  /** Stop renewing and delete the lock (if still ours). */
  release(): Promise<void>;
  /** Stop renewing: the lock was already deleted (by the decision's commit). */
  stop(): void;
  /** Why renewal failed, when it did: the command went on, but the pool may have been taken meanwhile. */
  lost(): string | undefined;
}

/** Hold a lock already taken with `token` (by the decision store's lock-and-read script). `onLost` hears the first failed renewal. */
export function holdLease(redis: Redis, key: string, token: string, ttlMs: number, onLost: (reason: string) => void): PoolLease {
  let lost: string | undefined;
  let renewing = false;
  const fail = (reason: string) => {
    if (lost) return;
    lost = `${new Date().toISOString()}: ${reason}`;
    onLost(lost);
  };
  const timer = setInterval(
    async () => {
      if (renewing) return; // a renewal still waiting on Redis: the next one would only pile up
      renewing = true;
      try {
        if ((await redis.eval(RENEW, 1, key, token, ttlMs)) !== 1)
          fail('lease renewal found the lease expired or taken by another receiver');
      } catch (err) {
        fail(`lease renewal failed: ${(err as Error).message}`);
      } finally {
        renewing = false;
      }
    },
    Math.max(100, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    release: async () => {
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, token);
    },
    lost: () => lost,
  };
}
