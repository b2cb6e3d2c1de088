/**
 * The `celery` executor against a real Celery 5.2 worker (Debian's celery / python3-celery) on a real
 * Redis broker: pool_grow / pool_shrink on a prefork worker, `control autoscale N N` on an
 * `--autoscale` worker. The pool's size is read back from the worker (`inspect stats`:
 * pool.processes) and from the process tree; every enqueued task must complete across the shrinks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCeleryExecutor } from '../../src/executors/celery.js';
import type { CeleryExecutorConfig } from '../../src/executors/celery.js';
import { waitFor } from '../helpers/ports.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

const APP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/celery');
const CELERY = '/usr/bin/celery';
// Debian's celery script runs the first python3 on PATH; it must be Debian's, which has the package.
const PATH = `/usr/bin:/bin:${process.env.PATH ?? ''}`;

let redis: TestRedis;
let logDir: string;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  logDir = mkdtempSync(join(tmpdir(), 'alertscale-celery-'));
});

afterAll(async () => {
  for (const w of workers) await stopWorker(w);
  await redis?.close();
  rmSync(logDir, { recursive: true, force: true });
});

const env = () => ({ PATH, CELERY_BROKER_URL: redis.url });

async function stopWorker(worker: ChildProcess): Promise<void> {
  if (worker.exitCode !== null || worker.signalCode !== null) return;
  const exited = new Promise((r) => worker.once('exit', r));
  // Celery's warm shutdown waits for running tasks; the tests leave none, SIGKILL is the fallback.
  worker.kill('SIGTERM');
  const timer = setTimeout(() => worker.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function startWorker(node: string, poolArgs: string[], extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
  const worker = spawn(
    CELERY,
    ['-A', 'tasks', 'worker', '-n', node, '--without-mingle', '--without-gossip', '-l', 'warning', ...poolArgs],
    {
      cwd: APP_DIR,
      env: { ...process.env, ...env(), ...extraEnv },
      stdio: 'ignore',
    },
  );
  workers.push(worker);
  await waitFor(`celery worker ${node}`, async () => (await stats(node)) !== undefined, 30_000, 500);
  return worker;
}

/** The worker's own report of its pool (`inspect stats`), or undefined while it does not answer. */
async function stats(node: string): Promise<{ processes: number[] } | undefined> {
  const run = await execa(CELERY, ['-A', 'tasks', 'inspect', 'stats', '--json', '--timeout', '5', '-d', node], {
    cwd: APP_DIR,
    env: env(),
    reject: false,
  });
  if (run.exitCode !== 0) return undefined;
  const replies = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, { pool: { processes: number[] } }>;
  return replies[node]?.pool;
}

/** Child processes of the worker's main process, from /proc (what the kernel says, not celery). */
function children(pid: number): number {
  return readdirSync('/proc').filter((d) => {
    if (!/^\d+$/.test(d)) return false;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
    } catch {
      return false;
    }
  }).length;
}

async function expectPoolSize(node: string, worker: ChildProcess, n: number): Promise<void> {
  await waitFor(
    `${node} at ${n} processes`,
    async () => (await stats(node))?.processes.length === n && children(worker.pid!) === n,
    30_000,
    500,
  );
}

/** Enqueue tasks that sleep `ms`, through the app itself (Celery's own message format). */
async function enqueue(ids: number[], ms: number): Promise<void> {
  await execa('python3', ['-c', `import tasks\nfor i in ${JSON.stringify(ids)}: tasks.sleep.delay(i, ${ms})`], {
    cwd: APP_DIR,
    env: env(),
  });
}

/** The job ids of the tasks the node runs now, sorted; undefined when the node does not answer. */
async function activeIds(node: string): Promise<number[] | undefined> {
  const run = await execa(CELERY, ['-A', 'tasks', 'inspect', 'active', '--json', '--timeout', '5', '-d', node], {
    cwd: APP_DIR,
    env: env(),
    reject: false,
  });
  if (run.exitCode !== 0) return undefined;
  const tasks = (JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, { args: [number, number] }[]>)[node];
  return tasks?.map((task) => task.args[0]).sort((a, b) => a - b);
}

async function active(node: string): Promise<number> {
  return (await activeIds(node))?.length ?? -1;
}

async function done(): Promise<number[]> {
  const client = redis.client();
  try {
    return (await client.lrange('done', 0, -1)).map(Number).sort((a, b) => a - b);
  } finally {
    client.quit();
  }
}

const config = (node: string, autoscale: boolean): CeleryExecutorConfig => ({
  kind: 'celery',
  app: 'tasks',
  destination: [node],
  autoscale,
  bin: CELERY,
  timeout: 30_000,
  env: { PATH, CELERY_BROKER_URL: redis.url },
});

// The executor runs `celery -A tasks`, which imports tasks.py from its working directory.
process.chdir(APP_DIR);

describe('pool_grow / pool_shrink on a prefork worker', () => {
  const node = 'grow@alertscale-test';

  it('grows 2 → 4, shrinks 4 → 2 while two tasks run, refuses to shrink busy processes, loses no task', async () => {
    const worker = await startWorker(node, ['-c', '2']);
    const executor = createCeleryExecutor('celerycore', config(node, false));
    await expectPoolSize(node, worker, 2);

    const grown = await executor.scale({ pool: 'celerycore', replicas: 4, current: 2 });
    expect(grown, grown.outputTail).toMatchObject({
      ok: true,
      exitCode: 0,
      argv: [CELERY, '-A', 'tasks', 'control', 'pool_grow', '2', '--json', '--destination', node],
    });
    await expectPoolSize(node, worker, 4);
    // The executor's live count reads the same pool back.
    expect(await executor.current!()).toBe(4);

    // Two long tasks keep two processes busy; the two idle ones are the ones that go.
    await enqueue([1, 2], 4000);
    await waitFor('two tasks active', async () => (await active(node)) === 2, 30_000, 300);
    const shrunk = await executor.scale({ pool: 'celerycore', replicas: 2, current: 4 });
    expect(shrunk, shrunk.outputTail).toMatchObject({ ok: true, argv: expect.arrayContaining(['pool_shrink', '2']) });
    await expectPoolSize(node, worker, 2);

    // Both remaining processes busy: Celery refuses, and the executor says so (celery exits 0).
    await enqueue([3, 4], 8000);
    // Exactly 3 and 4: while task 1 or 2 is still finishing, its process may go idle under the shrink.
    await waitFor('tasks 3 and 4 active', async () => (await activeIds(node))?.join() === '3,4', 30_000, 300);
    const refused = await executor.scale({ pool: 'celerycore', replicas: 1, current: 2 });
    expect(refused.ok).toBe(false);
    expect(refused.exitCode).toBe(0);
    expect(refused.error).toBe(`pool celerycore: Celery worker(s) refused: ${node}: ValueError("Can't shrink pool. All processes busy!")`);

    // More work after the shrink: every task ever enqueued completes on the smaller pool.
    await enqueue([5, 6, 7, 8], 200);
    await waitFor('all 8 tasks done', async () => (await done()).length >= 8, 60_000, 300);
    expect(await done()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await stats(node))?.processes.length).toBe(2);
    await stopWorker(worker);
  }, 180_000);
});

describe('control autoscale N N on an --autoscale worker', () => {
  const node = 'auto@alertscale-test';

  it('pins the pool at 4, then at 1, with queued tasks all completing; pool_grow is refused there', async () => {
    const worker = await startWorker(node, ['--autoscale=3,1']);
    const executor = createCeleryExecutor('celerycore', config(node, true));

    const up = await executor.scale({ pool: 'celerycore', replicas: 4, current: 1 });
    expect(up, up.outputTail).toMatchObject({
      ok: true,
      argv: [CELERY, '-A', 'tasks', 'control', 'autoscale', '4', '4', '--json', '--destination', node],
    });
    await expectPoolSize(node, worker, 4);

    // The non-autoscale command on this worker: refused by Celery, reported as a failure.
    const grow = await createCeleryExecutor('celerycore', config(node, false)).scale({ pool: 'celerycore', replicas: 5, current: 4 });
    expect(grow.ok).toBe(false);
    expect(grow.error).toContain('pool_grow is not supported with autoscale');

    // `autoscale 1 1` while every process is busy: Celery shrinks only idle processes at that
    // moment (billiard's shrink skips busy ones) and, its own autoscaler never having scaled up,
    // does not shrink later either. The tasks are not lost; sending the command again once the
    // processes are idle brings the pool to 1.
    await enqueue([11, 12, 13, 14, 15, 16], 3000);
    await waitFor('four tasks active', async () => (await active(node)) === 4, 30_000, 300);
    const down = await executor.scale({ pool: 'celerycore', replicas: 1, current: 4 });
    expect(down, down.outputTail).toMatchObject({ ok: true, argv: expect.arrayContaining(['autoscale', '1', '1']) });
    await waitFor('autoscale tasks done', async () => (await done()).filter((id) => id > 10).length >= 6, 60_000, 300);
    expect((await done()).filter((id) => id > 10)).toEqual([11, 12, 13, 14, 15, 16]);
    await waitFor('no task active', async () => (await active(node)) === 0, 30_000, 300);
    const again = await executor.scale({ pool: 'celerycore', replicas: 1, current: 4 });
    expect(again.ok, again.outputTail).toBe(true);
    await expectPoolSize(node, worker, 1);
    expect(await executor.current!()).toBe(1);
    await stopWorker(worker);
  }, 180_000);
});
