import { spawn, type ChildProcess } from 'node:child_process';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/ports.js';
import { CLI, ROOT, startOpsWorld, seedDemoLoad, type OpsWorld } from './cli-helpers.js';

/**
 * `alertscale top` in a real terminal: tmux (80x24, a private server socket) runs it against a
 * real receiver, exporter and Alertmanager; capture-pane reads the screen as an operator sees it.
 */
const MARKER = `alertscale-top-burner-${process.pid}`;
const POOLS = `
pools:
  demo:
    min: 1
    max: 8
    cooldown: { up: 1s, down: 1s }
    executor: { kind: command, scale: ["true"] }
    processes: { match: "${MARKER}" }
queues:
  demo-jobs: { kind: list, key: "demo:jobs", pool: demo }
`;

let world: OpsWorld;
let burner: ChildProcess;
const SOCKET = `alertscale-cli-top-${process.pid}`;
const tmux = (args: string[]) => execa('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { env: { ...process.env, TMUX: '' } });
const screen = async (escapes = false) => (await tmux(['capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'top'])).stdout;
const pane = async (format: string) => (await tmux(['display-message', '-p', '-t', 'top', format])).stdout.trim();

beforeAll(async () => {
  world = await startOpsWorld(POOLS);
  // A worker process that uses a little CPU (about a fifth of a core), for the CPU/W column.
  burner = spawn(process.execPath, ['-e', 'setInterval(() => { const t = Date.now(); while (Date.now() - t < 20); }, 100)', MARKER], {
    stdio: 'ignore',
  });
  await seedDemoLoad(
    world,
    Array.from({ length: 17 }, (_, i) => `job-${i}`),
  );
  // A firing scaling alert, as Prometheus would send it.
  const res = await fetch(`${world.alertmanager.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify([
      {
        labels: { alertname: 'DemoQueueBacklog', pool: 'demo', scale: 'up' },
        annotations: { target: '3' },
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 600_000).toISOString(),
      },
    ]),
  });
  expect(res.status).toBe(200);
}, 60_000);

afterAll(async () => {
  await tmux(['kill-server']).catch(() => undefined);
  burner?.kill('SIGKILL');
  await world?.stop();
});

describe('alertscale top', () => {
  it('draws live numbers in colour in 80x24, follows a change, and q quits and restores the terminal', async () => {
    // NO_COLOR unset: a terminal gets colour. After top ends, the pane keeps its exit status on screen.
    const env = Object.entries({ ...process.env, NO_COLOR: undefined, TMUX: undefined })
      .filter(([k, v]) => v !== undefined && /^(PATH|HOME|LANG|LC_ALL|NODE_OPTIONS)$/.test(k))
      .flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    await tmux([
      'new-session',
      '-d',
      '-s',
      'top',
      '-x',
      '80',
      '-y',
      '24',
      ...env,
      '-c',
      ROOT,
      `${process.execPath} ${CLI} top --config ${world.configFile} --interval 1s; echo "EXITED=$?"; sleep 60`,
    ]);

    await waitFor(
      'top to draw the pool, the alert and the exporter numbers',
      async () => {
        const text = await screen();
        return text.includes('FIRING SCALING ALERTS (1)') && /\ndemo +1 +1\/2 .* 17 +\d+% /.test(text);
      },
      20_000,
      200,
    );
    const first = await screen();
    expect(first).toMatch(/^ alertscale top {2}\d\d:\d\d:\d\d {2}127\.0\.0\.1:\d+ {2}every 1s {2}q quits/);
    // Pool row: 1 worker recorded, 1 of 2 busy (50%), 17 jobs queued, CPU per worker from /proc (the
    // burner uses some, so not 0%), bounds 1-8.
    expect(first).toMatch(/\ndemo +1 +1\/2 [█░]{6} 50% +17 +[1-9]\d*% 1-8 +- +auto\n/);
    expect(first).toMatch(/\nDemoQueueBacklog {2}demo {2}up {2}target 3 {2}\d+s {2}active\n/);
    expect(first).toContain('LAST DECISIONS\nnone yet');
    expect(first.split('\n').every((l) => l.length <= 80)).toBe(true);
    expect(await pane('#{alternate_on} #{cursor_flag}')).toBe('1 0');
    expect(await screen(true)).toMatch(/\x1b\[[0-9;]*m/);

    // A manual scale: the next refresh shows the new count and the decision.
    const res = await world.receiver.post('/v1/pools/demo/scale', { replicas: 3, reason: 'from the top test' });
    expect(res.status).toBe(202);
    await waitFor(
      'top to show 3 workers and the decision',
      async () => {
        const text = await screen();
        return (
          /\ndemo +3 +1\/2 /.test(text) &&
          /\n\d\d:\d\d:\d\d {2}demo {2}scaled {2}up 1 → 3 {2}manual: scale 1 → 3 \(from the top test\)/.test(text)
        );
      },
      10_000,
      200,
    );

    await tmux(['send-keys', '-t', 'top', 'q']);
    await waitFor('top to exit on q', async () => (await screen()).includes('EXITED=0'), 10_000, 100);
    // Back on the normal screen with the cursor shown, and no frame left behind.
    expect(await pane('#{alternate_on} #{cursor_flag}')).toBe('0 1');
    expect(await screen()).not.toContain('FIRING SCALING ALERTS');
  });

  it('--once (and any non-terminal stdout) prints one frame and exits', async () => {
    const r = await execa(process.execPath, [CLI, 'top', '--once', '--config', world.configFile], {
      cwd: ROOT,
      env: { COLUMNS: '80' },
      reject: false,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ alertscale top /);
    expect(r.stdout).toMatch(/\ndemo +3 +1\/2 /);
    expect(r.stdout).toContain('DemoQueueBacklog');
  });
});
