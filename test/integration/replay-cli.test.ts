import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gaugeHistory, startBackfilledPrometheus, type BackfilledPrometheus } from '../helpers/backfilled-prometheus.js';
import { freePort } from '../helpers/ports.js';
import { runCli } from './cli-helpers.js';

// A synthetic day backfilled into a real Prometheus (promtool tsdb create-blocks-from openmetrics),
// times relative to now: a 2 h backlog from 10 h to 8 h ago, idle otherwise, one sample a minute.
const MIN = 60_000;
const BURST = { from: 10 * 60, to: 8 * 60 }; // minutes ago
let dir: string;
let prometheus: BackfilledPrometheus | undefined;
let url: string;
let configFile: string;
const now = Math.floor(Date.now() / MIN) * MIN;

function openMetrics(): string {
  const busy = (m: number) => m <= BURST.from && m > BURST.to;
  return gaugeHistory(now, 24 * 60 + 5, [
    { name: 'alertscale_queue_length', labels: 'pool="demo",queue="demo-jobs"', value: (m) => (busy(m) ? 100 : 0) },
    { name: 'alertscale_workers_alive', labels: 'pool="demo"', value: () => 2 },
    { name: 'alertscale_workers_busy', labels: 'pool="demo"', value: (m) => (busy(m) ? 2 : 0) },
    { name: 'alertscale_pool_processes', labels: 'pool="demo"', value: () => 2 },
    { name: 'alertscale:pool_utilization:ratio', labels: 'pool="demo"', value: (m) => (busy(m) ? 1 : 0) },
  ]);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alertscale-replay-'));
  prometheus = await startBackfilledPrometheus(dir, openMetrics());
  url = prometheus.url;
  const deadAlertmanager = await freePort();
  configFile = join(dir, 'alertscale.yml');
  writeFileSync(
    configFile,
    `alertmanager: { url: "http://127.0.0.1:${deadAlertmanager}" }
pools:
  demo:
    min: 1
    max: 8
    maxStep: 4
    cooldown: { up: 1m, down: 5m }
    executor: { kind: command, scale: ["true", "{replicas}"] }
`,
  );
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `alertscale replay` against the backfilled Prometheus, with the fixture's rules unless `rules` says otherwise. */
const replay = (args: string[], rules = 'test/fixtures/replay/demo-rules.yml', env: Record<string, string> = {}) =>
  runCli(
    [
      'replay',
      '--config',
      configFile,
      '--prometheus',
      url,
      '--rules',
      rules,
      '--alertmanager-config',
      'alertmanager/alertmanager.yml',
      ...args,
    ],
    { env },
  );

describe('alertscale replay against a backfilled day', () => {
  it('replays 24 h in seconds: the backlog scales up in maxStep steps to max, the idle pool back down', async () => {
    const started = Date.now();
    const run = await replay(['--from', '24h', '--json', '--chart', join(dir, 'out.svg')]);
    const elapsed = Date.now() - started;
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    const scaled = out.decisions.filter((d: any) => d.outcome === 'scaled').map((d: any) => `${d.scale} ${d.from}→${d.to}`);
    // Starts at the real 2 processes, idle: down to 1 after for: 5m. The backlog wants 10: bounded by
    // maxStep 4, then by max 8; after it, down in maxStep steps, the second after cooldown.down.
    expect(scaled).toEqual(['down 2→1', 'up 1→5', 'up 5→8', 'down 8→4', 'down 4→1']);
    const firstUp = Date.parse(out.decisions.find((d: any) => d.scale === 'up').time);
    // for: 1m + group_wait 10s after the backlog began (within one evaluation interval).
    expect(firstUp - (now - BURST.from * MIN)).toBeGreaterThanOrEqual(60_000);
    expect(firstUp - (now - BURST.from * MIN)).toBeLessThanOrEqual(60_000 + 10_000 + MIN);
    expect(out.decisions.some((d: any) => d.outcome === 'at_max')).toBe(true);
    expect(out.summary.demo).toMatchObject({ ups: 2, downs: 3, startReplicas: 2, startSource: 'alertscale_pool_processes' });
    expect(out.summary.demo.realWorkerSeconds).toBeGreaterThan(2 * 23 * 3600);
    expect(out.summary.demo.atMaxMs).toBeGreaterThan(60 * MIN);
    expect(out.notes).toContain(
      'silences: none (Alertmanager at http://127.0.0.1:' + configPort() + ' not reachable, so silences of the window are unknown)',
    );
    expect(elapsed).toBeLessThan(20_000);
    // The backfill has no receiver or Alertmanager metrics: no delay is known, and the notes say so.
    expect(out.notes).toContain(
      'receiver: decides the instant a notification arrives (no webhook ' +
        'latency from Alertmanager in the window; --decision-latency sets one)',
    );
    expect(out.notes).toContain(
      'pool demo: scale commands taken as instant (none ran in the window; --command-duration sets one); cooldowns count from their end',
    );
  }, 30_000);

  it("--command-duration: cooldown.down counts from the command's end", async () => {
    const downs = async (args: string[]) => {
      const out = JSON.parse((await replay(['--from', '11h', '--to', '6h', '--json', ...args])).stdout);
      // The two after the backlog (the first down is the idle start, 2→1).
      return out.decisions
        .filter((d: any) => d.outcome === 'scaled' && d.scale === 'down')
        .map((d: any) => Date.parse(d.time))
        .slice(1);
    };
    const [instant, slow] = [await downs([]), await downs(['--command-duration', '2m'])];
    expect(instant).toHaveLength(2);
    expect(slow).toHaveLength(2);
    // 8→4, then 4→1 once cooldown.down (5m) has passed: from the decision, or from 2 min later.
    expect(instant[1]! - instant[0]!).toBeLessThan(7 * MIN);
    expect(slow[1]! - slow[0]!).toBeGreaterThanOrEqual(7 * MIN);
  }, 30_000);

  it("prints the timeline in audit's words and says it is open loop", async () => {
    // Wide enough that no cell is cut: a window that began yesterday prints dates in TIME, and at 80
    // columns that cut ALERTS to "DemoQueueBackl…" (so the test failed whenever it ran before 11:00).
    const run = await replay(['--pool', 'demo', '--from', '11h', '--to', '7h'], undefined, { COLUMNS: '200' });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/TIME\s+POOL\s+ALERTS\s+OUTCOME\s+CHANGE\s+REASON/);
    expect(run.stdout).toMatch(/DemoQueueBacklog\s+scaled\s+up 1 → 5/);
    expect(run.stdout).toMatch(/actions: 2 up, 3 down/);
    expect(run.stdout).toContain('Replay is open loop');
  }, 30_000);

  it.each([
    ['an unknown pool', ['--pool', 'nope'], /unknown pool nope \(pools in .*: demo\)/],
    ['--from after --to', ['--from', '1h', '--to', '2h'], /--from .* is not before --to/],
    ['a window past retention', ['--from', '20d'], /past Prometheus' retention/],
  ])(
    '%s: one line, exit 1',
    async (_name, args, message) => {
      const run = await replay(args);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    },
    30_000,
  );

  it('a rule file promtool rejects: its message, exit 1', async () => {
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'groups:\n  - name: g\n    rules:\n      - alert: Broken\n        expr: sum(\n        labels: { scale: up }\n');
    const run = await replay([], bad);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/bad\.yml: .*promtool: .*parse/);
  }, 30_000);

  it('a rule reading a series absent in the window: says which, exit 1', async () => {
    const absent = join(dir, 'absent.yml');
    writeFileSync(
      absent,
      'groups:\n  - name: g\n    rules:\n      - alert: Missing\n' +
        '        expr: alertscale_nope{pool="demo"} > 1\n        labels: { scale: up }\n',
    );
    const run = await replay([], absent);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/rule Missing .* reads alertscale_nope\{pool="demo"\}, which has no series/);
  }, 30_000);

  it('an unreachable Prometheus: exit 1; a bad time: usage error, exit 2', async () => {
    const port = await freePort();
    const down = await runCli(['replay', '--config', configFile, '--prometheus', `http://127.0.0.1:${port}`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach Prometheus at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    const usage = await replay(['--from', 'yesterday']);
    expect(usage.code).toBe(2);
  }, 30_000);
});

function configPort(): string {
  return /127\.0\.0\.1:(\d+)/.exec(readFileSync(configFile, 'utf8'))![1]!;
}
