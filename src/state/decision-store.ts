import type { Redis } from 'ioredis';
import type { AlertHistory } from '../policy/types.js';
import { HISTORY_TTL_SECONDS, parseHistory } from './alert-history.js';
import type { ScaleDirection } from '../alerts/signal.js';
import type { AuditRecord, ExecutionRecord } from './audit-entry.js';
import { EXECUTION_TTL_SECONDS } from './audit-log.js';
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
local lastDecision = '{"id":"' .. id .. '",' .. string.sub(${COMMIT_ARGV.lua.lastDecision}, 2)
redis.call('hset', ${COMMIT_KEYS.lua.pool}, 'desired', ${COMMIT_ARGV.lua.desired}, 'lastDecision', lastDecision)
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

const END_KEYS = keyPositions(['execution', 'pool']); // then the hashes of the alerts the command stepped
const END_ARGV = argPositions(['id', 'execution', 'ttl', 'outcome', 'replicas', 'cooldown', 'at']);

/**
 * Record the end of a decision's command in one step (so a failover cannot keep half of it): the
 * entry's execution, and on success the alerts' step stamps. The pool itself (new count, cooldown,
 * last decision's outcome, the `running` mark) only while it is still marked running this entry:
 * an end that lands after another action completed it `interrupted` and moved the pool on
 * corrects the entry but never sets the pool back. Idempotent. Returns 1 when it completed the
 * pool's mark, 0 when the pool had moved on.
 */
const END = `
redis.call('set', ${END_KEYS.lua.execution}, ${END_ARGV.lua.execution}, 'EX', ${END_ARGV.lua.ttl})
local scaled = ${END_ARGV.lua.outcome} == 'scaled'
if scaled then
  for i = ${END_KEYS.count + 1}, #KEYS do
    if redis.call('exists', KEYS[i]) == 1 then redis.call('hset', KEYS[i], 'lastStepAt', ${END_ARGV.lua.at}) end
  end
end
if redis.call('hget', ${END_KEYS.lua.pool}, 'running') ~= ${END_ARGV.lua.id} then return 0 end
if scaled then
  redis.call('hset', ${END_KEYS.lua.pool}, 'replicas', ${END_ARGV.lua.replicas})
  if ${END_ARGV.lua.cooldown} ~= '' then redis.call('hset', ${END_KEYS.lua.pool}, ${END_ARGV.lua.cooldown}, ${END_ARGV.lua.at}) end
end
redis.call('hdel', ${END_KEYS.lua.pool}, 'running')
local raw = redis.call('hget', ${END_KEYS.lua.pool}, 'lastDecision')
if raw then
  local last = cjson.decode(raw)
  if last.id == ${END_ARGV.lua.id} then
    last.outcome = ${END_ARGV.lua.outcome}
    redis.call('hset', ${END_KEYS.lua.pool}, 'lastDecision', cjson.encode(last))
  end
end
return 1`;

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

/** The end of a decision's command, as `end` records it. */
export interface End {
  pool: string;
  auditId: string;
  execution: ExecutionRecord;
  /** On success: the new count, the cooldown it stamps, the alerts it stepped. */
  scaled?: { replicas: number; direction: ScaleDirection | null; steppedFingerprints: readonly string[] };
  at: number;
}

/** `redis.wait`: how many replicas must hold a write, and how long to wait for them. */
export interface Wait {
  replicas: number;
  timeoutMs: number;
}

/** A write and how many replicas acknowledged it (0 when none were waited for). */
export interface Written<T> {
  reply: T;
  acked: number;
}

const toObject = (flat: string[]) => {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
  return out;
};

type Call = (...a: (string | number)[]) => unknown;

/**
 * A Lua script as a command of this client (EVALSHA, falling back to EVAL once per connection).
 * With `wait`, the script and a WAIT go out as one pipeline, on one connection: WAIT counts only
 * the writes of its own connection, so a WAIT sent after a reconnect (a failover) would vouch for a
 * write that went to the old master and died with it.
 */
function script(redis: Redis, name: string, lua: string) {
  if (!(name in redis)) redis.defineCommand(name, { lua });
  return async (keyList: string[], args: (string | number)[], wait?: Wait): Promise<Written<unknown>> => {
    const argv = [keyList.length, ...keyList, ...args];
    if (!wait || wait.replicas === 0)
      return { reply: await (redis as unknown as Record<string, Call>)[name]!.apply(redis, argv), acked: 0 };
    const pipeline = redis.pipeline();
    (pipeline as unknown as Record<string, Call>)[name]!.apply(pipeline, argv);
    pipeline.call('WAIT', wait.replicas, wait.timeoutMs);
    const [[err, reply], [waitErr, acked]] = (await pipeline.exec()) as [[Error | null, unknown], [Error | null, unknown]];
    if (err) throw err;
    // The write was answered but not its WAIT (the connection dropped between): not known to be on a replica.
    return { reply, acked: waitErr ? 0 : Number(acked) };
  };
}

/** A decision's reads and writes as two Redis calls. */
export function createDecisionStore(redis: Redis, keys: StateKeys, auditMaxEntries: number) {
  const beginScript = script(redis, 'alertscaleBeginDecision', BEGIN);
  const commitScript = script(redis, 'alertscaleCommitDecision', COMMIT);
  const endScript = script(redis, 'alertscaleRecordEnd', END);
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
        const reply = (await beginScript(keyList, args)).reply as string[][] | null;
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

    /** Write the decision (and, with `wait`, wait for replicas to hold it); the reply is its audit id. */
    async commit(c: Commit, wait?: Wait): Promise<Written<string>> {
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
      return (await commitScript(keyList, args, wait)) as Written<string>;
    },

    /** Record the end of a command (see END), with `wait` as `commit`; the reply is 0 when the pool had moved on. */
    async end(e: End, wait?: Wait): Promise<Written<0 | 1>> {
      const stepped = e.scaled ? [...new Set(e.scaled.steppedFingerprints.filter(Boolean))] : [];
      const keyList = [
        ...END_KEYS.fill({ execution: keys.auditExecution(e.auditId), pool: keys.pool(e.pool) }),
        ...stepped.map((fp) => keys.alertHistory(e.pool, fp)),
      ];
      const direction = e.scaled?.direction;
      const args = END_ARGV.fill({
        id: e.auditId,
        execution: JSON.stringify(e.execution),
        ttl: EXECUTION_TTL_SECONDS,
        outcome: e.execution.outcome,
        replicas: e.scaled?.replicas ?? '',
        cooldown: direction === 'up' ? 'lastUpAt' : direction === 'down' ? 'lastDownAt' : '',
        at: e.at,
      });
      const { reply, acked } = await endScript(keyList, args, wait);
      return { reply: Number(reply) as 0 | 1, acked };
    },

    /** The lease `begin` took with `token`: renewed while its holder lives, released only while it is still ours. */
    lease(pool: string, token: string, ttlMs: number, onLost: (reason: string) => void): PoolLease {
      return holdLease(redis, keys.lock(pool), token, ttlMs, onLost);
    },
  };
}

export type DecisionStore = ReturnType<typeof createDecisionStore>;
