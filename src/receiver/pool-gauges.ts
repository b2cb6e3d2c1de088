import type { Logger } from 'pino';
import { pausesOf, type SilenceCache } from '../silences/index.js';
import { OUTCOMES } from '../policy/types.js';
import { toPolicy } from './pool-policy.js';
import { viewPool } from './pool-view.js';
import type { PoolActionDeps } from './pool-actions.js';

/**
 * Pool gauges follow Redis, not this process's memory: with two receivers, or after a restart,
 * each scrape still shows the pool as it is. Bounds come from config.
 */
export function installPoolGauges(deps: PoolActionDeps, logger: Logger, silences: SilenceCache | null = null): void {
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
  // prom-client awaits an async collect() before rendering this metric.
  (metrics.replicas as unknown as { collect: () => Promise<void> }).collect = async () => {
    for (const pool of Object.keys(config.pools)) {
      try {
        const view = await viewPool(deps, pool);
        metrics.replicas.set({ pool }, view.replicas);
        if (view.desired !== null) metrics.desired.set({ pool }, view.desired);
        metrics.cooldownRemaining.set({ pool, scale: 'up' }, view.cooldownRemainingSeconds.up);
        metrics.cooldownRemaining.set({ pool, scale: 'down' }, view.cooldownRemainingSeconds.down);
      } catch (err) {
        logger.debug({ pool, err: (err as Error).message }, 'pool gauges not refreshed');
        return;
      }
    }
  };
  installPausedGauge(deps, logger, silences);
}

/** Scrapes read a silence list at most this old: Alertmanager is asked at most once per period. */
export const PAUSED_GAUGE_MAX_AGE_MS = 5_000;

/**
 * `alertscale_pool_paused`: 1 while an active silence mutes some of the pool's scaling alerts
 * (pausesOf: also a scale-only or partial silence), 0 otherwise. While Alertmanager cannot be
 * read the series are absent (unknown), not 0 and not a stale 1.
 */
function installPausedGauge(deps: PoolActionDeps, logger: Logger, silences: SilenceCache | null): void {
  const { metrics, config } = deps;
  const pools = Object.keys(config.pools);
  if (!silences) {
    for (const pool of pools) metrics.paused.set({ pool }, 0);
    return;
  }
  (metrics.paused as unknown as { collect: () => Promise<void> }).collect = async () => {
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
  };
}
