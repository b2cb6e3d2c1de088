/**
 * The dashboard query checker against a real Prometheus (/usr/bin/prometheus) that scrapes a
 * tiny /metrics endpoint served here: one sample series per metric of docs/METRICS.md, the real
 * recording rules (prometheus/rules/recording.yml) and a test alert so ALERTS has series.
 *
 * 1. Every query of the committed dashboards parses and finds data.
 * 2. The checker can fail: a metric that disappears, PromQL errors, unknown variables, a metric
 *    hidden behind `or`, and a variable that must resolve to both pools.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDashboardQueries, formatProblems } from '../../src/dashboards/check.js';
import { freePort, waitFor } from '../helpers/ports.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DASHBOARDS = join(ROOT, 'grafana/dashboards');
const RECORDING_RULES = join(ROOT, 'prometheus/rules/recording.yml');

// ---- the synthetic exporter + receiver ------------------------------------------------------

let scrapes = 0;
/** Metric names left out of the next scrapes (to make one disappear). */
const omitted = new Set<string>();

/** Exposition text with every metric of docs/METRICS.md; counters grow on each scrape. */
function exposition(): string {
  const n = ++scrapes;
  const lines: string[] = [];
  const add = (name: string, type: string, samples: [string, number][]) => {
    const family = name.replace(/_(bucket|sum|count)$/, '');
    if (omitted.has(name) || omitted.has(family)) return;
    lines.push(`# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
  };
  const pools = ['demo', 'web'];
  const perPool = (v: (i: number) => number) => pools.map((p, i) => [`pool="${p}"`, v(i)] as [string, number]);

  add('alertscale_host_cpu_seconds_total', 'counter', [
    ['mode="idle"', 1000 + n],
    ['mode="user"', 500 + 0.5 * n],
    ['mode="system"', 100 + 0.2 * n],
  ]);
  add('alertscale_host_cpus', 'gauge', [['', 2]]);
  add('alertscale_host_memory_total_bytes', 'gauge', [['', 8e9]]);
  add('alertscale_host_memory_available_bytes', 'gauge', [['', 5e9]]);
  for (const l of ['load1', 'load5', 'load15']) add(`alertscale_host_${l}`, 'gauge', [['', 0.7]]);
  add(
    'alertscale_pool_processes',
    'gauge',
    perPool((i) => 3 - i),
  );
  add(
    'alertscale_pool_cpu_seconds_total',
    'counter',
    perPool((i) => 50 + (i + 1) * 0.4 * n),
  );
  add(
    'alertscale_pool_resident_memory_bytes',
    'gauge',
    perPool((i) => (3 - i) * 6e7),
  );
  add('alertscale_queue_length', 'gauge', [
    ['queue="demo-jobs",pool="demo"', 12],
    ['queue="web-jobs",pool="web"', 2],
  ]);
  add('alertscale_queue_pending', 'gauge', [['queue="demo-jobs",pool="demo"', 2]]);
  add('alertscale_queue_delayed', 'gauge', [['queue="demo-jobs",pool="demo"', 0]]);
  add('alertscale_queue_oldest_job_age_seconds', 'gauge', [['queue="demo-jobs",pool="demo"', 4.5]]);
  add(
    'alertscale_workers_alive',
    'gauge',
    perPool((i) => 3 - i),
  );
  add(
    'alertscale_workers_busy',
    'gauge',
    perPool((i) => 2 - i),
  );
  add(
    'alertscale_pool_jobs_done_total',
    'counter',
    perPool((i) => 100 + (2 - i) * n),
  );
  add(
    'alertscale_pool_jobs_failed_total',
    'counter',
    perPool(() => 1),
  );
  add(
    'alertscale_pool_busy_seconds_total',
    'counter',
    perPool((i) => 50 + (2 - i) * 0.5 * n),
  );
  add('alertscale_queue_added_total', 'counter', [['queue="web-jobs",pool="web"', 20 + n]]);
  add('alertscale_exporter_source_up', 'gauge', [
    ['source="host"', 1],
    ['source="processes"', 1],
    ['source="heartbeats"', 1],
    ['source="queue:demo-jobs"', 1],
  ]);
  add('alertscale_exporter_collector_errors_total', 'counter', [['source="queue:demo-jobs"', Math.floor(n / 2)]]);
  add('alertscale_exporter_scrape_duration_seconds', 'gauge', [['', 0.012]]);
  add('alertscale_webhook_requests_total', 'counter', [
    ['status="200"', 10 + n],
    ['status="401"', 1],
  ]);
  add('alertscale_alerts_received_total', 'counter', [
    ['kind="scaling"', 10 + n],
    ['kind="other"', 2],
  ]);
  add('alertscale_decisions_total', 'counter', [
    ['pool="demo",scale="up",outcome="scaled"', 3 + Math.floor(n / 3)],
    ['pool="demo",scale="up",outcome="cooldown"', 5 + n],
    ['pool="web",scale="down",outcome="at_min"', 1],
  ]);
  const buckets = ['0.1', '0.5', '1', '5', '+Inf'];
  add(
    'alertscale_executor_duration_seconds_bucket',
    'histogram',
    buckets.map((le, i) => [`pool="demo",outcome="scaled",le="${le}"`, (i + 1) * n] as [string, number]),
  );
  add('alertscale_executor_duration_seconds_sum', 'histogram', [['pool="demo",outcome="scaled"', 0.3 * n]]);
  add('alertscale_executor_duration_seconds_count', 'histogram', [['pool="demo",outcome="scaled"', 5 * n]]);
  add(
    'alertscale_pool_replicas',
    'gauge',
    perPool((i) => 3 - i),
  );
  add(
    'alertscale_pool_desired_replicas',
    'gauge',
    perPool((i) => 4 - i),
  );
  add(
    'alertscale_pool_min_replicas',
    'gauge',
    perPool(() => 1),
  );
  add(
    'alertscale_pool_max_replicas',
    'gauge',
    perPool(() => 8),
  );
  add(
    'alertscale_pool_enabled',
    'gauge',
    perPool((i) => 1 - i),
  );
  add('alertscale_pool_last_scale_timestamp_seconds', 'gauge', [['pool="demo",scale="up"', 1_790_000_000 + n]]);
  add('alertscale_pool_cooldown_remaining_seconds', 'gauge', [
    ['pool="demo",scale="up"', 12],
    ['pool="demo",scale="down"', 40],
  ]);
  add(
    'alertscale_pool_paused',
    'gauge',
    perPool(() => 0),
  );
  // The web demo app's metrics (src/demo/web), which the pools dashboard's web row reads.
  const webBuckets = ['0.25', '0.5', '+Inf'];
  add(
    'demo_web_request_duration_seconds_bucket',
    'histogram',
    webBuckets.map((le, i) => [`pool="web",route="work",le="${le}"`, (i + 1) * 4 * n] as [string, number]),
  );
  add('demo_web_request_duration_seconds_count', 'histogram', [['pool="web",route="work"', 12 * n]]);
  add('demo_web_request_errors_total', 'counter', [['pool="web",route="work"', n]]);
  add('demo_web_worker_busy_seconds_total', 'counter', [['pool="web"', 1.5 * n]]);
  add('demo_web_workers', 'gauge', [['pool="web"', 2]]);
  return `${lines.join('\n')}\n`;
}

/** Every metric name docs/METRICS.md lists (`_load5` rows are shorthand for alertscale_host_load5). */
function documentedMetrics(): string[] {
  const doc = readFileSync(join(ROOT, 'docs/METRICS.md'), 'utf8');
  const names = new Set([...doc.matchAll(/`(alertscale_[a-z0-9_]+)`/g)].map((m) => m[1] as string));
  for (const m of doc.matchAll(/`_(load\d+)`/g)) names.add(`alertscale_host_${m[1]}`);
  return [...names].sort();
}

// ---- a real Prometheus ------------------------------------------------------------------------

let server: Server;
let prometheus: ChildProcess;
let promUrl: string;
let dir: string;
let stderr = '';

async function instant(expr: string): Promise<unknown[]> {
  const res = await fetch(`${promUrl}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  const body = (await res.json()) as { data?: { result?: unknown[] } };
  return body.data?.result ?? [];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alertscale-dash-prom-'));
  const metricsPort = await freePort();
  server = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(exposition());
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(metricsPort, '127.0.0.1', r));

  expect(existsSync(RECORDING_RULES), 'prometheus/rules/recording.yml (the real recording rules)').toBe(true);
  // A test alert per pool with a `scale` label, so the dashboards' ALERTS query has series.
  writeFileSync(
    join(dir, 'test-alerts.yml'),
    'groups:\n  - name: test\n    rules:\n      - alert: TestQueueBacklog\n' +
      '        expr: alertscale_queue_length > 0\n        labels:\n          scale: up\n',
  );
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s, scrape_timeout: 1s }',
      `rule_files: [${JSON.stringify(RECORDING_RULES)}, ${JSON.stringify(join(dir, 'test-alerts.yml'))}]`,
      'scrape_configs:',
      '  - job_name: alertscale-synthetic',
      `    static_configs: [{ targets: ["127.0.0.1:${metricsPort}"] }]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  promUrl = `http://127.0.0.1:${port}`;
  prometheus = spawn(
    '/usr/bin/prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${promUrl}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  prometheus.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  await waitFor('prometheus ready', async () => (await fetch(`${promUrl}/-/ready`)).ok, 15_000).catch((err: Error) => {
    throw new Error(`${err.message}\n${stderr}`);
  });
  // Rates need two samples, recording rules one evaluation after that, ALERTS one evaluation.
  await waitFor(
    'recording rules and alerts to have data',
    async () =>
      (await instant('alertscale:pool_cpu_per_worker:ratio')).length > 0 &&
      (await instant('alertscale:host_cpu_busy:ratio')).length > 0 &&
      (await instant('ALERTS{alertname="TestQueueBacklog"}')).length === 2,
    20_000,
    200,
  );
  // A few more samples, so every rate()/increase() window holds several.
  await new Promise((r) => setTimeout(r, 2_000));
}, 40_000);

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    await new Promise<void>((r) => {
      prometheus.once('exit', () => r());
      prometheus.kill('SIGTERM');
    });
  }
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('dashboard queries against a real Prometheus', () => {
  it('the synthetic endpoint publishes every metric of docs/METRICS.md', () => {
    const published = new Set(
      [...exposition().matchAll(/^# TYPE (\S+)/gm)].map((m) => (m[1] as string).replace(/_(bucket|sum|count)$/, '')),
    );
    const documented = documentedMetrics();
    expect(documented.length).toBeGreaterThan(25);
    expect(documented.filter((m) => !published.has(m))).toEqual([]);
  });

  it('every panel, annotation and variable query of the committed dashboards parses and finds data', async () => {
    const problems = await checkDashboardQueries(promUrl, DASHBOARDS, { lookbackSeconds: 60, rateInterval: '1m' });
    expect(problems, formatProblems(problems)).toEqual([]);
  });

  it('reports PromQL errors, unknown variables, metrics hidden behind `or`, and honours allowEmpty', async () => {
    const custom = mkdtempSync(join(dir, 'custom-'));
    const target = (refId: string, expr: string, instant = false) => ({
      refId,
      expr,
      instant,
      datasource: { type: 'prometheus', uid: 'x' },
    });
    writeFileSync(
      join(custom, 'custom.json'),
      JSON.stringify({
        title: 'Custom',
        templating: {
          list: [
            {
              name: 'pool',
              type: 'query',
              query: 'label_values(alertscale_pool_replicas, pool)',
              multi: true,
              includeAll: true,
              allValue: '.*',
            },
          ],
        },
        panels: [
          {
            id: 1,
            title: 'p',
            targets: [
              target('A', 'sum(rate(alertscale_decisions_total[$__rate_interval]) by (pool)'),
              target('B', 'alertscale_pool_replicas{pool=~"$poool"}'),
              target('C', 'alertscale_pool_replicas or alertscale_pool_replicaz'),
              target('D', 'alertscale_renamed_metric{pool=~"$pool"}'),
              // Only true when $pool became the regex of BOTH pools, as Grafana's "All" does.
              target('E', 'count(alertscale_pool_replicas{pool=~"^$pool$"}) == 2', true),
              target('F', 'alertscale_pool_replicas{pool="nope"}'),
            ],
          },
        ],
      }),
    );
    const problems = await checkDashboardQueries(promUrl, custom, { lookbackSeconds: 60, allowEmpty: ['alertscale_renamed_metric'] });
    const byTarget = Object.fromEntries(problems.map((p) => [p.where.replace(/^panel 1 "p" target /, ''), p]));
    expect(Object.keys(byTarget).sort(), formatProblems(problems)).toEqual(['A', 'B', 'C', 'F']);
    expect(byTarget.A?.kind).toBe('error');
    expect(byTarget.A?.message).toMatch(/parse error/);
    expect(byTarget.B).toMatchObject({ kind: 'unresolved', message: expect.stringContaining('$poool') });
    expect(byTarget.C).toMatchObject({ kind: 'missing-metric', missingMetrics: ['alertscale_pool_replicaz'] });
    expect(byTarget.F).toMatchObject({ kind: 'empty', message: expect.stringContaining('filter everything out') });
  });

  it('a metric that stops being published makes its panels fail the check', async () => {
    omitted.add('alertscale_workers_busy');
    // Its next scrape marks the series stale; the utilization rule stops producing one evaluation later.
    await waitFor(
      'alertscale_workers_busy and the utilization rule to go stale',
      async () =>
        (await instant('alertscale_workers_busy')).length === 0 && (await instant('alertscale:pool_utilization:ratio')).length === 0,
      10_000,
      200,
    );
    await new Promise((r) => setTimeout(r, 2_500));
    const problems = await checkDashboardQueries(promUrl, DASHBOARDS, { lookbackSeconds: 2, stepSeconds: 1, rateInterval: '1m' });
    const summary = problems.map((p) => `${p.kind} ${p.where} ${(p.missingMetrics ?? []).join(',')}`).sort();
    expect(summary, formatProblems(problems)).toEqual([
      'empty panel 14 "Utilization (busy ÷ alive)" target A alertscale:pool_utilization:ratio',
      'empty panel 2 "Heartbeats: alive and busy workers" target B alertscale_workers_busy',
    ]);
  });
});
