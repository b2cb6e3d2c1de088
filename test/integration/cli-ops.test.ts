import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../helpers/ports.js';
import { notification } from '../helpers/receiver.js';
import { CLI, ROOT, runCli, startOpsWorld, stderrLines, seedDemoLoad, type CliResult, type OpsWorld } from './cli-helpers.js';

/**
 * The operator commands against real programs: Redis, Alertmanager, the receiver, the exporter,
 * each CLI call a real `./bin/alertscale.js` process. Alert-driven decisions come in through the
 * receiver's webhook (the captured Alertmanager body), so `why` explains a real scale-up and a
 * real cooldown skip.
 */
const POOLS = `
pools:
  demo:
    min: 1
    max: 8
    maxStep: 4
    cooldown: { up: 20s, down: 45s }
    executor: { kind: command, scale: ["true"] }
  web:
    min: 2
    max: 6
    enabled: false
    executor: { kind: command, scale: ["true"] }
  broken:
    min: 1
    max: 3
    executor: { kind: command, scale: ["false"] }
queues:
  demo-jobs: { kind: list, key: "demo:jobs", pool: demo }
`;

let world: OpsWorld;
const am = () => world.alertmanager.url;
const oneLineError = (r: CliResult, code: number, pattern: RegExp) => {
  expect(r.code, r.stderr + r.stdout).toBe(code);
  expect(stderrLines(r)).toHaveLength(1);
  expect(stderrLines(r)[0]).toMatch(pattern);
};
const silences = async () =>
  (await (await fetch(`${am()}/api/v2/silences`)).json()) as {
    id: string;
    status: { state: string };
    matchers: { name: string; value: string }[];
    comment: string;
    createdBy: string;
  }[];

beforeAll(async () => {
  world = await startOpsWorld(POOLS);
  // Two demo workers (one busy) and three jobs waiting: the exporter turns these into BUSY/ALIVE and QUEUE.
  await seedDemoLoad(world, ['a', 'b', 'c']);
}, 60_000);

afterAll(async () => {
  await world?.stop();
});

describe('status', () => {
  it("shows the pools with the exporter's worker and queue numbers", async () => {
    await waitFor('the exporter to count the heartbeats', async () =>
      (await (await fetch(`${world.exporterUrl}/metrics`)).text()).includes('alertscale_workers_alive{pool="demo"} 2'),
    );
    const [table, json] = await Promise.all([world.cli(['status']), world.cli(['status', '--json'])]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stderr).toBe('');
    const lines = table.stdout.split('\n');
    expect(lines[0]).toBe('POOL           REPLICAS  MIN-MAX  BUSY/ALIVE  QUEUE  COOLDOWN  PAUSED');
    expect(lines[1]).toBe('demo                  1  1-8      1/2 50%         3  -         -');
    expect(lines[2]).toBe('web (dry run)         2  2-6      0/0 -           -  -         -');
    expect(table.stdout).toContain('demo: no decision yet');
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.pools.map((p: any) => p.pool)).toEqual(['demo', 'web', 'broken']);
    expect(parsed.pools[0]).toMatchObject({ replicas: 1, min: 1, max: 8, paused: null, workers: { alive: 2, busy: 1, queue: 3 } });
  });

  it("says once on stderr when the exporter is away, and still shows the receiver's view", async () => {
    const dead = await freePort();
    const file = join(world.dir, 'no-exporter.yml');
    const { readFileSync } = await import('node:fs');
    writeFileSync(
      file,
      readFileSync(world.configFile, 'utf8').replace(/exporter: \{ listen: "[^"]+" \}/, `exporter: { listen: "127.0.0.1:${dead}" }`),
    );
    const r = await runCli(['status', '--config', file]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toMatch(/^demo\s+1\s+1-8\s+-\s+-\s+-\s+-$/);
    oneLineError(
      { ...r, code: 0 },
      0,
      new RegExp(
        `^alertscale: note: cannot read the exporter at http://127.0.0.1:${dead} ` +
          `\\(ECONNREFUSED\\); .*start it with: alertscale exporter --config `,
      ),
    );
  });
});

describe('scale, then why and audit', () => {
  it('an alert scales demo up, a second alert inside cooldown.up is skipped, an operator scales by hand', async () => {
    const up = await world.receiver.post(
      '/v1/alertmanager',
      notification({
        pool: 'demo',
        scale: 'up',
        alertname: 'DemoQueueBacklog',
        fingerprint: 'aaaa000000000001',
        annotations: { target: '3' },
      }),
    );
    expect(up.status).toBe(200);
    await world.receiver.receiver.idle();
    const again = await world.receiver.post(
      '/v1/alertmanager',
      notification({
        pool: 'demo',
        scale: 'up',
        alertname: 'DemoQueueBacklog',
        fingerprint: 'aaaa000000000002',
        annotations: { target: '5' },
      }),
    );
    expect(again.status).toBe(200);

    const manual = await world.cli(['scale', 'demo', '4', '--reason', 'load test']);
    expect(manual.code, manual.stderr).toBe(0);
    expect(manual.stdout).toMatch(/^demo: scaled 3 → 4 in \d+(ms|\.\ds) \(audit \d+-\d+\)\n$/);
  });

  it('refuses a count outside the bounds (exit 1), reports a failed command (exit 1) and a dry run (exit 0)', async () => {
    const [outside, failed, dry, same] = await Promise.all([
      world.cli(['scale', 'demo', '12', '-r', 'too many']),
      world.cli(['scale', 'broken', '2', '-r', 'try']),
      world.cli(['scale', 'web', '3', '-r', 'try']),
      world.cli(['scale', 'demo', '4', '-r', 'again']),
    ]);
    oneLineError(outside, 1, /^alertscale: manual: 12 is outside \[1, 8\] \(too many\); pick a count within the pool's bounds/);
    oneLineError(
      failed,
      1,
      /^alertscale: broken: scaling 1 → 2 failed \(.+\); see the command and its output with: alertscale why broken$/,
    );
    expect(dry).toMatchObject({ code: 0, stdout: 'web: would scale 2 → 3, but the pool is a dry run (enabled: false); nothing was run\n' });
    expect(same).toMatchObject({ code: 0, stdout: 'demo: already at 4; nothing to do\n' });
  });

  it('usage mistakes exit 2 with one line', async () => {
    const [count, reason, pool, outcome] = await Promise.all([
      world.cli(['scale', 'demo', 'four', '-r', 'x']),
      world.cli(['scale', 'demo', '4']),
      world.cli(['why']),
      world.cli(['audit', '--outcome', 'sclaed']),
    ]);
    oneLineError(outcome, 2, /"sclaed" is not an outcome; use one of scaled,/);
    oneLineError(count, 2, /^alertscale: .*"four" is not a replica count; write a whole number such as 3; usage: alertscale scale --help$/);
    oneLineError(reason, 2, /^alertscale: required option '-r, --reason <text>' not specified; usage: alertscale scale --help$/);
    oneLineError(pool, 2, /^alertscale: missing required argument 'pool'; usage: alertscale why --help$/);
  });

  it('why explains the scale-up, the cooldown skip and the manual scale, oldest first', async () => {
    const r = await world.cli(['why', 'demo']);
    expect(r.code, r.stderr).toBe(0);
    const text = r.stdout.replace(/\n {2}/g, ' ');
    expect(r.stdout.split('\n')[0]).toBe('demo: the latest decisions; min 1, max 8, maxStep 4, cooldown up 20s / down 45s');
    const upAt = text.indexOf('· scaled up 1 → 3 [scaled]');
    const skipAt = text.indexOf('· did not scale up: cooldown [cooldown]');
    const manualAt = text.indexOf('· scaled up 3 → 4 [scaled]');
    expect(upAt).toBeGreaterThan(0);
    expect(skipAt).toBeGreaterThan(upAt);
    expect(manualAt).toBeGreaterThan(skipAt);
    expect(text).toMatch(
      new RegExp(
        String.raw`Alertmanager reported DemoQueueBacklog \(firing since \d\d:\d\d:\d\d\)\. The policy: scale 1 → 3: asked up ` +
          String.raw`to 3 \(DemoQueueBacklog\)\. Bounds: min 1, max 8, at most 4 workers per action; an alert without a target ` +
          String.raw`moves 1 at a time\. That started the cooldowns: no further scale-up before \d\d:\d\d:\d\d \(cooldown\.up 20s\) ` +
          String.raw`and no scale-down before \d\d:\d\d:\d\d \(cooldown\.down 45s\)\. It ran \`true\`, which exited 0 in \d+ms\.`,
      ),
    );
    expect(text).toMatch(
      new RegExp(
        String.raw`The policy: asked up to 5 \(DemoQueueBacklog\); cooldown\.up has (19|20)s ` +
          String.raw`left\. .* The cooldown\.up of 20s ran from the scale-up 1 → 3 at \d\d:\d\d:\d\d\.`,
      ),
    );
    expect(text).toMatch(
      new RegExp(
        String.raw`An operator asked for it through the API \(alertscale scale\)\. The policy: manual: ` +
          String.raw`scale 3 → 4 \(load test\)\. Bounds: min 1, max 8 \(a manual scale meets only these`,
      ),
    );
    expect(r.stdout.split('\n').every((l) => l.length <= 80)).toBe(true);
  });

  it('why --at puts the decisions on either side of the time asked about', async () => {
    const skip = (await world.receiver.get('/v1/audit?pool=demo&outcome=cooldown')).body.entries[0];
    const at = ((Number(skip.id.split('-')[0]) - 1) / 1000).toFixed(3);
    const r = await world.cli(['why', 'demo', '--at', at, '--count', '1']);
    expect(r.code, r.stderr).toBe(0);
    const marker = r.stdout.indexOf(': the time asked about');
    expect(r.stdout.indexOf('scaled up 1 → 3')).toBeLessThan(marker);
    expect(r.stdout.indexOf('did not scale up: cooldown')).toBeGreaterThan(marker);
    expect(r.stdout).not.toContain('scaled up 3 → 4');
    oneLineError(
      await world.cli(['why', 'nope']),
      1,
      /^alertscale: pool "nope" is not defined in alertscale.yml \(pools: demo, web, broken\); list the pools with: alertscale status$/,
    );
  });

  it('audit lists newest first, filters by pool and outcome, and prints JSON', async () => {
    const [all, cooldown, json, none] = await Promise.all([
      world.cli(['audit']),
      world.cli(['audit', '--outcome', 'cooldown']),
      world.cli(['audit', '--pool', 'demo', '--json', '--since', '10m']),
      world.cli(['audit', '--pool', 'demo', '--until', '2001-01-01T00:00:00Z']),
    ]);
    expect(all.code, all.stderr).toBe(0);
    const rows = all.stdout.trim().split('\n');
    expect(rows[0]).toBe('TIME      POOL    OUTCOME    CHANGE    REASON');
    const made = rows.slice(1).map((l) =>
      l
        .split(/\s{2,}/)
        .slice(1, 3)
        .join(' '),
    );
    // Newest first: the four concurrent manual calls (in any order), then the manual scale, the skip, the alert's scale-up.
    expect(made.slice(0, 4).sort()).toEqual(['broken failed', 'demo no_change', 'demo rejected', 'web dry_run']);
    expect(made.slice(4)).toEqual(['demo scaled', 'demo cooldown', 'demo scaled']);
    expect(rows[rows.length - 1]).toMatch(/^\d\d:\d\d:\d\d {2}demo {4}scaled {5}up 1 → 3 {2}scale 1 → 3: asked up to 3 \(DemoQueueBac…$/);
    expect(rows.every((l) => l.length <= 80)).toBe(true);
    expect(cooldown.stdout.trim().split('\n').slice(1)).toHaveLength(1);
    expect(cooldown.stdout).toMatch(/demo {2}cooldown {2}up 3 {4}asked up to 5/);
    const entries = JSON.parse(json.stdout).entries;
    expect(
      entries
        .map((e: any) => e.outcome)
        .slice(0, 2)
        .sort(),
    ).toEqual(['no_change', 'rejected']);
    expect(entries.map((e: any) => e.outcome).slice(2)).toEqual(['scaled', 'cooldown', 'scaled']);
    expect(entries[2]).toMatchObject({ actor: 'api', from: 3, to: 4, argv: ['true'], exitCode: 0, status: 'done' });
    expect(none).toMatchObject({ code: 0, stdout: 'no decisions match (pool demo, until 2001-01-01T00:00:00Z)\n' });
  });

  it('audit --follow prints new decisions as they happen, then ends on Ctrl-C with exit 0', async () => {
    const child = spawn(
      process.execPath,
      [CLI, 'audit', '--follow', '--pool', 'demo', '--limit', '2', '--interval', '200ms', '--config', world.configFile],
      {
        cwd: ROOT,
        env: { ...process.env, COLUMNS: '80' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      // The two newest, oldest first (a log read top to bottom).
      await waitFor('the initial page', () => out.split('\n').length >= 4, 15_000);
      const initial = out.trim().split('\n');
      expect(initial[0]).toBe('TIME      POOL    OUTCOME    CHANGE      REASON');
      expect(
        initial
          .slice(1)
          .map((l) => l.split(/\s{2,}/)[2])
          .sort(),
      ).toEqual(['no_change', 'rejected']);
      const res = await world.receiver.post('/v1/pools/demo/scale', { replicas: 2, reason: 'followed' });
      expect(res.status).toBe(202);
      // Printed when decided (maybe still running) and, if it was running, again when its command ended.
      await waitFor(
        'the finished decision',
        () => /\n\d\d:\d\d:\d\d {2}demo {4}scaled {5}down 4 → 2 {2}manual: scale 4 → 2 \(followed\)\n/.test(out),
        10_000,
      );
      expect(
        out
          .trim()
          .split('\n')
          .slice(3)
          .every((l) => /down 4 → 2 {2}manual: scale 4 → 2 \(followed\)$/.test(l)),
      ).toBe(true);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('pause and resume (Alertmanager silences)', () => {
  // formatClock: HH:MM:SS today, YYYY-MM-DD HH:MM when the pause ends on another day (a run near midnight).
  const CLOCK = String.raw`(?:\d\d:\d\d:\d\d|\d{4}-\d\d-\d\d \d\d:\d\d)`;
  const MINUTE = String.raw`(?:\d{4}-\d\d-\d\d )?\d\d:\d\d`;
  it('pause creates a silence on pool="demo"; status shows it; resume expires it', async () => {
    const paused = await world.cli(['pause', 'demo', '--for', '1h', '--comment', 'deploy', '--created-by', 'alice']);
    expect(paused.code, paused.stderr).toBe(0);
    const [first, second] = paused.stdout.split('\n');
    expect(first).toMatch(new RegExp(`^paused demo until ${CLOCK} \\(1h\\): Alertmanager silence [0-9a-f-]{36} by alice: deploy$`));
    expect(second).toBe('resume with: alertscale resume demo');
    const id = /silence ([0-9a-f-]{36})/.exec(first!)![1]!;
    const silence = (await silences()).find((s) => s.id === id)!;
    expect(silence).toMatchObject({ status: { state: 'active' }, comment: 'deploy', createdBy: 'alice' });
    expect(silence.matchers).toEqual([expect.objectContaining({ name: 'pool', value: 'demo', isRegex: false })]);

    const status = await world.cli(['status']);
    expect(status.stdout.split('\n')[1]).toMatch(new RegExp(`^demo .* until ${MINUTE}$`));
    expect(status.stdout.replace(/\n {2}/g, ' ')).toMatch(
      new RegExp(` paused until ${CLOCK} \\(59m5\\ds left\\) by alice: deploy \\[silence ${id}\\]\\n`),
    );

    const resumed = await world.cli(['resume', 'demo']);
    expect(resumed).toMatchObject({ code: 0, stdout: `resumed demo: expired silence ${id}\n` });
    expect((await silences()).find((s) => s.id === id)!.status.state).toBe('expired');
    expect(await world.cli(['resume', 'demo'])).toMatchObject({
      code: 0,
      stdout: 'demo was not paused (no active silence matches pool="demo")\n',
    });
  });

  it('a silence made with amtool shows as paused; resume leaves a broader one alone and exits 1 with the fix', async () => {
    const amtool = (args: string[]) => execa('amtool', [...args, `--alertmanager.url=${am()}`]);
    const web = (await amtool(['silence', 'add', 'pool=web', '--duration=10m', '--comment=maintenance', '--author=bob'])).stdout.trim();
    const broad = (
      await amtool(['silence', 'add', 'pool=~de.*', '--duration=10m', '--comment=all de pools', '--author=bob'])
    ).stdout.trim();
    try {
      const status = await world.cli(['status']);
      const lines = status.stdout.split('\n');
      expect(lines[1]).toMatch(new RegExp(`^demo .* until ${MINUTE}$`));
      expect(lines[2]).toMatch(new RegExp(`^web \\(dry run\\) .* until ${MINUTE}$`));
      expect(status.stdout.replace(/\n {2}/g, ' ')).toContain(`by bob: maintenance [silence ${web}]`);
      // A command that failed after the decision shows as failed, not as the `scaled` it was decided as.
      expect(status.stdout).toMatch(/\nbroken: failed \d+[ms](?:\d+s)? ago — manual: scale 1 → 2 \(try\) \(.+\)\n/);
      const r = await world.cli(['resume', 'demo']);
      oneLineError(
        r,
        1,
        new RegExp(
          `^alertscale: demo is still paused by silence ${broad} \\(broader than pool="demo", ` +
            `so resume leaves it alone\\); expire it if you mean to: amtool silence expire ${broad} --alertmanager.url=${am()}$`,
        ),
      );
      expect((await silences()).find((s) => s.id === broad)!.status.state).toBe('active');
    } finally {
      await amtool(['silence', 'expire', web, broad]);
    }
  });

  it('usage: --for must be a duration and --comment is required (exit 2)', async () => {
    const [duration, comment] = await Promise.all([
      world.cli(['pause', 'demo', '--for', 'a while', '-m', 'x']),
      world.cli(['pause', 'demo', '--for', '1h']),
    ]);
    oneLineError(
      duration,
      2,
      /"a while" is not a duration; write it as Prometheus does, e\.g\. 30s, 15m, 1h30m; usage: alertscale pause --help$/,
    );
    oneLineError(comment, 2, /required option '-m, --comment <text>' not specified/);
  });
});

describe('when something is wrong: one line with the fix, exit 1', () => {
  it('the receiver is down', async () => {
    const port = await freePort();
    const r = await runCli(['status', '--url', `http://127.0.0.1:${port}`, '--config', world.configFile]);
    oneLineError(
      r,
      1,
      new RegExp(
        `^alertscale: cannot reach the receiver at http://127.0.0.1:${port} \\(ECONNREFUSED\\); ` +
          `is it running\\? start it with: alertscale receiver --config ${world.configFile}$`,
      ),
    );
    expect(r.stdout).toBe('');
  });

  it('the token is wrong, or its file is missing', async () => {
    const wrong = join(world.dir, 'wrong-token');
    writeFileSync(wrong, 'not-the-token\n');
    const [bad, missing] = await Promise.all([
      world.cli(['audit', '--token-file', wrong]),
      world.cli(['status', '--token-file', join(world.dir, 'nope')]),
    ]);
    oneLineError(
      bad,
      1,
      new RegExp(
        String.raw`^alertscale: the receiver at http:\/\/127\.0\.0\.1:\d+ rejected the bearer token \(wrong bearer token\); use ` +
          String.raw`the token the receiver reads \(receiver\.tokenFile or receiver\.tokenEnv in .*\) or pass --token-file FILE$`,
      ),
    );
    oneLineError(missing, 1, /^alertscale: --token-file .*nope: no such file; pass the file the receiver reads its token from/);
  });

  it('the config file is missing', async () => {
    const r = await runCli(['status', '--config', join(world.dir, 'missing.yml')]);
    oneLineError(
      r,
      1,
      new RegExp(
        String.raw`^alertscale: .*missing\.yml: \(top level\): cannot read the configuration: ` +
          String.raw`file not found; pass --config FILE \(or set ALERTSCALE_CONFIG\), or --url`,
      ),
    );
  });

  it("Alertmanager is down: pause fails with the receiver's 502 as one line", async () => {
    await world.alertmanager.stop();
    const r = await world.cli(['pause', 'demo', '--for', '1h', '-m', 'x']);
    oneLineError(r, 1, /^alertscale: .*Alertmanager.*(alertmanager\.url)/);
  });
});
