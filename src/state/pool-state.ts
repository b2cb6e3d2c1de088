import type { Redis } from 'ioredis';
import type { Decision, PoolState } from '../policy/types.js';
import type { StateKeys } from './keys.js';

/** What the pool hash holds beyond the decision inputs. */
export interface StoredPool {
  /** Replicas as last recorded (undefined before the first scale). */
  replicas?: number;
  lastUpAt?: number;
  lastDownAt?: number;
  desired?: number;
  lastDecision?: StoredDecision;
  /** Audit id of the decision whose command runs, from the commit until its end is recorded. */
  running?: string;
}

/** The pool's last decision, as `GET /v1/pools` shows it. */
export interface StoredDecision extends Pick<Decision, 'outcome' | 'scale' | 'from' | 'to' | 'reason'> {
  id: string;
  time: string;
}

const int = (text: string | undefined) => (text === undefined || text === '' ? undefined : Number(text));

/** The pool hash as Redis returns it (HGETALL), typed. */
export function parseStoredPool(hash: Record<string, string>): StoredPool {
  return {
    replicas: int(hash.replicas),
    lastUpAt: int(hash.lastUpAt),
    lastDownAt: int(hash.lastDownAt),
    desired: int(hash.desired),
    lastDecision: hash.lastDecision ? (JSON.parse(hash.lastDecision) as StoredDecision) : undefined,
    running: hash.running || undefined,
  };
}

export function createPoolStore(redis: Redis, keys: StateKeys) {
  return {
    async read(pool: string): Promise<StoredPool> {
      return parseStoredPool(await redis.hgetall(keys.pool(pool)));
    },

    /** How a decision's command ended: no longer `running`, and the outcome of the pool's last decision if it still is that one. */
    async completeDecision(pool: string, auditId: string, outcome: StoredDecision['outcome']): Promise<void> {
      const [raw, running] = await redis.hmget(keys.pool(pool), 'lastDecision', 'running');
      if (running === auditId) await redis.hdel(keys.pool(pool), 'running');
      const last = raw ? (JSON.parse(raw) as StoredDecision) : undefined;
      if (last?.id !== auditId) return;
      await redis.hset(keys.pool(pool), { lastDecision: JSON.stringify({ ...last, outcome }) });
    },
  };
}

export type PoolStore = ReturnType<typeof createPoolStore>;

/** The decision input: rule 7, without a live count the last recorded value, else min. */
export function toPoolState(stored: StoredPool, min: number, live?: number): PoolState {
  return { replicas: live ?? stored.replicas ?? min, lastUpAt: stored.lastUpAt, lastDownAt: stored.lastDownAt };
}
