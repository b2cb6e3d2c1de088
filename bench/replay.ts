/**
 * Replay speed: `alertscale replay` over 24 h of 10 pools at a 1 m evaluation interval (issue 11:
 * "in seconds, not minutes"), against a real Prometheus this script backfills itself with
 * `promtool tsdb create-blocks-from openmetrics`, so it runs from a fresh clone.
 *
 *   npx tsx bench/replay.ts          (BENCH_RUNS=5 by default; BENCH_NO_WRITE=1 to skip RESULTS.md)
 *
 * Each pool has the two rules of test/fixtures/replay/demo-rules.yml (its pool name in place of
 * demo) and its own bursts of waiting jobs. Per run it measures the CLI as an operator runs it
 * (a new process, --json), runReplay in this process, and a baseline in the same run: the rules'
 * query_range calls alone, as replay makes them (the part Prometheus does).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../src/config/index.js';
import { runReplay } from '../src/replay/run.js';
import {
  gaugeHistory,
  startBackfilledPrometheus,
  type BackfilledPrometheus,
  type GaugeSeries,
} from '../test/helpers/backfilled-prometheus.js';
import { freePort } from '../test/helpers/ports.js';
import { median } from './receiver-load.js';
import { machine, writeSection } from './results-file.js';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench', 'RESULTS.md');
const SECTION = '## Replay (24 h × 10 pools)';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const POOLS = Array.from({ length: 10 }, (_, i) => `p${String(i + 1).padStart(2, '0')}`);
const MIN = 60_000;
const HOURS = 24;
const GOAL_MS = 60_000; // "in seconds, not minutes"
const log = (line: string) => process.stderr.write(`[bench/replay] ${line}\n`);

const now = Math.floor(Date.now() / MIN) * MIN;

/** Three bursts a day per pool, at hours of its own, 20–100 jobs waiting for 30–90 minutes. */
function waiting(pool: number, minutesAgo: number): number {
  for (let k = 0; k < 3; k++) {
    const start = ((pool * 2 + k * 8) % HOURS) * 60 + 30;
    const length = 30 + ((pool + k) % 3) * 30;
    if (minutesAgo <= start && minutesAgo > start - length) return 20 + ((pool * 7 + k * 13) % 5) * 20;
  }
  return 0;
}

function openMetrics(): string {
  const perPool = (name: string, labels: (pool: string) => string, value: (i: number, m: number) => number): GaugeSeries[] =>
    POOLS.map((pool, i) => ({ name, labels: labels(pool), value: (m) => value(i, m) }));
  const poolLabel = (p: string) => `pool="${p}"`;
  return gaugeHistory(now, HOURS * 60 + 5, [
    ...perPool('alertscale_queue_length', (p) => `pool="${p}",queue="${p}-jobs"`, waiting),
    ...perPool('alertscale_workers_alive', poolLabel, () => 2),
    ...perPool('alertscale_workers_busy', poolLabel, (i, m) => (waiting(i, m) > 0 ? 2 : 0)),
    ...perPool('alertscale_pool_processes', poolLabel, () => 2),
    ...perPool('alertscale:pool_utilization:ratio', poolLabel, (i, m) => (waiting(i, m) > 0 ? 1 : 0)),
  ]);
}

/** The fixture's two rules once per pool, each pool in a group of its own. */
function ruleFile(): string {
  const fixture = readFileSync(join(ROOT, 'test/fixtures/replay/demo-rules.yml'), 'utf8');
  const body = fixture.slice(fixture.indexOf('groups:') + 'groups:\n'.length);
  const perPool = POOLS.map((p) => body.replaceAll('alertscale-demo', `replay-bench-${p}`).replaceAll('pool="demo"', `pool="${p}"`));
  return `groups:\n${perPool.join('')}`;
}

function configFile(deadAlertmanager: number): string {
  const pools = POOLS.map(
    (p) =>
      `  ${p}:\n    min: 1\n    max: 8\n    maxStep: 4\n    cooldown: { up: 1m, ` +
      `down: 5m }\n    executor: { kind: command, scale: ["true", "{replicas}"] }\n`,
  );
  return `alertmanager: { url: "http://127.0.0.1:${deadAlertmanager}" }\npools:\n${pools.join('')}`;
}

const versionOf = (cmd: string) => execFileSync(cmd, ['--version'], { encoding: 'utf8' }).split('\n')[0]!.replace(/ \(.*/, '').trim();
const s = (ms: number) => (ms / 1000).toFixed(2);

const wallStart = Date.now();
const dir = mkdtempSync(join(tmpdir(), 'alertscale-bench-replay-'));
let prometheus: BackfilledPrometheus | undefined;
try {
  const om = openMetrics();
  prometheus = await startBackfilledPrometheus(dir, om);
  const { url, backfillMs } = prometheus;
  writeFileSync(join(dir, 'rules.yml'), ruleFile());
  const config = join(dir, 'alertscale.yml');
  writeFileSync(config, configFile(await freePort()));
  const samples = om.split('\n').filter((l) => l && !l.startsWith('#')).length;
  log(
    `backfilled ${samples} samples (${POOLS.length} pools × 5 series ` +
      `× ${HOURS * 60 + 5} minutes) in ${backfillMs} ms; Prometheus at ${url}`,
  );

  const args = [
    'replay',
    '--config',
    config,
    '--prometheus',
    url,
    '--rules',
    join(dir, 'rules.yml'),
    '--alertmanager-config',
    join(ROOT, 'alertmanager/alertmanager.yml'),
    '--from',
    `${HOURS}h`,
    '--json',
  ];
  const cli = () => {
    const started = performance.now();
    const run = spawnSync('node', [join(ROOT, 'bin/alertscale.js'), ...args], { encoding: 'utf8', cwd: ROOT, maxBuffer: 64 * 2 ** 20 });
    const ms = performance.now() - started;
    if (run.status !== 0) throw new Error(`alertscale replay exited ${run.status}: ${run.stderr}`);
    return { ms, out: JSON.parse(run.stdout) as { decisions: { outcome: string }[] } };
  };
  // What a new process costs before it replays anything.
  const start = () => {
    const started = performance.now();
    const run = spawnSync('node', [join(ROOT, 'bin/alertscale.js'), 'replay', '--help'], { encoding: 'utf8', cwd: ROOT });
    if (run.status !== 0) throw new Error(`alertscale replay --help exited ${run.status}: ${run.stderr}`);
    return performance.now() - started;
  };
  const loaded = loadConfig(config);
  const inProcess = async () => {
    const started = performance.now();
    const at = Date.now();
    await runReplay({
      config: loaded,
      configFile: config,
      pools: [],
      from: at - HOURS * 60 * MIN,
      to: at,
      now: at,
      prometheusUrl: url,
      ruleFiles: [join(dir, 'rules.yml')],
      alertmanagerConfig: join(ROOT, 'alertmanager/alertmanager.yml'),
    });
    return performance.now() - started;
  };
  // The baseline: only the rules' query_range calls, concurrently and at the same steps as replay.
  const exprs = [...ruleFile().matchAll(/expr: \|\n((?: {10}.*\n)+)/g)].map((m) => m[1]!.trim());
  const floor = async () => {
    const end = Math.floor(Date.now() / MIN) * MIN;
    const started = performance.now();
    await Promise.all(
      exprs.map(async (expr) => {
        const q = new URLSearchParams({ query: expr, start: String((end - HOURS * 60 * MIN) / 1000), end: String(end / 1000), step: '60' });
        const res = await fetch(`${url}/api/v1/query_range?${q}`);
        if (!res.ok) throw new Error(`query_range ${res.status}: ${await res.text()}`);
        await res.json();
      }),
    );
    return performance.now() - started;
  };

  const warm = cli();
  log(`warm-up: ${warm.out.decisions.length} decisions in ${s(warm.ms)} s`);
  const runs: { cli: number; start: number; inProcess: number; floor: number }[] = [];
  let decisions = warm.out.decisions;
  for (let n = 1; n <= RUNS; n++) {
    const c = cli();
    decisions = c.out.decisions;
    const r = { cli: c.ms, start: start(), inProcess: await inProcess(), floor: await floor() };
    runs.push(r);
    log(`run ${n}: CLI ${s(r.cli)} s, process start ${s(r.start)} s, runReplay ${s(r.inProcess)} s, query_range floor ${s(r.floor)} s`);
  }

  const med = (f: (r: (typeof runs)[number]) => number) => median(runs.map(f));
  const scaled = decisions.filter((d) => d.outcome === 'scaled').length;
  const verdict = med((r) => r.cli) <= GOAL_MS ? 'met' : 'MISSED';
  const row = (name: string, f: (r: (typeof runs)[number]) => number) =>
    `| ${name} | ${s(med(f))} s | ${s(Math.min(...runs.map(f)))} s ` +
    `| ${s(Math.max(...runs.map(f)))} s | ${(med(f) / med((r) => r.floor)).toFixed(1)}× |`;
  const text = [
    `Command: \`npx tsx bench/replay.ts\` — ${new Date().toISOString().slice(0, 10)}, ${RUNS} ` +
      `runs (after one warm-up), ${s(Date.now() - wallStart)} s wall.`,
    `Machine: ${machine()} (at the end; other sessions share the machine). ${versionOf('prometheus')}, promtool backfill.`,
    '',
    `Data: ${POOLS.length} pools × ${HOURS} h at one sample a minute (${samples} samples: queue length, alive and busy workers, ` +
      `processes, utilization), three bursts of waiting jobs per pool and day, backfilled in ${s(backfillMs)} s.`,
    `Rules: the two of test/fixtures/replay/demo-rules.yml per pool (${exprs.length} alerting rules, ` +
      `one query_range each at the 1 m evaluation interval, ${HOURS * 60 + 1} steps); Alertmanager routing and timings ` +
      'from alertmanager/alertmanager.yml; commands taken as instant (no receiver metrics in the backfill).',
    `Replayed: ${decisions.length} decisions, ${scaled} of them scaled, over the ${POOLS.length} pools.`,
    '',
    '**Goal** (issue 11): a 24 h window at a 1 m evaluation interval for 10 pools "in seconds, not minutes", ' +
      `read as under ${s(GOAL_MS)} s for the CLI. **${verdict}**: median ${s(med((r) => r.cli))} s.`,
    '',
    '| | median | min | max | vs floor |',
    '|---|---|---|---|---|',
    row('`alertscale replay … --json` (new process: Node start, promtool check rules, Prometheus queries, replay, JSON)', (r) => r.cli),
    row('`alertscale replay --help` (a new process alone: Node, the sources through tsx)', (r) => r.start),
    row('`runReplay` in this process (promtool check rules, Prometheus queries, replay)', (r) => r.inProcess),
    row(`floor: the ${exprs.length} rules' query_range calls alone (concurrent, as replay makes them)`, (r) => r.floor),
  ].join('\n');
  process.stdout.write(`${text}\n`);
  if (!process.env.BENCH_NO_WRITE) {
    writeSection(RESULTS, SECTION, text);
    log(`wrote the "${SECTION}" section of ${RESULTS}`);
  }
} finally {
  await prometheus?.stop();
  rmSync(dir, { recursive: true, force: true });
}
