import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import type { Config } from '../config/index.js';
import { heartbeatsSource } from './heartbeats.js';
import { hostSource } from './host.js';
import { createMetrics, type ExporterMetrics } from './metrics.js';
import { processesSource } from './processes.js';
import { queueSources } from './queues.js';
import type { Source } from './source.js';
import { sysconf } from './system.js';

/** Where source failures are reported: only when a source goes down or comes back, not every scrape. */
export interface ExporterLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface ExporterDeps {
  config: Config;
  /** A client made by `createExporterRedis` (short timeouts, no offline queue) or any ioredis client. */
  redis: Redis;
  procRoot?: string;
  passwdFile?: string;
  /** ms clock for job ages. */
  now?: () => number;
  clkTck?: number;
  pageSize?: number;
  logger?: ExporterLogger;
}

export interface Exporter {
  /** The exporter's own registry; `registry.metrics()` reads every source once. */
  registry: Registry;
  metrics: ExporterMetrics;
  /** Source label values, in read order. */
  sources: readonly string[];
  /** Read every source now (what a scrape does); concurrent callers share one read. */
  collect(): Promise<void>;
}

export function createExporter(deps: ExporterDeps): Exporter {
  const { config, redis } = deps;
  const registry = new Registry();
  let inflight: Promise<void> | undefined;
  const collect = () => (inflight ??= readAll().finally(() => (inflight = undefined)));
  const metrics = createMetrics(registry, collect);

  const procRoot = deps.procRoot ?? '/proc';
  const now = deps.now ?? Date.now;
  const clkTck = deps.clkTck ?? sysconf('CLK_TCK', 100);
  // Redis sources first: their commands go out before the synchronous /proc reads, which then
  // overlap the round trips.
  const sources: Source[] = [
    ...queueSources(config.queues, { metrics, redis, now }),
    heartbeatsSource({ metrics, redis, pools: Object.keys(config.pools) }),
    hostSource({ metrics, procRoot, clkTck }),
    processesSource({
      metrics,
      pools: config.pools,
      procRoot,
      passwdFile: deps.passwdFile ?? '/etc/passwd',
      clkTck,
      pageSize: deps.pageSize ?? sysconf('PAGESIZE', 4096),
      selfPid: process.pid,
    }),
  ];
  const down = new Set<string>();
  for (const s of sources) metrics.collectorErrors.inc({ source: s.name }, 0);

  async function readOne(s: Source): Promise<void> {
    try {
      await s.read();
      metrics.sourceUp.set({ source: s.name }, 1);
      if (down.delete(s.name)) deps.logger?.info({ source: s.name }, 'source is back');
    } catch (err) {
      metrics.sourceUp.set({ source: s.name }, 0);
      metrics.collectorErrors.inc({ source: s.name });
      s.clear();
      if (!down.has(s.name)) deps.logger?.warn({ source: s.name, err: (err as Error).message }, 'source read failed');
      down.add(s.name);
    }
  }

  async function readAll(): Promise<void> {
    const start = performance.now();
    await Promise.all(sources.map(readOne));
    metrics.scrapeDuration.set((performance.now() - start) / 1000);
  }

  return { registry, metrics, sources: sources.map((s) => s.name), collect };
}
