/**
 * examples/one-host stays working: its files are what generate.ts makes from tiers.ts, its
 * alertscale.yml passes `alertscale check` (with promtool and amtool), promtool accepts and passes
 * its rules and tests, every alert is tested pending then firing, and every pool starts in dry run.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generated } from '../../examples/one-host/generate.js';
import { POOLS } from '../../examples/one-host/tiers.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = join(ROOT, 'examples/one-host');
const CLI = join(ROOT, 'bin/alertscale.js');

/** Test file → the rule file it loads. */
const TESTED: Record<string, string> = {
  ...Object.fromEntries(POOLS.map((p) => [`tests/${p.pool}.test.yml`, `rules/${p.pool}.yml`])),
  'tests/celerycore-memory.test.yml': 'variants/celerycore-memory.yml',
};

const run = async (cmd: string, args: string[], cwd = ROOT) => {
  const r = await execa(cmd, args, { cwd, reject: false, all: true });
  return { exitCode: r.exitCode, output: r.all ?? '' };
};

describe('examples/one-host', () => {
  it("the committed rules and tests are generate.ts's output", () => {
    for (const [file, text] of Object.entries(generated())) {
      expect(readFileSync(join(EXAMPLE, file), 'utf8'), `${file}: run npx tsx examples/one-host/generate.ts`).toBe(text);
    }
  });

  const check = (rules: string[]) =>
    run('node', [
      CLI,
      'check',
      '--config',
      'examples/one-host/alertscale.yml',
      '--rules',
      'prometheus/rules/recording.yml',
      ...rules.flatMap((r) => ['--rules', r]),
      '--alertmanager-config',
      'alertmanager/alertmanager.yml',
    ]);

  it('alertscale check passes on alertscale.yml with the tier rules: no error, no warning', async () => {
    const { exitCode, output } = await check(['examples/one-host/rules']);
    expect(exitCode, output).toBe(0);
    expect(output).toContain('examples/one-host/alertscale.yml: ok (6 pools, 1 queue)');
    expect(output).toContain('promtool check rules: 7 of 7 files ok');
    expect(output).toMatch(/names: 39 alerts and \d+ recording rules in 7 files/);
    expect(output).toContain('amtool check-config: alertmanager/alertmanager.yml ok');
    expect(output).toContain('check: ok: 0 errors, 0 warnings');
  }, 120_000);

  it('alertscale check passes with the memory-sized variant instead of the celerycore tiers', async () => {
    const others = POOLS.filter((p) => p.pool !== 'celerycore').map((p) => `examples/one-host/rules/${p.pool}.yml`);
    const { exitCode, output } = await check([...others, 'examples/one-host/variants']);
    expect(exitCode, output).toBe(0);
    expect(output).toMatch(/names: 34 alerts and \d+ recording rules in 7 files/);
    expect(output).toContain('check: ok: 0 errors, 0 warnings');
  }, 120_000);

  it('promtool tests every tier (one process for all files)', async () => {
    const files = Object.keys(TESTED);
    const { exitCode, output } = await run('promtool', ['test', 'rules', ...files], EXAMPLE);
    expect(exitCode, output).toBe(0);
    expect(output.match(/SUCCESS/g)?.length).toBe(files.length);
  }, 180_000);

  it('every alert has a case one evaluation before its for: (silent) and one at it (firing, with a target)', () => {
    for (const [tests, rules] of Object.entries(TESTED)) {
      const alerts = (parse(readFileSync(join(EXAMPLE, rules), 'utf8')).groups as any[]).flatMap((g) => g.rules);
      const cases = (parse(readFileSync(join(EXAMPLE, tests), 'utf8')).tests as any[]).flatMap((t) => t.alert_rule_test);
      for (const a of alerts) {
        const mine = cases.filter((c: any) => c.alertname === a.alert);
        const firing = mine.filter((c: any) => c.exp_alerts.length > 0);
        expect(firing.length, `${a.alert} fires in a test`).toBeGreaterThan(0);
        for (const f of firing) expect(Number(f.exp_alerts[0].exp_annotations.target), a.alert).toBeGreaterThan(0);
        expect(
          mine.some((c: any) => c.exp_alerts.length === 0),
          `${a.alert} is shown silent before its for:`,
        ).toBe(true);
      }
    }
  });

  it('every pool of the table is in alertscale.yml with its bounds, in dry run', () => {
    const config = parse(readFileSync(join(EXAMPLE, 'alertscale.yml'), 'utf8'));
    expect(Object.keys(config.pools).sort()).toEqual(POOLS.map((p) => p.pool).sort());
    for (const p of POOLS) expect(config.pools[p.pool], p.pool).toMatchObject({ min: p.min, max: p.max, enabled: false });
    expect(config.queues.celery).toEqual({ kind: 'list', key: 'celery', pool: 'celerycore' });
  });
});
