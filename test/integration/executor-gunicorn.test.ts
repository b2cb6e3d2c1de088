import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorSchema } from '../../src/executors/schema.js';
import { createExecutor, type Executor } from '../../src/executors/index.js';
import { childPids, isRunning, parseProcStatus, readPidfile } from '../../src/executors/proc.js';
import { freePort, waitFor } from '../helpers/ports.js';

let dir: string;
let pidfile: string;
let gunicorn: ChildProcess;
let master: number;
let executor: Executor;
let output = '';

const workers = async () => (await childPids(master)).length;
const gunicornExecutor = (fields: Record<string, unknown>) =>
  createExecutor('demo', executorSchema.parse({ kind: 'gunicorn', pidfile, ...fields }));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alertscale-gunicorn-'));
  pidfile = join(dir, 'gunicorn.pid');
  const port = await freePort();
  const args = ['-w', '2', '-b', `127.0.0.1:${port}`, '--pid', pidfile, '--chdir', resolve('test/fixtures/gunicorn'), 'app:app'];
  gunicorn = spawn('/usr/bin/gunicorn', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  gunicorn.stdout!.on('data', (d) => (output += d));
  gunicorn.stderr!.on('data', (d) => (output += d));
  await waitFor('gunicorn pidfile', async () => (await readPidfile(pidfile)) > 0, 15_000, 100);
  master = await readPidfile(pidfile);
  expect(master).toBe(gunicorn.pid); // spawned directly, no shell in between
  await waitFor('2 gunicorn workers', async () => (await workers()) === 2, 15_000, 100);
  executor = gunicornExecutor({ timeout: '20s' });
});

afterAll(async () => {
  if (gunicorn?.pid && isRunning(gunicorn.pid)) {
    process.kill(gunicorn.pid, 'SIGCONT'); // in case a test left it stopped
    gunicorn.kill('SIGTERM');
    await waitFor('gunicorn to exit', () => gunicorn.exitCode !== null || gunicorn.signalCode !== null, 15_000, 100).catch(() =>
      gunicorn.kill('SIGKILL'),
    );
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('gunicorn executor against a real gunicorn master', () => {
  it('reads the live worker count', async () => {
    expect(await executor.current!()).toBe(2);
  });

  it.each([
    [2, 4, '-TTIN', '2 → 3 → 4'],
    [4, 2, '-TTOU', '4 → 3 → 2'],
  ])('scales %i → %i one signal at a time', async (current, replicas, flag, path) => {
    const result = await executor.scale({ pool: 'demo', replicas, current });
    expect(result, `${result.error}\n${output.slice(-2000)}`).toMatchObject({ ok: true, timedOut: false });
    expect(result.argv).toEqual(['kill', flag, String(master)]);
    expect(result.outputTail).toContain(`×2`);
    expect(result.outputTail).toContain(`workers ${path}`);
    expect(await workers()).toBe(replicas);
    expect(await executor.current!()).toBe(replicas);
  });

  it('does nothing at the target and refuses zero workers', async () => {
    expect(await executor.scale({ pool: 'demo', replicas: 2, current: 2 })).toMatchObject({ ok: true, argv: [] });
    const zero = await executor.scale({ pool: 'demo', replicas: 0, current: 2 });
    expect(zero).toMatchObject({ ok: false, argv: [] });
    expect(zero.error).toMatch(/at least 1 worker/);
    expect(await workers()).toBe(2);
  });

  it('fails clearly without a readable pidfile', async () => {
    const lost = gunicornExecutor({ pidfile: join(dir, 'missing.pid') });
    const result = await lost.scale({ pool: 'demo', replicas: 3, current: 2 });
    expect(result).toMatchObject({ ok: false, argv: [] });
    expect(result.error).toMatch(/cannot read pidfile .*missing\.pid: ENOENT/);
    await expect(lost.current!()).rejects.toThrow(/pool demo: cannot read pidfile/);
  });

  it('refuses a pidfile that names a process other than gunicorn', async () => {
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const stale = join(dir, 'stale.pid');
      await writeFile(stale, `${other.pid}\n`);
      const result = await gunicornExecutor({ pidfile: stale }).scale({ pool: 'demo', replicas: 3, current: 2 });
      expect(result).toMatchObject({ ok: false, argv: [] });
      expect(result.error).toMatch(new RegExp(`pid ${other.pid} from .*stale\\.pid is not gunicorn \\("sleep 30"\\)`));
      // A TTIN would have stopped it (state T).
      expect(parseProcStatus(await readFile(`/proc/${other.pid}/status`, 'utf8'))?.state).toBe('S');
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('times out when the master does not act on the signal', async () => {
    process.kill(master, 'SIGSTOP'); // a stuck master: the signal stays pending
    try {
      const result = await gunicornExecutor({ timeout: '500ms' }).scale({ pool: 'demo', replicas: 3, current: 2 });
      expect(result).toMatchObject({ ok: false, timedOut: true, argv: ['kill', '-TTIN', String(master)] });
      expect(result.durationMs).toBeLessThan(2000);
      expect(result.error).toMatch(/reached 2 of 3/);
    } finally {
      process.kill(master, 'SIGCONT');
    }
    // SIGCONT discards pending stop-class signals (TTIN is one), so nothing changed; a retry works.
    expect(await workers()).toBe(2);
    expect(await executor.scale({ pool: 'demo', replicas: 3, current: 2 })).toMatchObject({ ok: true });
    expect(await workers()).toBe(3);
  });
});
