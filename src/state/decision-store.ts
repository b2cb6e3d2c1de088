import type { Redis } from 'ioredis';
import type { AlertHistory } from '../policy/types.js';
import { HISTORY_TTL_SECONDS, parseHistory } from './alert-history.js';
import type { AuditRecord } from './audit-entry.js';
import type { StateKeys } from './keys.js';
import { holdLease, type PoolLease } from './lock.js';
import { parseStoredPool, type StoredDecision, type StoredPool } from './pool-state.js';

/**
 * A script's fixed KEYS or ARGV, named once: the Lua text reads `lua.name` (`KEYS[2]`), the call
 * site builds the array with `fill({name: …})`, so neither side counts positions by hand.
 * Variable-length parts (alert histories) follow the fixed ones, from `count + 1`.
 */
function positions<const N extends readonly string[], V>(array: 'KEYS' | 'ARGV', names: N) {
  const lua = Object.fromEntries(names.map((name, i) => [name, `${array}[${i + 1}]`])) as Record<N[number], string>;
  const fill = (values: Record<N[number], V>): V[] => names.map((name: N[number]) => values[name]);
  return { lua, count: names.length, fill };
}
const keyPositions = <const N extends readonly string[]>(names: N) => positions<N, string>('KEYS', names);
const argPositions = <const N extends readonly string[]>(names: N) => positions<N, string | number>('ARGV', names);

const BEGIN_KEYS = keyPositions(['lock', 'pool']); // then one alert-history hash per fingerprint
const BEGIN_ARGV = argPositions(['token', 'ttlMs']);

/**
 * Take the pool lock and read what a decision needs, in one step: nothing is read without the
 * lock, and a busy pool costs one call. Returns false when another holder has the lock.
 */
const BEGIN = `
if not redis.call('set', ${BEGIN_KEYS.lua.lock}, ${BEGIN_ARGV.lua.token}, 'PX', ${BEGIN_ARGV.lua.ttlMs}, 'NX') then return false end
local out = { redis.call('hgetall', ${BEGIN_KEYS.lua.pool}) }
for i = ${BEGIN_KEYS.count + 1}, #KEYS do out[#out + 1] = redis.call('hgetall', KEYS[i]) end
return out`;

const COMMIT_KEYS = keyPositions(['audit', 'pool', 'lock']); // then one alert-history hash per entry
const COMMIT_ARGV = argPositions(['record', 'maxEntries', 'lastDecision', 'desired', 'replicas', 'release', 'token', 'historyTtl']);
/** Per alert history, after the fixed ARGV: these fields, in this order (`a` is the first one's index). */
const HISTORY_ARGV = ['startsAt', 'resolved', 'lastStepAt'] as const;
const historyArg = (field: (typeof HISTORY_ARGV)[number]) => `ARGV[a + ${HISTORY_ARGV.indexOf(field)}]`;
const historyArgs = (values: Record<(typeof HISTORY_ARGV)[number], string | number>) => HISTORY_ARGV.map((field) => values[field]);

/**
 * Record a decision in one step: the audit entry (whose id the pool's last decision carries), the
 * pool hash, the alerts' histories, and, when no command follows, the lock's release (only if it
 * is still ours); when a command follows, the pool's `running` mark, so whoever takes the pool
 * after a holder died knows which entry was left unfinished.
 */
const COMMIT = `
local id = redis.call('xadd', ${COMMIT_KEYS.lua.audit}, 'MAXLEN', '~', ${COMMIT_ARGV.lua.maxEntries}, '*', 'e', ${COMMIT_ARGV.lua.record})
redis.call('hset', ${COMMIT_KEYS.lua.pool}, 'desired', ${COMMIT_ARGV.lua.desired}, 'lastDecision', '{"id":"' .. id .. '",' .. string.sub(${COMMIT_ARGV.lua.lastDecision}, 2))
if ${COMMIT_ARGV.lua.replicas} ~= '' then redis.call('hset', ${COMMIT_KEYS.lua.pool}, 'replicas', ${COMMIT_ARGV.lua.replicas}) end
for i = ${COMMIT_KEYS.count + 1}, #KEYS do
  local a = ${COMMIT_ARGV.count + 1} + (i - ${COMMIT_KEYS.count + 1}) * ${HISTORY_ARGV.length}
  redis.call('del', KEYS[i])
  redis.call('hset', KEYS[i], 'startsAt', ${historyArg('startsAt')}, 'resolved', ${historyArg('resolved')})
  if ${historyArg('lastStepAt')} ~= '' then redis.call('hset', KEYS[i], 'lastStepAt', ${historyArg('lastStepAt')}) end
  redis.call('expire', KEYS[i], ${COMMIT_ARGV.lua.historyTtl})
end
if ${COMMIT_ARGV.lua.release} == '1' then
  if redis.call('get', ${COMMIT_KEYS.lua.lock}) == ${COMMIT_ARGV.lua.token} then redis.call('del', ${COMMIT_KEYS.lua.lock}) end
else
  redis.call('hset', ${COMMIT_KEYS.lua.pool}, 'running', id)
end
return id`;

const STEPPED_ARGV = argPositions(['at']); // KEYS: the alert-history hashes

/** Stamp the step on alert histories that still exist (a command succeeded; its decision wrote them). */
const STEPPED = `
for i = 1, #KEYS do
  if redis.call('exists', KEYS[i]) == 1 then redis.call('hset', KEYS[i], 'lastStepAt', ${STEPPED_ARGV.lua.at}) end
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
      const keyList = [
        ...BEGIN_KEYS.fill({ lock: keys.lock(pool), pool: keys.pool(pool) }),
        ...unique.map((fp) => keys.alertHistory(pool, fp)),
      ];
      const args = BEGIN_ARGV.fill({ token, ttlMs });
      const deadline = Date.now() + waitMs;
      for (;;) {
        const reply = (await beginScript(keyList, args)) as string[][] | null;
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
      const keyList = [
        ...COMMIT_KEYS.fill({ audit: keys.audit, pool: keys.pool(c.pool), lock: keys.lock(c.pool) }),
        ...entries.map(([fp]) => keys.alertHistory(c.pool, fp)),
      ];
      const args = [
        ...COMMIT_ARGV.fill({
          record: JSON.stringify(c.record),
          maxEntries: auditMaxEntries,
          lastDecision: JSON.stringify(c.lastDecision),
          desired: c.lastDecision.to,
          replicas: c.replicas ?? '',
          release: c.release ? '1' : '0',
          token: c.token,
          historyTtl: HISTORY_TTL_SECONDS,
        }),
        ...entries.flatMap(([, h]) =>
          historyArgs({ startsAt: h.startsAt, resolved: h.resolved ? '1' : '0', lastStepAt: h.lastStepAt ?? '' }),
        ),
      ];
      return (await commitScript(keyList, args)) as string;
    },

    /** Redis WAIT: how many replicas hold every write of this connection so far, waiting at most `timeoutMs` for `replicas`. */
    async replicated(replicas: number, timeoutMs: number): Promise<number> {
      return Number(await redis.call('WAIT', replicas, timeoutMs));
    },

    /** The lease `begin` took with `token`: renewed while its holder lives, released only while it is still ours. */
    lease(pool: string, token: string, ttlMs: number, onLost: (reason: string) => void): PoolLease {
      return holdLease(redis, keys.lock(pool), token, ttlMs, onLost);
    },

    /** After a step's command succeeded: its alerts stepped at `at` (repeats within stepInterval are duplicates). */
    async recordSteps(pool: string, fingerprints: readonly string[], at: number): Promise<void> {
      const unique = [...new Set(fingerprints.filter(Boolean))];
      if (unique.length > 0)
        await steppedScript(
          unique.map((fp) => keys.alertHistory(pool, fp)),
          STEPPED_ARGV.fill({ at }),
        );
    },
  };
}

export type DecisionStore = ReturnType<typeof createDecisionStore>;
