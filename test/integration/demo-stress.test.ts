import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJob } from '../../src/demo/job.js';
import { freePort } from '../helpers/ports.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const cli = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, ['bin/alertscale.js', ...args], {
    cwd: repo,
    reject: false,
    timeout: 20_000,
    env: { REDIS_URL: '', QUEUE_KEY: '', ...env },
  });

let redis: TestRedis;
let client: Redis;
let dir: string;

beforeAll(async () => {
  redis = await startRedis();
  client = redis.client();
  dir = await mkdtemp(join(tmpdir(), 'alertscale-stress-'));
});
afterAll(async () => {
  client?.disconnect();
  await redis?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('alertscale stress (real CLI, real redis-server)', () => {
  it('enqueues 20 jobs with unique ids and prints a plain summary when stdout is not a terminal', async () => {
    const run = await cli(['stress', '--tasks', '20', '--redis', redis.url, '--queue', 's1:jobs', '--job-ms', '250']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`^enqueued 20 job\\(s\\) of 250 ms to s1:jobs at ${redis.url.replace(/[/.]/g, '\\$&')} in [\\d.]+ s`),
    );
    expect(run.stdout).toMatch(/queue length now 20$/m);
    expect(run.stdout).not.toMatch(/\u001b\[/); // no progress bar escapes in a pipe

    const raws = await client.lrange('s1:jobs', 0, -1);
    expect(raws).toHaveLength(20);
    const jobs = raws.map((raw) => {
      const d = decodeJob(raw);
      if (!d.ok) throw new Error(`bad job ${raw}: ${d.reason}`);
      return d.job;
    });
    expect(new Set(jobs.map((j) => j.id)).size).toBe(20);
    expect(jobs.every((j) => j.ms === 250 && j.cpuMs === undefined)).toBe(true);
    // FIFO for workers that BLMOVE from the right: job 1 is at the right end.
    expect(jobs.at(-1)!.id).toMatch(/-1$/);
    expect(await client.hget('s1:jobs:counters', 'enqueued')).toBe('20');

    // A second run adds 20 more with ids of its own.
    expect((await cli(['stress', '-n', '20', '--redis', redis.url, '--queue', 's1:jobs'])).exitCode).toBe(0);
    const ids = (await client.lrange('s1:jobs', 0, -1)).map((r) => (JSON.parse(r) as { id: string }).id);
    expect(new Set(ids).size).toBe(40);
  });

  it('finds redis.url and the pool queue in alertscale.yml given by --config', async () => {
    const file = join(dir, 'alertscale.yml');
    await writeFile(
      file,
      `redis: { url: '${redis.url}' }\n` +
        'pools:\n  demo: { min: 1, max: 2, executor: { kind: pm2, app: demo } }\n' +
        "queues:\n  q: { kind: list, key: 'cfg:jobs', pool: demo }\n",
    );
    const run = await cli(['stress', '--tasks', '3', '--cpu-ms', '100', '--config', file]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(await client.llen('cfg:jobs')).toBe(3);
    expect(JSON.parse((await client.lindex('cfg:jobs', 0))!)).toMatchObject({ ms: 1000, cpuMs: 100 });
  });

  it('keeps to --rate', async () => {
    const started = Date.now();
    const run = await cli(['stress', '--tasks', '11', '--rate', '20', '--job-ms', '10', '--redis', redis.url, '--queue', 's3:jobs']);
    const took = Date.now() - started;
    expect(run.exitCode, run.stderr).toBe(0);
    expect(await client.llen('s3:jobs')).toBe(11);
    // 11 jobs at 20/s: the last is due 500 ms after the first.
    expect(run.stdout).toMatch(/in 0\.[5-9]\d s \(\d+\/s, limit 20\/s\)/);
    expect(took).toBeGreaterThan(500);
  });

  it.each([
    [['stress', '--tasks', '0'], /--tasks.*whole number ≥ 1/, 2],
    [['stress'], /required option '-n, --tasks <n>'/, 2],
    [['stress', '--tasks', '2', '--rate', 'fast'], /--rate.*jobs per second/, 2],
    [['stress', '--tasks', '2', '--job-ms', '100', '--cpu-ms', '200'], /--cpu-ms 200 is longer than --job-ms 100/, 1],
    [['stress', '--tasks', '2', '--config', '/nonexistent/alertscale.yml'], /nonexistent\/alertscale.yml.*file not found/, 1],
  ])('rejects %j with a message', async (args, message, code) => {
    const run = await cli(args);
    expect(run.exitCode).toBe(code);
    expect(run.stderr).toMatch(message);
  });

  it('fails fast and names the URL when Redis is unreachable', async () => {
    const port = await freePort();
    const run = await cli(['stress', '--tasks', '2', '--redis', `redis://:hunter2@127.0.0.1:${port}/0`]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`cannot enqueue to demo:jobs at redis://:***@127.0.0.1:${port}/0`);
    expect(run.stderr).not.toContain('hunter2');
  });
});
