import type { Redis } from 'ioredis';
import type { ExporterMetrics } from './metrics.js';
import type { Source } from './source.js';

/** docs/ARCHITECTURE.md "Heartbeat protocol": `HSET alertscale:hb:<pool>:<worker> busy 0|1 ts <unix>` + EXPIRE. */
export const HEARTBEAT_PREFIX = 'alertscale:hb:';

/** Keys SCAN looks at per call: big enough that a large keyspace takes few round trips. */
const SCAN_COUNT = 5000;

/** Per heartbeat key: 0 gone (expired since SCAN), 1 alive, 2 alive and busy. One call, not one HMGET per worker. */
const LUA = `
local out = {}
for i, key in ipairs(KEYS) do
  local h = redis.call('HMGET', key, 'busy', 'ts')
  out[i] = (h[1] or h[2]) and (h[1] == '1' and 2 or 1) or 0
end
return out
`;

/**
 * Alive and busy workers per configured pool. One SCAN over the keyspace for all pools (a SCAN
 * per pool would walk the keyspace once per pool), then one script reads every heartbeat found: a
 * heartbeat that expires between the two is simply not counted. Heartbeats of pools not in
 * alertscale.yml are ignored, which keeps the `pool` label bounded.
 */
export function heartbeatsSource(deps: { metrics: ExporterMetrics; redis: Redis; pools: readonly string[] }): Source {
  const { metrics: m, redis } = deps;
  const pools = new Set(deps.pools);

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
      const states = list.length === 0 ? [] : ((await script(redis).alertscaleExporterHeartbeats(list.length, ...list)) as number[]);
      const alive = new Map<string, number>([...pools].map((p) => [p, 0]));
      const busy = new Map(alive);
      list.forEach((key, i) => {
        if (!states[i]) return; // expired since SCAN
        const pool = poolOf(key)!;
        alive.set(pool, alive.get(pool)! + 1);
        if (states[i] === 2) busy.set(pool, busy.get(pool)! + 1);
      });
      for (const pool of pools) {
        m.workersAlive.set({ pool }, alive.get(pool)!);
        m.workersBusy.set({ pool }, busy.get(pool)!);
      }
    },
    clear() {
      m.workersAlive.reset();
      m.workersBusy.reset();
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
