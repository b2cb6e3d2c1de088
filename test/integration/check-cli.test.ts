/**
 * `alertscale check` as an operator runs it: the real CLI, the real promtool and amtool, on the
 * repo's own files (must pass) and on temp copies with one mistake each (must fail, saying where).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'bin', 'alertscale.js');
const dirs: string[] = [];

async function check(cwd: string, args: string[] = [], env: Record<string, string> = {}) {
  const run = await execa(process.execPath, [CLI, 'check', ...args], { cwd, reject: false, env, extendEnv: true });
  return { exitCode: run.exitCode, stdout: String(run.stdout), stderr: String(run.stderr) };
}

/** A copy of the files `check` reads by default, to break one at a time. */
function copyOfRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'alertscale-check-'));
  dirs.push(dir);
  cpSync(join(ROOT, 'alertscale.yml'), join(dir, 'alertscale.yml'));
  cpSync(join(ROOT, 'prometheus', 'rules'), join(dir, 'prometheus', 'rules'), { recursive: true });
  cpSync(join(ROOT, 'alertmanager', 'alertmanager.yml'), join(dir, 'alertmanager', 'alertmanager.yml'));
  return dir;
}

/** Appends a group with one alert to the copy's alerts.yml; returns the file line of `marker`. */
function appendAlert(dir: string, name: string, expr: string, marker: string): number {
  const file = join(dir, 'prometheus', 'rules', 'alerts.yml');
  const text =
    `${readFileSync(file, 'utf8')}\n  - name: added-by-test\n    rules:\n      - alert: ${name}\n` +
    `        expr: |\n          ${expr}\n        for: 1m\n        labels:\n          scale: up\n`;
  writeFileSync(file, text);
  return text.split('\n').findIndex((l) => l.includes(marker)) + 1;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('alertscale check', () => {
  let dir: string;
  beforeEach(() => {
    dir = copyOfRepo();
  });

  it("passes on the repo's own config, rules and Alertmanager config, with promtool and amtool run", async () => {
    const run = await check(ROOT);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('alertscale.yml: ok');
    expect(run.stdout).toMatch(/promtool check rules: 2 of 2 files ok/);
    expect(run.stdout).toContain('amtool check-config: alertmanager/alertmanager.yml ok');
    expect(run.stdout).toMatch(/allowed: .*example-web/);
    expect(run.stdout).toMatch(/check: ok: 0 errors, 0 warnings$/);
    expect(run.exitCode).toBe(0);
  });

  it('the demo rules pass too', async () => {
    // recording.yml and alerts.yml; rules-demo/recording.yml, rules-demo/demo.yml and rules-demo/web.yml.
    const run = await check(ROOT, ['--rules', 'prometheus/rules', '--rules', 'prometheus/rules-demo']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/5 of 5 files ok/);
    expect(run.exitCode).toBe(0);
  });

  it('a rule naming pool payments, missing from alertscale.yml: exit 1, naming the file, line and pool', async () => {
    const line = appendAlert(dir, 'PaymentsBacklog', 'sum by (pool) (alertscale_queue_length{pool="payments"}) > 10', 'pool="payments"');
    const run = await check(dir);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^prometheus/rules/alerts\\.yml:${line}: error: alert PaymentsBacklog names pool "payments" ` +
            `.*which alertscale\\.yml does not define.*; add pool payments to alertscale\\.yml`,
        ),
      ),
    ]);
    expect(run.stdout).toMatch(/check: FAILED: 1 error, 0 warnings/);
    expect(run.exitCode).toBe(1);
    // The operator's way out when another alertscale instance owns the pool.
    expect((await check(dir, ['--allow-pool', 'pay*'])).exitCode).toBe(0);
  });

  it('a rule reading alertscale_made_up_total: exit 1', async () => {
    const line = appendAlert(dir, 'MadeUp', 'sum by (pool) (alertscale_made_up_total{pool="demo"}) > 10', 'alertscale_made_up_total');
    const run = await check(dir);
    expect(run.stderr).toMatch(
      new RegExp(
        `^prometheus/rules/alerts\\.yml:${line}: error: alert MadeUp reads alertscale_made_up_total, ` +
          'which neither the exporter nor the receiver publishes',
        'm',
      ),
    );
    expect(run.exitCode).toBe(1);
  });

  it("a broken rules file: promtool's error shown, exit 1", async () => {
    appendAlert(dir, 'Broken', 'sum by (pool) (alertscale_queue_length{pool="demo"} > 10', 'Broken');
    const run = await check(dir);
    expect(run.stderr).toMatch(
      new RegExp(
        String.raw`^prometheus\/rules\/alerts\.yml:\d+:\d+: error: promtool: group "added-by-test", ` +
          'rule 1, "Broken": could not parse expression: .*unclosed left parenthesis',
        'm',
      ),
    );
    expect(run.stdout).toContain('promtool check rules: 1 of 2 files ok');
    expect(run.exitCode).toBe(1);
  });

  it('broken YAML: promtool says it once (not repeated by our own parser)', async () => {
    writeFileSync(join(dir, 'prometheus', 'rules', 'recording.yml'), 'groups:\n  - name: g\n   rules: [\n');
    const run = await check(dir);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toEqual([expect.stringMatching(/^prometheus\/rules\/recording\.yml:\d+: error: promtool: YAML: /)]);
    expect(run.exitCode).toBe(1);
  });

  it('without promtool and amtool on PATH: says skipped, still cross-checks names', async () => {
    appendAlert(dir, 'PaymentsBacklog', 'alertscale_queue_length{pool="payments"} > 10', 'payments');
    const run = await check(dir, [], { PATH: '/nonexistent' });
    expect(run.stdout).toContain('skipped: promtool not installed');
    expect(run.stdout).toContain('skipped: amtool not installed');
    expect(run.stderr).toMatch(/names pool "payments"/);
    expect(run.exitCode).toBe(1);
  });

  it('a broken alertscale.yml: every problem with file:line:col, exit 1; a broken Alertmanager config: amtool says why', async () => {
    writeFileSync(
      join(dir, 'alertscale.yml'),
      readFileSync(join(dir, 'alertscale.yml'), 'utf8').replace('min: 1', 'min: 9').replace('maxStep: 8', 'maxStepp: 8'),
    );
    writeFileSync(join(dir, 'alertmanager', 'alertmanager.yml'), 'route:\n  receiver: nope\nreceivers:\n  - name: x\n');
    const run = await check(dir);
    expect(run.stderr).toMatch(/^alertscale\.yml:\d+:\d+: error: pools\.demo: unknown key\(s\) "maxStepp"/m);
    expect(run.stderr).toMatch(/^alertscale\.yml:\d+:\d+: error: pools\.demo\.min: min must be ≤ max/m);
    expect(run.stderr).toMatch(/^alertmanager\/alertmanager\.yml: error: amtool: undefined receiver "nope" used in route/m);
    expect(run.stdout).toContain('alertscale.yml: invalid; pools not cross-checked');
    expect(run.exitCode).toBe(1);
  });

  it('a pool no rule reaches is a warning: exit 0', async () => {
    writeFileSync(
      join(dir, 'alertscale.yml'),
      `${readFileSync(join(dir, 'alertscale.yml'), 'utf8').replace('queues:', 'queues:\n')}`.replace(
        /\nqueues:/,
        '\n  spare:\n    min: 0\n    max: 2\n    executor: { kind: pm2, app: spare }\nqueues:',
      ),
    );
    const run = await check(dir);
    expect(run.stderr).toMatch(/^alertscale\.yml:\d+: warning: pool "spare" is reached by no scaling alert/m);
    expect(run.stdout).toMatch(/check: ok: 0 errors, 1 warning/);
    expect(run.exitCode).toBe(0);
  });

  it('an Alertmanager webhook that misses /v1/alertmanager is a warning (amtool accepts any URL)', async () => {
    const file = join(dir, 'alertmanager', 'alertmanager.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('/v1/alertmanager', '/v1/alerts'));
    const run = await check(dir);
    expect(run.stdout).toContain('amtool check-config: alertmanager/alertmanager.yml ok');
    expect(run.stderr).toMatch(/^alertmanager\/alertmanager\.yml: warning: no webhook_configs url ends in \/v1\/alertmanager/m);
    expect(run.exitCode).toBe(0);
  });

  it('usage errors exit 2; missing paths given on the command line exit 1', async () => {
    expect((await check(dir, ['--no-such-flag'])).exitCode).toBe(2);
    const missing = await check(dir, ['--rules', 'nope', '--alertmanager-config', 'nope.yml']);
    expect(missing.stderr).toMatch(/^nope: error: rule file or directory not found/m);
    expect(missing.stderr).toMatch(/^nope\.yml: error: Alertmanager config not found/m);
    expect(missing.exitCode).toBe(1);
  });
});
