import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestStack } from '../e2e/stack-helpers.js';
import { waitFor } from '../helpers/ports.js';
import { CLI, ROOT, runCli } from './cli-helpers.js';

// `alertscale demo` for real: it starts the stack (free ports, --fast cooldowns), narrates a burst
// from rest to rest, prints the figures and stops everything it started — or, with a stack
// already running in --dir, uses that one and leaves it running.
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertscale-demo-'));
  dirs.push(dir);
  return dir;
};

const SOCKET = `alertscale-cli-demo-${process.pid}`;
const tmux = (args: string[]) => execa('tmux', ['-L', SOCKET, '-f', '/dev/null', ...args], { env: { ...process.env, TMUX: '' } });
/** The pane's text with its scrollback, as the person at the terminal could scroll through it. */
const screen = async () => (await tmux(['capture-pane', '-p', '-S', '-200', '-t', 'demo'])).stdout;

afterAll(async () => {
  await tmux(['kill-server']).catch(() => undefined);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Processes whose command line names `dir` (the stack's daemons all do: configs, pidfiles, PM2_HOME). */
/** A daemon told to stop may take a moment to exit (pm2's God daemon outlives `pm2 kill` briefly). */
async function noneLeftIn(dir: string): Promise<void> {
  await waitFor('nothing left running in the demo dir', () => processesIn(dir).length === 0, 10_000, 200).catch(() => undefined);
  expect(processesIn(dir)).toEqual([]);
}

function processesIn(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
      if (cmdline.includes(dir) || environ.includes(dir)) found.push(`${pid}: ${cmdline.slice(0, 120)}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** The lines matching `patterns`, each after the previous: the narration's order. */
function inOrder(stdout: string, patterns: RegExp[]): string[] {
  const lines = stdout.split('\n');
  let from = 0;
  return patterns.map((p) => {
    const i = lines.findIndex((l, n) => n >= from && p.test(l));
    expect(i, `no line matching ${p} after line ${from} in:\n${stdout}`).toBeGreaterThanOrEqual(0);
    from = i + 1;
    return lines[i]!;
  });
}

describe('alertscale demo', () => {
  it('--help documents what it shows and how it exits', async () => {
    const { code, stdout } = await runCli(['demo', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/one-command demo/);
    expect(stdout).toMatch(/pending, then firing/);
    expect(stdout).toMatch(/worker-seconds/);
    expect(stdout).toMatch(/130 interrupted/);
  });

  it('starts the stack, narrates burst → scale-up → drain → scale-down, prints the figures, stops all it started', async () => {
    const dir = tempDir();
    const { code, stdout, stderr } = await runCli([
      'demo',
      '--config',
      'alertscale.yml',
      '--free-ports',
      '--fast',
      '-n',
      '80',
      '--job-ms',
      '300',
      '--dir',
      dir,
      '--timeout',
      '150s',
    ]);
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    inOrder(stdout, [
      /^starting the local stack in /,
      /^pool demo at rest: 1 worker\(s\) \(min 1, max 8\), queue 0$/,
      /^burst: 80 jobs of 300 ms enqueued to demo:jobs$/,
      /\] alert DemoQueueBacklog (is|was) pending/,
      /\] alert DemoQueueBacklog is firing/,
      /\] decision scaled: scale 1 → \d+: asked up to \d+ \(DemoQueueBacklog\)/,
      /\] alert DemoWorkersIdle is firing/,
      /\] decision scaled: scale \d+ → 1: asked down to \d+ \(DemoWorkersIdle\)/,
      /\] pool back at rest: 1 worker\(s\)$/,
      /^final figures:$/,
      /^ {2}jobs done +80\/80$/,
      /^stopping the stack this demo started…$/,
      /^stopped\.$/,
    ]);
    // The demo's down `for:` is 2 s: DemoWorkersIdle may fire in the same second the queue drains,
    // so the drain is only ordered after the scale-up and before the pool is back at rest.
    inOrder(stdout, [/\] decision scaled: scale 1 → /, /\] queue drained: all 80 jobs done at \+/, /\] pool back at rest/]);
    expect(stdout).toMatch(/\] workers growing: 1 → \d+/);
    expect(stdout).toMatch(/\] pool shrinking: \d+ → /);
    const peak = Number(/^ {2}peak workers +(\d+)$/m.exec(stdout)?.[1]);
    const firstScale = Number(/^ {2}time to first scale +([\d.]+) s$/m.exec(stdout)?.[1]);
    const workerSeconds = Number(/^ {2}worker-seconds +([\d.]+) \(over ([\d.]+) s\)$/m.exec(stdout)?.[1]);
    const over = Number(/\(over ([\d.]+) s\)$/m.exec(stdout)?.[1]);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(8);
    expect(firstScale).toBeGreaterThan(0);
    expect(firstScale).toBeLessThan(45);
    // Between one worker all along and the peak all along.
    expect(workerSeconds).toBeGreaterThan(over);
    expect(workerSeconds).toBeLessThan(peak * over);
    expect(existsSync(join(dir, 'stack.json'))).toBe(false);
    await noneLeftIn(dir);
  }, 200_000);

  it('Ctrl-C mid-demo stops what it started and exits 130 with the figures so far', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, [CLI, 'demo', '--free-ports', '--fast', '-n', '400', '--job-ms', '300', '--dir', dir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await waitFor('the scale-up alert to fire', () => /alert DemoQueueBacklog is firing/.test(stdout), 90_000, 100);
    // The daemons are there to stop: redis, pm2 and its worker, gunicorn, exporter, receiver, Alertmanager, Prometheus.
    expect(processesIn(dir).length).toBeGreaterThanOrEqual(8);
    child.kill('SIGINT');
    expect(await exited, stdout).toBe(130);
    inOrder(stdout, [
      /^SIGINT: interrupted; figures so far:$/,
      /^final figures:$/,
      /^ {2}jobs done +\d+\/400$/,
      /^stopping the stack this demo started…$/,
      /^stopped\.$/,
    ]);
    await noneLeftIn(dir);
  }, 150_000);

  it('uses a stack already running in --dir and leaves it running', async () => {
    // Ten jobs are below the backlog threshold (more than 10 per worker): a short run, no scaling.
    const stack = await startTestStack({});
    try {
      const { code, stdout, stderr } = await runCli(['demo', '-n', '10', '--job-ms', '100', '--dir', stack.dir, '--timeout', '150s']);
      expect(code, `${stdout}\n${stderr}`).toBe(0);
      inOrder(stdout, [
        new RegExp(`^using the stack running in ${stack.dir} \\(${stack.urls.receiver}\\)$`),
        /^pool demo at rest/,
        /\] pool back at rest/,
        /^ {2}jobs done +10\/10$/,
      ]);
      expect(stdout).not.toMatch(/stopping the stack/);
      expect((await fetch(`${stack.urls.receiver}/readyz`)).ok).toBe(true);
    } finally {
      await stack.stop();
      rmSync(stack.dir, { recursive: true, force: true });
    }
  }, 200_000);

  it('in a terminal: a progress bar of jobs done under the narration, full at the end', async () => {
    const dir = tempDir();
    const command =
      `${process.execPath} ${CLI} demo --config alertscale.yml --free-ports ` +
      `--fast -n 80 --job-ms 300 --dir ${dir}; echo "demo exited $?"; sleep 600`;
    await tmux(['new-session', '-d', '-s', 'demo', '-x', '80', '-y', '24', '-c', ROOT, command]);
    let during = '';
    await waitFor(
      'the progress bar while jobs run',
      async () => /jobs done .* (\d+)\/80 \|/.test((during = await screen())) && /\] workers growing/.test(during),
      120_000,
      200,
    );
    const shown = Number(/jobs done .* (\d+)\/80 \|/.exec(during)![1]);
    expect(shown).toBeLessThan(80);
    let after = '';
    await waitFor('the demo to end', async () => /demo exited \d+/.test((after = await screen())), 150_000, 500);
    expect(after).toMatch(/demo exited 0/);
    expect(after).toMatch(/jobs done .* 80\/80 \| 100%/);
    expect(after).toMatch(/\] pool back at rest: 1 worker\(s\)/);
    expect(after).toMatch(/^ {2}jobs done +80\/80$/m);
    await tmux(['kill-server']); // its command line names the dir too
    await noneLeftIn(dir);
  }, 200_000);
});
