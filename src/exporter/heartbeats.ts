import type { Redis } from 'ioredis';
import { setCounter, type ExporterMetrics } from './metrics.js';
import type { Source } from './source.js';

/** docs/HEARTBEATS.md: `HSET alertscale:hb:<pool>:<worker> busy 0|1 ts <unix> …` + EXPIRE. */
export const HEARTBEAT_PREFIX = 'alertscale:hb:';
/** docs/HEARTBEATS.md: the pool's counters `HINCRBY alertscale:jobs:<pool> done 1` …; never expire. */
export const POOL_JOBS_PREFIX = 'alertscale:jobs:';
/** docs/HEARTBEATS.md "Drain": `SET alertscale:drain:<pool>:<worker> <unix> EX …`, written by the receiver. */
export const DRAIN_PREFIX = 'alertscale:drain:';

/** Keys SCAN looks at per call: big enough that a large keyspace takes few round trips. */
const SCAN_COUNT = 5000;

/**
 * KEYS: the heartbeat keys found (ARGV[1] of them), then one `alertscale:jobs:<pool>` per pool.
 * Per heartbeat key: 0 gone (expired since SCAN), 1 alive, 2 alive and busy; per pool key: done,
 * failed, busy_seconds (as strings: busy_seconds is a float). One call, not one HMGET per worker.
 */
const LUA = `
local n = tonumber(ARGV[1])
local out = {}
for i = 1, n do
  local h = redis.call('HMGET', KEYS[i], 'busy', 'ts')
  out[i] = (h[1] or h[2]) and (h[1] == '1' and 2 or 1) or 0
end
for i = n + 1, #KEYS do
  local c = redis.call('HMGET', KEYS[i], 'done', 'failed', 'busy_seconds')
  out[i] = {c[1] or '0', c[2] or '0', c[3] or '0'}
end
return out
`;

/**
 * Alive and busy workers per configured pool, and the pool's job counters. One SCAN over the
 * keyspace for all pools (a SCAN per pool would walk the keyspace once per pool), then one script
 * reads every heartbeat found and every pool's counters: a heartbeat that expires between the two
 * is simply not counted. Heartbeats of pools not in alertscale.yml are ignored, which keeps the
 * `pool` label bounded. The job counters live in Redis, not in the workers' heartbeats, so they
 * never go down when a worker exits and rate() stays valid across scaling (docs/HEARTBEATS.md).
 */
export function heartbeatsSource(deps: { metrics: ExporterMetrics; redis: Redis; pools: readonly string[] }): Source {
  const { metrics: m, redis } = deps;
  const pools = new Set(deps.pools);
  const poolList = [...pools];

  return {
    name: 'heartbeats',
    async read() {
      const keys = new Set<string>(); // SCAN may return a key twice
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `${HEARTBEAT_PREFIX}*`, 'COUNT', SCAN_COUNT, 'TYPE', 'hash');
        for (const key of batch) if (pools.has(poolOf(key) ?? '')) keys.add(key);
        cursor = next;
      } while (cursor !== '0');

      const list = [...keys];
      const all = [...list, ...poolList.map((p) => POOL_JOBS_PREFIX + p)];
      const reply =
        all.length === 0 ? [] : ((await script(redis).alertscaleExporterHeartbeats(all.length, ...all, String(list.length))) as unknown[]);
      const alive = new Map<string, number>(poolList.map((p) => [p, 0]));
      const busy = new Map(alive);
      list.forEach((key, i) => {
        if (!reply[i]) return; // expired since SCAN
        const pool = poolOf(key)!;
        alive.set(pool, alive.get(pool)! + 1);
        if (reply[i] === 2) busy.set(pool, busy.get(pool)! + 1);
      });
      for (const pool of pools) {
        m.workersAlive.set({ pool }, alive.get(pool)!);
        m.workersBusy.set({ pool }, busy.get(pool)!);
      }
      const counters = poolList.map((pool, i) => ({ pool, values: (reply[list.length + i] as string[]).map(Number) }));
      setCounter(
        m.poolJobsDone,
        counters.map(({ pool, values }) => [{ pool }, values[0]!]),
      );
      setCounter(
        m.poolJobsFailed,
        counters.map(({ pool, values }) => [{ pool }, values[1]!]),
      );
      setCounter(
        m.poolBusySeconds,
        counters.map(({ pool, values }) => [{ pool }, values[2]!]),
      );
    },
    clear() {
      for (const metric of [m.workersAlive, m.workersBusy, m.poolJobsDone, m.poolJobsFailed, m.poolBusySeconds]) metric.reset();
    },
  };
}

type WithScript = Redis & { alertscaleExporterHeartbeats(numKeys: number, ...keys: string[]): Promise<unknown> };

/** EVALSHA, with EVAL after a Redis restart (ioredis defineCommand). */
function script(redis: Redis): WithScript {
  if (!('alertscaleExporterHeartbeats' in redis)) redis.defineCommand('alertscaleExporterHeartbeats', { lua: LUA });
  return redis as WithScript;
}

/** `alertscale:hb:<pool>:<worker>` → pool (pool names cannot hold `:`), else undefined. */
export function poolOf(key: string): string | undefined {
  if (!key.startsWith(HEARTBEAT_PREFIX)) return undefined;
  const rest = key.slice(HEARTBEAT_PREFIX.length);
  const colon = rest.indexOf(':');
  return colon > 0 && colon < rest.length - 1 ? rest.slice(0, colon) : undefined;
}
