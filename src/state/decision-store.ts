import type { Redis } from 'ioredis';
import type { AlertHistory } from '../policy/types.js';
import { HISTORY_TTL_SECONDS, parseHistory } from './alert-history.js';
import type { AuditRecord } from './audit-entry.js';
import type { StateKeys } from './keys.js';
import { parseStoredPool, type StoredDecision, type StoredPool } from './pool-state.js';

/**
 * Take the pool lock and read what a decision needs, in one step: nothing is read without the
 * lock, and a busy pool costs one call. Returns false when another holder has the lock.
 */
const BEGIN = `
if not redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return false end
local out = { redis.call('hgetall', KEYS[2]) }
for i = 3, #KEYS do out[#out + 1] = redis.call('hgetall', KEYS[i]) end
return out`;

/**
 * Record a decision in one step: the audit entry (whose id the pool's last decision carries), the
 * pool hash, the alerts' histories, and, when no command follows, the lock's release (only if it
 * is still ours); when a command follows, the pool's `running` mark, so whoever takes the pool
 * after a holder died knows which entry was left unfinished.
 */
const COMMIT = `
local id = redis.call('xadd', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[1])
redis.call('hset', KEYS[2], 'desired', ARGV[4], 'lastDecision', '{"id":"' .. id .. '",' .. string.sub(ARGV[3], 2))
if ARGV[5] ~= '' then redis.call('hset', KEYS[2], 'replicas', ARGV[5]) end
for i = 4, #KEYS do
  local a = 9 + (i - 4) * 3
  redis.call('del', KEYS[i])
  redis.call('hset', KEYS[i], 'startsAt', ARGV[a], 'resolved', ARGV[a + 1])
  if ARGV[a + 2] ~= '' then redis.call('hset', KEYS[i], 'lastStepAt', ARGV[a + 2]) end
  redis.call('expire', KEYS[i], ARGV[8])
end
if ARGV[6] == '1' then
  if redis.call('get', KEYS[3]) == ARGV[7] then redis.call('del', KEYS[3]) end
else
  redis.call('hset', KEYS[2], 'running', id)
end
return id`;

/** Stamp the step on alert histories that still exist (a command succeeded; its decision wrote them). */
const STEPPED = `
for i = 1, #KEYS do
  if redis.call('exists', KEYS[i]) == 1 then redis.call('hset', KEYS[i], 'lastStepAt', ARGV[1]) end
end
return #KEYS`;

export interface Begun {
  stored: StoredPool;
  history: Map<string, AlertHistory>;
}

export interface Commit {
  pool: string;
  record: AuditRecord;
  lastDecision: Omit<StoredDecision, 'id'>;
  /** A live count read by the executor's probe, to store. */
  replicas?: number;
  history: Map<string, AlertHistory>;
  /** Release the lock now (no command follows). */
  release: boolean;
  token: string;
}

const toObject = (flat: string[]) => {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
};

/** A Lua script as a command of this client: EVALSHA, falling back to EVAL once per connection. */
function script(redis: Redis, name: string, lua: string) {
  if (!(name in redis)) redis.defineCommand(name, { lua });
  const run = (redis as unknown as Record<string, (...a: (string | number)[]) => Promise<unknown>>)[name]!.bind(redis);
  return (keyList: string[], args: (string | number)[]) => run(keyList.length, ...keyList, ...args);
}

/** A decision's reads and writes as two Redis calls. */
export function createDecisionStore(redis: Redis, keys: StateKeys, auditMaxEntries: number) {
  const beginScript = script(redis, 'alertscaleBeginDecision', BEGIN);
  const commitScript = script(redis, 'alertscaleCommitDecision', COMMIT);
  const steppedScript = script(redis, 'alertscaleRecordSteps', STEPPED);
  return {
    /** Lock + read within `waitMs` (polling another process's lock); undefined when the pool stays busy. */
    async begin(pool: string, fingerprints: string[], token: string, ttlMs: number, waitMs: number): Promise<Begun | undefined> {
      const unique = [...new Set(fingerprints.filter(Boolean))];
      const keyList = [keys.lock(pool), keys.pool(pool), ...unique.map((fp) => keys.alertHistory(pool, fp))];
      const deadline = Date.now() + waitMs;
      for (;;) {
        const reply = (await beginScript(keyList, [token, ttlMs])) as string[][] | null;
        if (reply) {
          const history = new Map<string, AlertHistory>();
          reply.slice(1).forEach((flat, i) => {
            const h = parseHistory(toObject(flat));
            if (h) history.set(unique[i]!, h);
          });
          return { stored: parseStoredPool(toObject(reply[0]!)), history };
        }
        if (Date.now() >= deadline) return undefined;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },

    /** Write the decision; returns its audit id. */
    async commit(c: Commit): Promise<string> {
      const entries = [...c.history];
      const keyList = [keys.audit, keys.pool(c.pool), keys.lock(c.pool), ...entries.map(([fp]) => keys.alertHistory(c.pool, fp))];
      const args: (string | number)[] = [
        JSON.stringify(c.record), auditMaxEntries, JSON.stringify(c.lastDecision), c.lastDecision.to,
        c.replicas ?? '', c.release ? '1' : '0', c.token, HISTORY_TTL_SECONDS,
        ...entries.flatMap(([, h]) => [h.startsAt, h.resolved ? '1' : '0', h.lastStepAt ?? '']),
      ];
      return (await commitScript(keyList, args)) as string;
    },

    /** Redis WAIT: how many replicas hold every write of this connection so far, waiting at most `timeoutMs` for `replicas`. */
    async replicated(replicas: number, timeoutMs: number): Promise<number> {
      return Number(await redis.call('WAIT', replicas, timeoutMs));
    },

    /** After a step's command succeeded: its alerts stepped at `at` (repeats within stepInterval are duplicates). */
    async recordSteps(pool: string, fingerprints: readonly string[], at: number): Promise<void> {
      const unique = [...new Set(fingerprints.filter(Boolean))];
      if (unique.length > 0) await steppedScript(unique.map((fp) => keys.alertHistory(pool, fp)), [at]);
    },
  };
}

export type DecisionStore = ReturnType<typeof createDecisionStore>;
