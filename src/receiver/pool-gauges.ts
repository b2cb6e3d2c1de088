import { OUTCOMES } from '../policy/types.js';
import { pausesOf } from '../silences/index.js';
import type { Deps } from './deps.js';
import { toPolicy } from './pool-policy.js';
import { viewPool, type ViewDeps } from './pool-view.js';

type GaugeDeps = ViewDeps & Pick<Deps, 'metrics' | 'logger' | 'silences'>;

/**
 * Pool gauges follow Redis, not this process's memory: with two receivers, or after a restart,
 * each scrape still shows the pool as it is. Bounds come from config.
 */
export function installPoolGauges(deps: GaugeDeps): void {
  const { metrics, config } = deps;
  for (const [pool, cfg] of Object.entries(config.pools)) {
    const policy = toPolicy(cfg);
    metrics.minReplicas.set({ pool }, policy.min);
    metrics.maxReplicas.set({ pool }, policy.max);
    metrics.enabled.set({ pool }, policy.enabled ? 1 : 0);
    // Series that exist from the start: rate()/increase() then see the first decision, not miss it.
    for (const scale of ['up', 'down'] as const) {
      for (const outcome of OUTCOMES) metrics.decisions.inc({ pool, scale, outcome }, 0);
    }
  }
  const unreadable = new Set<string>();
  const refresh = sharedRefresh(() => Promise.all([refreshPools(deps, unreadable), refreshPaused(deps)]));
  for (const metric of [metrics.replicas, metrics.desired, metrics.cooldownRemaining, metrics.paused]) onScrape(metric, refresh);
}

/**
 * prom-client calls every metric's collect() at the start of `registry.metrics()`, all before it
 * awaits any, then writes each metric out once its own collect has resolved. The pool gauges
 * share one refresh per scrape, so all of them are read from Redis before any is written out.
 */
function sharedRefresh(read: () => Promise<unknown>): () => Promise<void> {
  let inflight: Promise<void> | undefined;
  return () =>
    (inflight ??= read()
      .then(() => undefined)
      .finally(() => (inflight = undefined)));
}

function onScrape(metric: unknown, refresh: () => Promise<void>): void {
  (metric as { collect: () => Promise<void> }).collect = refresh;
}

/**
 * Every pool, each on its own: one that cannot be read (Redis down, a damaged hash) loses its
 * series — unknown, not a stale value — and the others are still refreshed. `down` holds the
 * pools whose last read failed: a failure is logged when it starts, not on every scrape.
 */
async function refreshPools(deps: GaugeDeps, down: Set<string>): Promise<void> {
  const { metrics, logger } = deps;
  await Promise.all(
    Object.keys(deps.config.pools).map(async (pool) => {
      try {
        const view = await viewPool(deps, pool);
        metrics.replicas.set({ pool }, view.replicas);
        if (view.desired !== null) metrics.desired.set({ pool }, view.desired);
        else metrics.desired.remove({ pool });
        for (const scale of ['up', 'down'] as const) metrics.cooldownRemaining.set({ pool, scale }, view.cooldownRemainingSeconds[scale]);
        if (down.delete(pool)) logger.info({ pool }, 'pool gauges refreshed again');
      } catch (err) {
        metrics.replicas.remove({ pool });
        metrics.desired.remove({ pool });
        for (const scale of ['up', 'down'] as const) metrics.cooldownRemaining.remove({ pool, scale });
        if (!down.has(pool))
          logger.warn({ pool, err: (err as Error).message }, 'pool gauges not refreshed: cannot read the pool from Redis');
        down.add(pool);
      }
    }),
  );
}

/** Scrapes read a silence list at most this old: Alertmanager is asked at most once per period. */
export const PAUSED_GAUGE_MAX_AGE_MS = 5_000;

/**
 * `alertscale_pool_paused`: 1 while an active silence mutes some of the pool's scaling alerts
 * (pausesOf: also a scale-only or partial silence), 0 otherwise (always 0 without Alertmanager).
 * While Alertmanager cannot be read the series are absent (unknown), not 0 and not a stale 1.
 */
async function refreshPaused(deps: GaugeDeps): Promise<void> {
  const { metrics, config, logger, silences } = deps;
  const pools = Object.keys(config.pools);
  if (!silences) {
    for (const pool of pools) metrics.paused.set({ pool }, 0);
    return;
  }
  let list;
  try {
    list = await silences.recent(PAUSED_GAUGE_MAX_AGE_MS);
  } catch (err) {
    metrics.paused.reset();
    logger.debug({ err: (err as Error).message }, 'alertscale_pool_paused not refreshed: Alertmanager unreadable');
    return;
  }
  const now = deps.now();
  for (const pool of pools) metrics.paused.set({ pool }, pausesOf(pool, list, now).length > 0 ? 1 : 0);
}
