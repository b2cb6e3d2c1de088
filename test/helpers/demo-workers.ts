import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { encodeJob } from '../../src/demo/job.js';
import { demoKeys } from '../../src/demo/keys.js';
import { late } from './late.js';
import { waitFor } from './ports.js';
import { startRedis, type TestRedis } from './redis.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

export interface DemoWorkerProcess {
  id: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

/**
 * Real `alertscale worker` processes against one Redis (pool `demo` unless given), and the few
 * Redis moves the tests make around them. `killAll()` SIGKILLs whatever is still running.
 */
export function demoWorkers(redisUrl: string, client: Redis, pool = 'demo') {
  const children = new Set<ChildProcess>();

  /** Resolves once the worker's first heartbeat is in Redis. */
  async function start(queue: string, id: string, env: Record<string, string> = {}): Promise<DemoWorkerProcess> {
    const child = spawn(
      process.execPath,
      ['bin/alertscale.js', 'worker', '--redis', redisUrl, '--queue', queue, '--pool', pool, '--worker-id', id],
      {
        cwd: repo,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, LOG_LEVEL: 'debug', ...env },
      },
    );
    children.add(child);
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    await waitFor(`worker ${id} heartbeat`, async () => (await client.exists(demoKeys(queue, pool).heartbeat(id))) === 1, 20_000);
    return { id, child, exited, output: () => output };
  }

  const push = (queue: string, jobs: { id: string; ms: number }[]) =>
    client
      .multi()
      .lpush(queue, ...jobs.map(encodeJob))
      .hincrby(`${queue}:counters`, 'enqueued', jobs.length)
      .exec();

  /** Wait until the worker has taken a job and started it; returns the job id. */
  async function jobInHand(queue: string, worker: { id: string }): Promise<string> {
    const keys = demoKeys(queue, pool);
    let id = '';
    await waitFor(`worker ${worker.id} busy`, async () => {
      const [raw, busy] = await Promise.all([client.lindex(keys.processing(worker.id), 0), client.hget(keys.heartbeat(worker.id), 'busy')]);
      if (raw === null || busy !== '1') return false;
      id = (JSON.parse(raw) as { id: string }).id;
      return (await client.hget(keys.starts, id)) === '1';
    });
    return id;
  }

  function killAll(): void {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    children.clear();
  }

  return { start, push, jobInHand, killAll };
}

/**
 * A test file's real redis-server, a client of it, and demo workers of `pool` against it: started
 * in `beforeAll`, the workers SIGKILLed after each test, Redis stopped after the file.
 */
export function useDemoWorkers(pool = 'demo') {
  let redis: TestRedis | undefined;
  let client: Redis | undefined;
  let workers: ReturnType<typeof demoWorkers> | undefined;
  beforeAll(async () => {
    redis = await startRedis();
    client = redis.client();
    workers = demoWorkers(redis.url, client, pool);
  });
  afterEach(() => workers?.killAll());
  afterAll(async () => {
    client?.disconnect();
    await redis?.close();
  });
  return { client: late('the Redis client', () => client), workers: late('the demo workers', () => workers) };
}
