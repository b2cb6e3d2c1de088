import type { Redis } from 'ioredis';
import type { AlertHistory } from '../policy/types.js';
import type { StateKeys } from './keys.js';

/** Kept long past any repeat_interval, short enough not to pile up. */
const HISTORY_TTL_SECONDS = 7 * 24 * 3600;

/** Per alert (fingerprint) of a pool: which firing it is in, whether it resolved, when it last stepped. */
export function createAlertHistoryStore(redis: Redis, keys: StateKeys) {
  return {
    async read(pool: string, fingerprints: string[]): Promise<Map<string, AlertHistory>> {
      const unique = [...new Set(fingerprints.filter(Boolean))];
      const found = new Map<string, AlertHistory>();
      if (unique.length === 0) return found;
      const pipeline = redis.pipeline();
      for (const fp of unique) pipeline.hgetall(keys.alertHistory(pool, fp));
      const replies = (await pipeline.exec()) ?? [];
      replies.forEach(([err, hash], i) => {
        if (err) throw err;
        const h = hash as Record<string, string>;
        if (!h.startsAt) return;
        found.set(unique[i]!, {
          startsAt: h.startsAt,
          resolved: h.resolved === '1',
          lastStepAt: h.lastStepAt ? Number(h.lastStepAt) : undefined,
        });
      });
      return found;
    },

    async write(pool: string, updates: Map<string, AlertHistory>): Promise<void> {
      if (updates.size === 0) return;
      const multi = redis.multi();
      for (const [fp, h] of updates) {
        const key = keys.alertHistory(pool, fp);
        multi.del(key);
        multi.hset(key, { startsAt: h.startsAt, resolved: h.resolved ? '1' : '0', ...(h.lastStepAt !== undefined ? { lastStepAt: h.lastStepAt } : {}) });
        multi.expire(key, HISTORY_TTL_SECONDS);
      }
      const replies = (await multi.exec()) ?? [];
      for (const [err] of replies) if (err) throw err;
    },
  };
}

export type AlertHistoryStore = ReturnType<typeof createAlertHistoryStore>;
