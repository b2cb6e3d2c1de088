/**
 * Prometheus rules and config: promtool must accept every file, every promtool test must pass, and
 * every alert must be tested — firing, and not firing one evaluation before its `for:` has passed —
 * so a new rule without a test fails this suite. Also: the scaling-alert contract on the rules and
 * on their tested outputs, the metric-name contract with docs/METRICS.md, the demo rules staying in
 * step with production, and the demo overlay (prometheus/demo.ts) producing a config that promtool
 * and a real Prometheus accept.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMap, isSeq, parse, parseDocument, stringify, type YAMLMap, type YAMLSeq } from 'yaml';
import { parsePrometheusDuration } from '../../src/config/duration.js';
import { POOL_NAME } from '../../src/config/names.js';
import {
  DEMO_PROMETHEUS_FLAGS,
  DEMO_RULE_COMPRESSION,
  DEMO_RULE_FILES,
  DEMO_TIMINGS,
  demoPrometheusConfig,
  renderDemoPrometheus,
} from '../../prometheus/demo.js';
import { freePort, waitFor } from '../helpers/ports.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PROM = join(ROOT, 'prometheus');
const rel = (file: string) => relative(ROOT, file);

const yamlFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));

const RULE_FILES = [...yamlFiles(join(PROM, 'rules')), ...yamlFiles(join(PROM, 'rules-demo'))];
const TEST_FILES = yamlFiles(join(PROM, 'tests'));

async function run(cmd: string, args: string[]) {
  const result = await execa(cmd, args, { reject: false, all: true, cwd: ROOT });
  return { exitCode: result.exitCode, output: result.all ?? '' };
}

// ── parsed rules and tests ────────────────────────────────────────────────────────────────────

interface AlertRule {
  file: string;
  group: string;
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

interface RuleFile {
  groups: {
    name: string;
    rules: {
      alert?: string;
      record?: string;
      expr: string;
      for?: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    }[];
  }[];
}

function alertsOf(file: string): AlertRule[] {
  const doc = parse(readFileSync(file, 'utf8')) as RuleFile;
  return doc.groups.flatMap((g) =>
    g.rules
      .filter((r) => r.alert !== undefined)
      .map((r) => ({
        file,
        group: g.name,
        alert: r.alert!,
        expr: r.expr,
        ...(r.for !== undefined ? { for: r.for } : {}),
        labels: r.labels ?? {},
        annotations: r.annotations ?? {},
      })),
  );
}

interface ExpAlert {
  exp_labels?: Record<string, string>;
  exp_annotations?: Record<string, string>;
}
interface AlertCase {
  alertname: string;
  eval_time: string;
  exp_alerts?: ExpAlert[] | null;
}
interface TestGroup {
  name?: string;
  alert_rule_test?: AlertCase[];
  promql_expr_test?: { expr: string }[];
}
interface TestFile {
  file: string;
  ruleFiles: string[];
  evaluationIntervalMs: number;
  tests: TestGroup[];
}

function testFileOf(file: string): TestFile {
  const doc = parse(readFileSync(file, 'utf8')) as { rule_files?: string[]; evaluation_interval?: string; tests?: TestGroup[] };
  return {
    file,
    // promtool resolves rule_files against the test file's directory; ours name files, not globs.
    ruleFiles: (doc.rule_files ?? []).map((f) => resolve(dirname(file), f)),
    evaluationIntervalMs: ms(doc.evaluation_interval ?? '1m'),
    tests: doc.tests ?? [],
  };
}

function ms(duration: string): number {
  const value = parsePrometheusDuration(duration);
  if (value === undefined) throw new Error(`not a Prometheus duration: ${duration}`);
  return value;
}

const ALERTS = RULE_FILES.flatMap(alertsOf);
const TESTS = TEST_FILES.map(testFileOf);

/** Alert cases for `alert` of `file`, grouped by the promtool test group they belong to. */
function casesFor(rule: AlertRule) {
  return TESTS.filter((t) => t.ruleFiles.includes(rule.file)).flatMap((t) =>
    t.tests.map((group) => ({
      testFile: t,
      group,
      cases: (group.alert_rule_test ?? []).filter((c) => c.alertname === rule.alert),
    })),
  );
}

// ── promtool ──────────────────────────────────────────────────────────────────────────────────

describe('promtool accepts every file', () => {
  it('finds the rule and test files', () => {
    expect(RULE_FILES.map(rel)).toEqual(
      expect.arrayContaining([
        'prometheus/rules/alerts.yml',
        'prometheus/rules/recording.yml',
        'prometheus/rules-demo/demo.yml',
        'prometheus/rules-demo/web.yml',
      ]),
    );
    expect(TEST_FILES.length).toBeGreaterThan(0);
  });

  it.each(RULE_FILES.map(rel))('promtool check rules %s', async (file) => {
    const { exitCode, output } = await run('promtool', ['check', 'rules', file]);
    expect(exitCode, output).toBe(0);
  });

  it('promtool check config prometheus/prometheus.yml (with the rule files it loads)', async () => {
    const { exitCode, output } = await run('promtool', ['check', 'config', 'prometheus/prometheus.yml']);
    expect(exitCode, output).toBe(0);
    // The production config must load the production rules, not the demo ones.
    expect(output).toContain('prometheus/rules/alerts.yml');
    expect(output).toContain('prometheus/rules/recording.yml');
    expect(output).not.toContain('rules-demo');
  });

  it.each(TEST_FILES.map(rel))('promtool test rules %s', async (file) => {
    const { exitCode, output } = await run('promtool', ['test', 'rules', file]);
    expect(exitCode, output).toBe(0);
  });
});

// ── every alert is tested ─────────────────────────────────────────────────────────────────────

describe('every alert has promtool tests', () => {
  it('there are alerts to check', () => {
    expect(ALERTS.length).toBeGreaterThan(10);
  });

  it.each(ALERTS.map((a) => [`${a.alert} (${rel(a.file)})`, a] as const))('%s fires in a test', (_, rule) => {
    const firing = casesFor(rule).some((g) => g.cases.some((c) => (c.exp_alerts ?? []).length > 0));
    expect(firing, `${rule.alert} in ${rel(rule.file)} has no promtool case in prometheus/tests/ where it fires; add one`).toBe(true);
  });

  it.each(ALERTS.filter((a) => a.for && ms(a.for) > 0).map((a) => [`${a.alert} (${rel(a.file)}, for ${a.for})`, a] as const))(
    '%s: a test shows it pending one evaluation before firing',
    (_, rule) => {
      // In one test group: exp_alerts [] at t1 and firing at t2, with t2 − t1 ≤ the evaluation
      // interval — the `for:` boundary itself, not just "quiet early, firing much later".
      const held = casesFor(rule).some(({ testFile, cases }) =>
        cases.some(
          (firing) =>
            (firing.exp_alerts ?? []).length > 0 &&
            cases.some((quiet) => {
              if ((quiet.exp_alerts ?? []).length > 0) return false;
              const gap = ms(firing.eval_time) - ms(quiet.eval_time);
              return gap > 0 && gap <= testFile.evaluationIntervalMs;
            }),
        ),
      );
      expect(
        held,
        `${rule.alert} in ${rel(rule.file)}: add a case with exp_alerts: [] one evaluation before it fires (its for: ${rule.for})`,
      ).toBe(true);
    },
  );

  it('every recording rule has a promql_expr_test', () => {
    const recording = join(PROM, 'rules', 'recording.yml');
    const records = (parse(readFileSync(recording, 'utf8')) as RuleFile).groups.flatMap((g) => g.rules.map((r) => r.record));
    const tested = new Set(
      TESTS.filter((t) => t.ruleFiles.includes(recording)).flatMap((t) =>
        t.tests.flatMap((g) => (g.promql_expr_test ?? []).map((c) => c.expr.trim())),
      ),
    );
    expect(records.filter((r) => !tested.has(r!))).toEqual([]);
  });
});

// ── the scaling-alert contract ────────────────────────────────────────────────────────────────

describe('scaling-alert contract (docs/ARCHITECTURE.md)', () => {
  const scaling = ALERTS.filter((a) => 'scale' in a.labels);

  it('every alert has a summary; scaling alerts use only known annotations', () => {
    for (const a of ALERTS) expect(a.annotations.summary, `${a.alert}: summary annotation`).toBeTruthy();
    for (const a of scaling) {
      expect(['up', 'down'], `${a.alert}: scale label`).toContain(a.labels.scale);
      expect(
        Object.keys(a.annotations).filter((k) => !['target', 'step', 'summary', 'description', 'runbook_url'].includes(k)),
        a.alert,
      ).toEqual([]);
      // `pool` comes from the series: the expression must keep it (sum by (pool), the recording rules).
      expect(a.labels.pool === undefined ? /\bpool\b/.test(a.expr) : true, `${a.alert}: where does its pool label come from?`).toBe(true);
    }
  });

  it('every firing scaling alert in the tests carries pool and scale, and a numeric target or step', () => {
    let checked = 0;
    for (const rule of scaling) {
      for (const { cases } of casesFor(rule)) {
        for (const c of cases) {
          for (const exp of c.exp_alerts ?? []) {
            checked++;
            const where = `${rule.alert} at ${c.eval_time}`;
            expect(exp.exp_labels?.pool, where).toMatch(POOL_NAME);
            expect(exp.exp_labels?.scale, where).toBe(rule.labels.scale);
            const { target, step } = exp.exp_annotations ?? {};
            // Up asks for at least one worker; down may ask for 0 (a pool that scales to zero).
            if (target !== undefined)
              expect(Number(target), `${where}: target ${target}`).toBeGreaterThanOrEqual(rule.labels.scale === 'up' ? 1 : 0);
            if (step !== undefined) expect(Number.isInteger(Number(step)) && Number(step) > 0, `${where}: step ${step}`).toBe(true);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(scaling.length);
  });

  it('every rule in the hand-edited files has a comment saying what it does', () => {
    for (const file of [
      join(PROM, 'rules', 'alerts.yml'),
      join(PROM, 'rules', 'recording.yml'),
      join(PROM, 'rules-demo', 'demo.yml'),
      join(PROM, 'rules-demo', 'web.yml'),
    ]) {
      const doc = parseDocument(readFileSync(file, 'utf8'));
      const groups = doc.get('groups') as YAMLSeq<YAMLMap>;
      for (const group of groups.items) {
        const rulesPair = group.items.find((p) => String((p.key as { value?: unknown })?.value) === 'rules');
        const rules = rulesPair?.value;
        if (!isSeq(rules)) throw new Error(`${rel(file)}: group without rules`);
        rules.items.forEach((rule, i) => {
          if (!isMap(rule)) return;
          // yaml attaches the comment above a sequence's first item to the sequence itself.
          const comment = rule.commentBefore ?? (i === 0 ? rules.commentBefore : undefined);
          const name = String(rule.get('alert') ?? rule.get('record'));
          expect(comment?.trim(), `${rel(file)}: ${name} needs a comment above it`).toBeTruthy();
        });
      }
    }
  });

  it('rules use only metric names from docs/METRICS.md', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'METRICS.md'), 'utf8');
    const documented = new Set([...doc.matchAll(/`(alertscale[_:][a-z0-9_:]+)`/g)].map((m) => m[1]));
    const used = new Set<string>();
    for (const file of RULE_FILES) {
      for (const g of (parse(readFileSync(file, 'utf8')) as RuleFile).groups) {
        for (const r of g.rules) for (const m of r.expr.matchAll(/\balertscale[_:][a-z0-9_:]+/g)) used.add(m[0]);
      }
    }
    expect([...used].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('recording rules are exactly those of docs/METRICS.md', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'METRICS.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Recording rules'));
    const documented = [...section.matchAll(/`(alertscale:[a-z0-9_:]+)`/g)].map((m) => m[1]).sort();
    const records = (parse(readFileSync(join(PROM, 'rules', 'recording.yml'), 'utf8')) as RuleFile).groups
      .flatMap((g) => g.rules.map((r) => r.record))
      .sort();
    expect(records).toEqual(documented);
  });
});

// ── demo rules stay in step with production ───────────────────────────────────────────────────

describe('rules-demo/ differs from production only in for: and DEMO_RULE_COMPRESSION', () => {
  const production = alertsOf(join(PROM, 'rules', 'alerts.yml')).filter((a) => a.group === 'alertscale-demo');
  const demo = alertsOf(join(PROM, 'rules-demo', 'demo.yml'));
  const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
  const used = new Set<string>();
  const compress = (text: string) =>
    DEMO_RULE_COMPRESSION.reduce((t, [from, to]) => {
      if (t.includes(from)) used.add(from);
      return t.replaceAll(from, to);
    }, text);
  const strip = ({ alert, expr, labels, annotations }: AlertRule) => ({ alert, expr: oneLine(expr), labels, annotations });
  const compressed = (a: AlertRule) => {
    const { alert, expr, labels, annotations } = strip(a);
    return {
      alert,
      expr: compress(expr),
      labels,
      annotations: Object.fromEntries(Object.entries(annotations).map(([k, v]) => [k, compress(v)])),
    };
  };
  const records = (file: string) =>
    (parse(readFileSync(file, 'utf8')) as RuleFile).groups.map((g) => ({
      name: g.name,
      rules: g.rules.map((r) => ({ record: r.record, expr: oneLine(r.expr) })),
    }));

  it('demo.yml: same alerts, expressions, labels and annotations, compressed', () => {
    expect(production.map((a) => a.alert)).toEqual(['DemoQueueBacklog', 'DemoWorkersIdle', 'DemoQueueWaitingNoWorkers']);
    expect(demo.map(strip)).toEqual(production.map(compressed));
  });

  it('rules-demo/recording.yml: the recording rules of rules/recording.yml with demo windows', () => {
    const prod = records(join(PROM, 'rules', 'recording.yml'));
    expect(records(join(PROM, 'rules-demo', 'recording.yml'))).toEqual(
      prod.map((g) => ({ ...g, rules: g.rules.map((r) => ({ ...r, expr: compress(r.expr) })) })),
    );
  });

  it('every DEMO_RULE_COMPRESSION entry is used', () => {
    production.forEach(compressed);
    for (const g of records(join(PROM, 'rules', 'recording.yml'))) for (const r of g.rules) compress(r.expr);
    expect([...used].sort()).toEqual(DEMO_RULE_COMPRESSION.map(([from]) => from).sort());
  });

  it('demo for: values are DEMO_TIMINGS and shorter than production (wake is immediate in both)', () => {
    const byName = Object.fromEntries(demo.map((a) => [a.alert, a.for]));
    expect(byName).toEqual({
      DemoQueueBacklog: DEMO_TIMINGS.scaleUpFor,
      DemoWorkersIdle: DEMO_TIMINGS.scaleDownFor,
      DemoQueueWaitingNoWorkers: DEMO_TIMINGS.wakeFor,
    });
    for (const p of production) {
      if (ms(p.for!) === 0) expect(ms(byName[p.alert]!), p.alert).toBe(0);
      else expect(ms(byName[p.alert]!), p.alert).toBeLessThan(ms(p.for!));
    }
  });
});

describe('rules-demo/web.yml differs from the production web rules only in rate windows and for:', () => {
  const production = alertsOf(join(PROM, 'rules', 'alerts.yml')).filter((a) => a.group === 'alertscale-web');
  const demo = alertsOf(join(PROM, 'rules-demo', 'web.yml'));
  const strip = ({ alert, expr, labels, annotations }: AlertRule) => ({
    alert,
    expr: expr.replace(/\s+/g, ' ').trim(),
    labels,
    annotations,
  });
  const WEB_ALERTS = ['WebLatencyHigh', 'WebUtilizationHigh', 'WebErrorRateHigh', 'WebPoolIdle'];

  it('same alerts, labels and annotations; expressions equal with 1m windows written as 10s', () => {
    expect(production.map((a) => a.alert)).toEqual(WEB_ALERTS);
    expect(demo.map((a) => a.group)).toEqual(WEB_ALERTS.map(() => 'alertscale-web'));
    for (const p of production) expect(p.expr, `${p.alert}: production windows are 1m`).not.toContain('[10s]');
    expect(demo.map(strip)).toEqual(production.map((p) => ({ ...strip(p), expr: strip(p).expr.replaceAll('[1m]', '[10s]') })));
  });

  it('demo for: is seconds (3s up, 5s down), production 2m up and 10m down', () => {
    const fors = (rules: AlertRule[]) => Object.fromEntries(rules.map((a) => [a.alert, a.for]));
    expect(fors(demo)).toEqual({ WebLatencyHigh: '3s', WebUtilizationHigh: '3s', WebErrorRateHigh: '3s', WebPoolIdle: '5s' });
    expect(fors(production)).toEqual({ WebLatencyHigh: '2m', WebUtilizationHigh: '2m', WebErrorRateHigh: '2m', WebPoolIdle: '10m' });
  });
});

// ── the demo overlay ──────────────────────────────────────────────────────────────────────────

describe('renderDemoPrometheus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertscale-prom-demo-'));
  const production = parse(readFileSync(join(PROM, 'prometheus.yml'), 'utf8')) as { scrape_configs: { job_name: string }[] };
  let prometheus: ChildProcess | undefined;

  afterAll(async () => {
    if (prometheus && prometheus.exitCode === null) {
      const exited = new Promise((r) => prometheus!.once('exit', r));
      prometheus.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  const options = (port: number) => ({
    prometheus: `127.0.0.1:${port}`,
    exporter: '127.0.0.1:1',
    receiver: '127.0.0.1:2',
    alertmanagers: ['127.0.0.1:3', '127.0.0.1:4'],
    web: '127.0.0.1:5',
  });

  it('keeps every production job, with the given addresses and demo timings', () => {
    const config = demoPrometheusConfig(production, options(9090)) as any;
    expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual(production.scrape_configs.map((j) => j.job_name));
    const targets = Object.fromEntries(config.scrape_configs.map((j: any) => [j.job_name, j.static_configs[0].targets]));
    expect(targets).toEqual({
      prometheus: ['127.0.0.1:9090'],
      'alertscale-exporter': ['127.0.0.1:1'],
      'alertscale-receiver': ['127.0.0.1:2'],
      alertmanager: ['127.0.0.1:3', '127.0.0.1:4'],
      'demo-web': ['127.0.0.1:5'],
    });
    // The web job keeps its target label: the rules select {pool="web"}.
    expect(config.scrape_configs.find((j: any) => j.job_name === 'demo-web').static_configs[0].labels).toEqual({ pool: 'web' });
    expect(config.global).toMatchObject({ scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '1s' });
    expect(config.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['127.0.0.1:3', '127.0.0.1:4']);
    expect(config.rule_files).toEqual([...DEMO_RULE_FILES]);
    expect(DEMO_RULE_FILES.map(rel)).toEqual([
      'prometheus/rules-demo/recording.yml',
      'prometheus/rules-demo/demo.yml',
      'prometheus/rules-demo/web.yml',
    ]);
  });

  it('leaves the web job out where no web pool runs (compose, the HA pair)', () => {
    const { web: _web, ...withoutWeb } = options(9090);
    const config = demoPrometheusConfig(production, withoutWeb) as any;
    expect(config.scrape_configs.map((j: any) => j.job_name)).toEqual(
      production.scrape_configs.map((j) => j.job_name).filter((n) => n !== 'demo-web'),
    );
  });

  it('refuses what would silently misbehave', () => {
    const withExtraJob = {
      ...production,
      scrape_configs: [...production.scrape_configs, { job_name: 'node', static_configs: [{ targets: ['h:9100'] }] }],
    };
    expect(() => demoPrometheusConfig(withExtraJob, options(9090))).toThrow(/scrape job "node"/);
    expect(() => demoPrometheusConfig(production, { ...options(9090), ruleFiles: ['rules/demo.yml'] })).toThrow(/must be absolute/);
    expect(() => demoPrometheusConfig(production, { ...options(9090), exporter: 'http://127.0.0.1:1' })).toThrow(
      /exporter must be host:port/,
    );
    expect(() => demoPrometheusConfig(production, { ...options(9090), alertmanagers: [] })).toThrow(/alertmanagers/);
  });

  it('promtool check config accepts the rendered file (and the demo rule files)', async () => {
    const file = join(dir, 'check.yml');
    writeFileSync(file, renderDemoPrometheus(options(9090)));
    const { exitCode, output } = await run('promtool', ['check', 'config', file]);
    expect(exitCode, output).toBe(0);
    expect(output).toContain('rules-demo/demo.yml');
    expect(output).toContain('rules-demo/recording.yml');
    expect(output).not.toContain('rules/alerts.yml');
  });

  it('a real Prometheus runs it with DEMO_PROMETHEUS_FLAGS: demo rules loaded, targets scraped every second', async () => {
    const port = await freePort();
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, renderDemoPrometheus(options(port)));
    const url = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${file}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=${url}`,
        ...DEMO_PROMETHEUS_FLAGS,
      ],
      { stdio: 'ignore' },
    );
    await waitFor('prometheus ready', async () => (await fetch(`${url}/-/ready`)).ok, 15_000);

    const rules = (await (await fetch(`${url}/api/v1/rules`)).json()) as any;
    const loaded = Object.fromEntries(
      rules.data.groups.flatMap((g: any) => g.rules.map((r: any) => [r.name, { file: basename(g.file), duration: r.duration }])),
    );
    expect(loaded).toMatchObject({
      DemoQueueBacklog: { file: 'demo.yml', duration: ms(DEMO_TIMINGS.scaleUpFor) / 1000 },
      DemoWorkersIdle: { file: 'demo.yml', duration: ms(DEMO_TIMINGS.scaleDownFor) / 1000 },
      'alertscale:pool_utilization:ratio': { file: 'recording.yml' },
      WebLatencyHigh: { file: 'web.yml', duration: 3 },
      WebPoolIdle: { file: 'web.yml', duration: 5 },
    });
    expect(Object.keys(loaded).filter((n) => n.startsWith('Example'))).toEqual([]);

    const flags = (await (await fetch(`${url}/api/v1/status/flags`)).json()) as any;
    expect(flags.data['rules.alert.resend-delay']).toBe('1s');

    // The loaded config has the demo intervals (targets only appear after the discovery
    // manager's first 5 s update, so the config is checked rather than the targets).
    const status = (await (await fetch(`${url}/api/v1/status/config`)).json()) as any;
    const loadedConfig = parse(status.data.yaml) as any;
    expect(loadedConfig.global).toMatchObject({ scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '1s' });
    expect(loadedConfig.scrape_configs.map((j: any) => j.job_name)).toEqual(production.scrape_configs.map((j) => j.job_name));
  });

  it('the rendered YAML round-trips to the config object', () => {
    const text = renderDemoPrometheus(options(9090));
    expect(text.startsWith('# Generated by renderDemoPrometheus()')).toBe(true);
    expect(parse(text)).toEqual(demoPrometheusConfig(production, options(9090)));
    expect(stringify(parse(text))).toBe(text.replace(/^#.*\n/gm, ''));
  });
});

beforeAll(() => {
  // Every test file must load at least one rule file that exists; promtool only warns otherwise.
  for (const t of TESTS)
    for (const f of t.ruleFiles)
      if (!RULE_FILES.includes(f)) throw new Error(`${rel(t.file)} loads ${rel(f)}, which is not a rule file here`);
});
