import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorSchema } from '../../src/executors/schema.js';
import { createExecutor, type Executor } from '../../src/executors/index.js';
import { instancesOf, parsePm2List } from '../../src/executors/pm2.js';
import { livePm2Processes } from '../../src/executors/pm2-live.js';
import { runArgv, runForOutput, type RunSettings } from '../../src/executors/run.js';
import { waitFor } from '../helpers/ports.js';

const pm2 = resolve('node_modules/.bin/pm2');
let dir: string;
let script: string;
let settings: RunSettings;
let executor: Executor;

/** pids of processes running our script, straight from /proc (pm2 is not asked). */
async function scriptProcesses(): Promise<number[]> {
  const pids: number[] = [];
  for (const name of (await readdir('/proc')).filter((n) => /^\d+$/.test(n))) {
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    // pm2 rewrites process.title ("node /path/script.js" padded with spaces), so match a substring.
    if (cmdline.includes(script)) pids.push(Number(name));
  }
  return pids;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'alertscale-pm2-'));
  script = join(dir, 'alertscale-pm2-worker.js');
  await writeFile(script, 'setInterval(() => {}, 1000);\n');
  // A private PM2_HOME: its own daemon, never the operator's.
  const env = { PM2_HOME: join(dir, 'home') };
  settings = { timeoutMs: 30_000, env };
  const started = await runArgv([pm2, 'start', script, '--name', 'demo-worker', '-i', '1'], settings);
  expect(started, started.outputTail).toMatchObject({ ok: true });
  executor = createExecutor('demo', executorSchema.parse({ kind: 'pm2', app: 'demo-worker', bin: pm2, env, timeout: '30s' }));
  await waitFor('1 online pm2 process', async () => (await executor.current!()) === 1, 15_000, 200);
});

afterAll(async () => {
  if (settings) await runArgv([pm2, 'kill'], settings);
  await waitFor('pm2 processes to exit', async () => (await scriptProcesses()).length === 0, 10_000, 100).catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('pm2 executor against a real pm2 daemon', () => {
  it.each([
    [1, 3],
    [3, 1],
  ])('scales %i → %i', async (current, replicas) => {
    const result = await executor.scale({ pool: 'demo', replicas, current });
    expect(result, result.error).toMatchObject({ ok: true, exitCode: 0, timedOut: false });
    expect(result.argv).toEqual([pm2, 'scale', 'demo-worker', String(replicas)]);
    await waitFor(`${replicas} live pm2 processes`, async () => (await executor.current!()) === replicas, 15_000, 200);
    await waitFor(`${replicas} script processes in /proc`, async () => (await scriptProcesses()).length === replicas, 15_000, 100);
  });

  it('reads the live processes from /proc as pm2 jlist lists them, in cluster and in fork mode', async () => {
    const home = settings.env!.PM2_HOME!;
    // Without -i, pm2 starts an app in fork mode; `pm2 scale` then adds fork-mode processes.
    for (const argv of [
      ['start', script, '--name', 'demo-fork'],
      ['scale', 'demo-fork', '2'],
    ]) {
      const ran = await runArgv([pm2, ...argv], settings);
      expect(ran, ran.outputTail).toMatchObject({ ok: true });
    }
    const forkExecutor = createExecutor('fork', executorSchema.parse({ kind: 'pm2', app: 'demo-fork', bin: pm2, env: settings.env }));
    await waitFor('2 fork-mode processes', async () => (await forkExecutor.current!()) === 2, 15_000, 200);
    const listed = parsePm2List((await runForOutput([pm2, 'jlist'], settings)).stdout) as Array<{
      name: string;
      pm_id: number;
      pid: number;
    }>;
    const byJlist = (app: string) =>
      listed
        .filter((p) => p.name === app)
        .map((p) => ({ pid: p.pid, pmId: p.pm_id }))
        .sort((a, b) => a.pid - b.pid);
    const modes = (app: string) =>
      listed.filter((p) => p.name === app).map((p) => (p as { pm2_env?: { exec_mode?: string } }).pm2_env?.exec_mode);
    expect(modes('demo-worker')).toEqual(['cluster_mode']);
    expect(modes('demo-fork')).toEqual(['fork_mode', 'fork_mode']);
    for (const app of ['demo-worker', 'demo-fork']) expect(await livePm2Processes(home, app)).toEqual(byJlist(app));
    expect(await executor.current!()).toBe(1); // the other app's processes are not counted

    const deleted = await runArgv([pm2, 'delete', 'demo-fork'], settings);
    expect(deleted, deleted.outputTail).toMatchObject({ ok: true });
    await waitFor('the fork-mode processes to exit', async () => (await forkExecutor.current!()) === 0, 15_000, 100);
  });

  it('a PM2_HOME with no daemon is an error naming its pidfile, not zero processes', async () => {
    const elsewhere = join(dir, 'no-daemon');
    const wrong = createExecutor('demo', executorSchema.parse({ kind: 'pm2', app: 'demo-worker', bin: pm2, env: { PM2_HOME: elsewhere } }));
    await expect(wrong.current!()).rejects.toThrow(
      `pool demo: pm2 app demo-worker: no pm2 daemon found: cannot read pidfile ${elsewhere}/pm2.pid: ENOENT`,
    );
  });

  it('reports a pm2 failure with its output', async () => {
    const missing = createExecutor('demo', executorSchema.parse({ kind: 'pm2', app: 'no-such-app', bin: pm2, env: settings.env }));
    const result = await missing.scale({ pool: 'demo', replicas: 2, current: 1 });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/pm2 has no process named "no-such-app"/);
    expect(await missing.current!()).toBe(0);
  });

  it('scales to zero and back: 1 → 0 keeps the app (stopped), 0 → 1 → 2 starts it again', async () => {
    const toZero = await executor.scale({ pool: 'demo', replicas: 0, current: 1 });
    expect(toZero, toZero.error).toMatchObject({ ok: true, exitCode: 0 });
    expect(toZero.argv).toEqual([pm2, 'stop', 'demo-worker']);
    await waitFor('0 script processes in /proc', async () => (await scriptProcesses()).length === 0, 15_000, 100);
    expect(await executor.current!()).toBe(0);
    // The app is still known to pm2 (what plain `pm2 scale demo-worker 0` would have deleted).
    const list = await runForOutput([pm2, 'jlist'], settings);
    expect(instancesOf(list.stdout, 'demo-worker')).toEqual([{ id: expect.any(Number), status: 'stopped' }]);

    const again = await executor.scale({ pool: 'demo', replicas: 0, current: 0 });
    expect(again).toMatchObject({ ok: true });
    expect(again.outputTail).toMatch(/already has 0 \(stopped\)/);

    const wake = await executor.scale({ pool: 'demo', replicas: 1, current: 0 });
    expect(wake, wake.error).toMatchObject({ ok: true, exitCode: 0 });
    expect(wake.argv).toEqual([pm2, 'start', expect.stringMatching(/^\d+$/)]);
    await waitFor('1 online after the wake', async () => (await executor.current!()) === 1, 15_000, 200);
    await waitFor('1 script process in /proc', async () => (await scriptProcesses()).length === 1, 15_000, 100);

    const grow = await executor.scale({ pool: 'demo', replicas: 2, current: 1 });
    expect(grow.argv).toEqual([pm2, 'scale', 'demo-worker', '2']);
    await waitFor('2 online', async () => (await executor.current!()) === 2, 15_000, 200);
    await waitFor('2 script processes in /proc', async () => (await scriptProcesses()).length === 2, 15_000, 100);
  });

  it('from 2 to zero in one action: scale to 1, then stop', async () => {
    const result = await executor.scale({ pool: 'demo', replicas: 0, current: 2 });
    expect(result, result.error).toMatchObject({ ok: true });
    expect(result.argv).toEqual([pm2, 'scale', 'demo-worker', '1', '&&', pm2, 'stop', 'demo-worker']);
    await waitFor('0 script processes in /proc', async () => (await scriptProcesses()).length === 0, 15_000, 100);
    expect(await executor.current!()).toBe(0);
  });
});
