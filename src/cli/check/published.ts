/**
 * The metric names alertscale publishes, read from the real exporter and receiver registries (not
 * from a list that could drift): a rule that uses any other `alertscale_*` name never matches.
 */
import { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { configSchema, type Config } from '../../config/index.js';
import { createExporter } from '../../exporter/index.js';
import { createReceiverMetrics } from '../../receiver/metrics.js';

export interface PublishedMetrics {
  /** Every series name a scrape can show (histograms as _bucket, _sum and _count). */
  names: ReadonlySet<string>;
  /** Histogram base names: never a series themselves. */
  histograms: ReadonlySet<string>;
}

/** Only our own names are checked; everything else (node_*, up, ALERTS, scrape_*, …) belongs to someone else. */
export const isCheckedMetric = (name: string) => /^alertscale[_:]/.test(name);

/** Series names of a prom-client registry, as Prometheus stores them. */
export function seriesNames(registry: Registry): { names: string[]; histograms: string[] } {
  const names: string[] = [];
  const histograms: string[] = [];
  for (const metric of registry.getMetricsAsArray()) {
    const { name, type } = metric as unknown as { name: string; type: string };
    if (type === 'histogram') {
      histograms.push(name);
      names.push(`${name}_bucket`, `${name}_sum`, `${name}_count`);
    } else if (type === 'summary') {
      names.push(name, `${name}_sum`, `${name}_count`);
    } else {
      names.push(name);
    }
  }
  return { names, histograms };
}

/**
 * Builds the exporter (with a Redis client that never connects) and the receiver metrics, and lists
 * their names. Without a valid config (check reports why), an empty one: the names do not depend on it.
 */
export function publishedMetrics(config: Config = configSchema.parse({ pools: {} })): PublishedMetrics {
  const redis = new Redis({ lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  try {
    // clkTck and pageSize given: no getconf run just to list names.
    const exporter = createExporter({ config, redis, clkTck: 100, pageSize: 4096 });
    const parts = [seriesNames(exporter.registry), seriesNames(createReceiverMetrics().registry)];
    return {
      names: new Set(parts.flatMap((p) => p.names)),
      histograms: new Set(parts.flatMap((p) => p.histograms)),
    };
  } finally {
    redis.disconnect();
  }
}
