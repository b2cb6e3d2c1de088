import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Config } from '../../config/index.js';
import { demoTargetsFromConfig } from '../../demo/config-lookup.js';
import { newRunId } from '../../demo/job.js';
import { demoKeys } from '../../demo/keys.js';
import { enqueueJobs } from '../../demo/stress.js';
import { createExecutor } from '../../executors/index.js';
import { createNarrator, type DemoFigures, type Observation, type SeenDecision } from './demo-narrator.js';

/** A running stack the demo talks to (started by it, or found running). */
export interface DemoTarget {
  urls: { prometheus: string; receiver: string };
  token: string;
  config: Config;
}

export interface DemoRunOptions {
  tasks: number;
  jobMs: number;
  timeoutMs: number;
  signal: AbortSignal;
  print(line: string): void;
  progress?: { start(total: number): void; update(done: number): void; stop(): void };
}

export type DemoEnd = 'at-rest' | 'timeout' | 'interrupted';

const POOL = 'demo';
const POLL_MS = 500;

async function getJson(url: string, token?: string): Promise<any> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`GET ${url.replace(/\?.*/, '')}: HTTP ${res.status}`);
  return res.json();
}

/** The pool's alerts in Prometheus now (pending waits out `for:`; firing goes to Alertmanager). */
async function poolAlerts(prometheus: string, since: number): Promise<Pick<Observation, 'alerts' | 'activeAt'>> {
  const body = await getJson(`${prometheus}/api/v1/alerts`);
  const alerts: Observation['alerts'] = {};
  const activeAt: Record<string, number> = {};
  for (const a of body.data.alerts as { labels: Record<string, string>; state: string; activeAt?: string }[]) {
    if (a.labels.pool !== POOL || (a.state !== 'pending' && a.state !== 'firing')) continue;
    alerts[a.labels.alertname!] = a.state;
    if (a.activeAt) activeAt[a.labels.alertname!] = Date.parse(a.activeAt) - since;
  }
  return { alerts, activeAt };
}

/** The receiver's latest decisions for the pool, newest first, with whether their command still runs. */
async function decisions(target: DemoTarget, since: number): Promise<(SeenDecision & { running: boolean })[]> {
  const body = await getJson(`${target.urls.receiver}/v1/audit?pool=${POOL}&limit=50`, target.token);
  return (body.entries as any[]).map((e) => ({
    id: e.id,
    running: e.status === 'running',
    at: Date.parse(e.time) - since,
    scale: e.scale,
    outcome: e.outcome,
    from: e.from,
    to: e.to,
    reason: e.reason,
    alerts: e.alerts.map((a: any) => a.alertname),
  }));
}

/**
 * Shows the demo pool at rest, enqueues a burst and narrates until the pool is back at rest (or the
 * timeout, or the signal). Returns how it ended and the figures.
 */
export async function runDemo(target: DemoTarget, opts: DemoRunOptions): Promise<{ end: DemoEnd; figures: DemoFigures }> {
  const pool = target.config.pools[POOL];
  if (!pool) throw new Error(`demo: the configuration has no pool "${POOL}" (alertscale.yml of the stack)`);
  const queueKey = demoTargetsFromConfig(target.config, POOL).queueKey;
  if (!queueKey) throw new Error(`demo: no list queue feeds pool "${POOL}" in the stack's alertscale.yml`);
  const keys = demoKeys(queueKey, POOL);
  const executor = createExecutor(POOL, pool.executor);
  const workersNow = () => executor.current!();
  const redis = new Redis(target.config.redis.url, { maxRetriesPerRequest: 2 });
  try {
    // Decisions are told when first seen (a scale-up as the command starts, before the workers
    // grow), and once more if their command ends in failure.
    const seen = new Map((await decisions(target, 0)).map((d) => [d.id, false]));
    const completedBefore = Number((await redis.hget(keys.counters, 'completed')) ?? 0);
    const startWorkers = await workersNow();
    opts.print(`pool ${POOL} at rest: ${startWorkers} worker(s) (min ${pool.min}, max ${pool.max}), queue ${await redis.llen(keys.queue)}`);

    const burstAt = Date.now();
    await enqueueJobs({ redis, queueKey }, { tasks: opts.tasks, jobMs: opts.jobMs, runId: newRunId() });
    opts.print(`burst: ${opts.tasks} jobs of ${opts.jobMs} ms enqueued to ${queueKey}`);
    opts.progress?.start(opts.tasks);
    const narrator = createNarrator({ jobs: opts.tasks, min: pool.min, startWorkers });
    const deadline = burstAt + opts.timeoutMs;
    while (Date.now() < deadline && !opts.signal.aborted) {
      const [alerts, latest, workers, queue, completed] = await Promise.all([
        poolAlerts(target.urls.prometheus, burstAt),
        decisions(target, burstAt),
        workersNow(),
        redis.llen(keys.queue),
        redis.hget(keys.counters, 'completed'),
      ]);
      const fresh = latest.filter((d) => !seen.has(d.id) || (seen.get(d.id) && !d.running && d.outcome === 'failed')).reverse();
      for (const d of latest) seen.set(d.id, d.running);
      const done = Math.min(opts.tasks, Number(completed ?? 0) - completedBefore);
      const lines = narrator.observe({ at: Date.now() - burstAt, ...alerts, decisions: fresh, workers, queue, done });
      opts.progress?.update(done);
      if (narrator.phase === 'at-rest') {
        // The bar's logged lines wait for its next redraw, which stop() does not do: stop first.
        opts.progress?.stop();
        for (const line of lines) opts.print(line);
        return { end: 'at-rest', figures: narrator.figures() };
      }
      for (const line of lines) opts.print(line);
      await sleep(POLL_MS, undefined, { signal: opts.signal }).catch(() => undefined);
    }
    opts.progress?.stop();
    return { end: opts.signal.aborted ? 'interrupted' : 'timeout', figures: narrator.figures() };
  } finally {
    redis.disconnect();
  }
}
