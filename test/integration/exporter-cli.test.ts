import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../helpers/ports.js';
import { promtoolCheckMetrics } from '../helpers/promtool.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

const BIN = join(import.meta.dirname, '../../bin/alertscale.js');
const dir = mkdtempSync(join(tmpdir(), 'alertscale-exporter-cli-'));
let redis: TestRedis;
let exporter: ChildProcess;
let url: string;
let stdout = '';

/** Run the CLI to completion (for configs that must fail at start). */
function runCli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeConfig(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

const pools = `pools:
  web:
    min: 1
    max: 4
    executor: { kind: command, scale: ['true'] }
    processes: { match: 'redis-server' }
`;

beforeAll(async () => {
  redis = await startRedis();
  const client = redis.client();
  await client.lpush('jobs', 'a', 'b');
  await client.xadd('ev', '*', 'n', '1');
  await client.xgroup('CREATE', 'ev', 'g', '0');
  await client.multi().hset('alertscale:hb:web:w1', 'busy', 1, 'ts', 1).expire('alertscale:hb:web:w1', 60).exec();
  await client.hset('alertscale:jobs:web', 'done', 3, 'failed', 1, 'busy_seconds', '2.5');
  client.disconnect();
  const bull = new Queue('mail', { connection: { host: '127.0.0.1', port: redis.port } });
  await bull.add('x', {});
  await bull.add('y', {}, { delay: 60_000 });
  await bull.close();

  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const config = writeConfig(
    'alertscale.yml',
    `redis: { url: '${redis.url}' }\n${pools}` +
      "  ghost: { min: 0, max: 1, executor: { kind: command, scale: ['true'] }, processes: { match: x, user: no-such-user-here } }\n" +
      'queues:\n  jobs: { kind: list, key: jobs, pool: web }\n  ev: { kind: stream, key: ev, group: g }\n' +
      '  mail: { kind: bullmq, name: mail, pool: web }\n',
  );
  exporter = spawn(process.execPath, [BIN, 'exporter', '--config', config, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  exporter.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await waitFor('exporter /healthz', async () => (await fetch(`${url}/healthz`)).ok, 30_000, 100);
});

afterAll(async () => {
  if (exporter && exporter.exitCode === null) exporter.kill('SIGKILL');
  await redis?.close();
  rmSync(dir, { recursive: true, force: true });
});

// Every exporter metric of docs/METRICS.md, each of which must have a sample with this config.
const NAMES = [
  'alertscale_host_cpu_seconds_total',
  'alertscale_host_cpus',
  'alertscale_host_memory_total_bytes',
  'alertscale_host_memory_available_bytes',
  'alertscale_host_load1',
  'alertscale_host_load5',
  'alertscale_host_load15',
  'alertscale_pool_processes',
  'alertscale_pool_cpu_seconds_total',
  'alertscale_pool_resident_memory_bytes',
  'alertscale_queue_length',
  'alertscale_queue_pending',
  'alertscale_queue_delayed',
  'alertscale_queue_oldest_job_age_seconds',
  'alertscale_queue_added_total',
  'alertscale_workers_alive',
  'alertscale_workers_busy',
  'alertscale_pool_jobs_done_total',
  'alertscale_pool_jobs_failed_total',
  'alertscale_pool_busy_seconds_total',
  'alertscale_exporter_source_up',
  'alertscale_exporter_collector_errors_total',
  'alertscale_exporter_scrape_duration_seconds',
];

describe('alertscale exporter (the CLI, over HTTP)', () => {
  it('serves /metrics that promtool check metrics passes without a word', async () => {
    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await res.text();
    expect(promtoolCheckMetrics(body)).toEqual({ output: '', status: 0 });

    const doc = readFileSync(join(import.meta.dirname, '../../docs/METRICS.md'), 'utf8');
    for (const name of NAMES) {
      expect(body, name).toMatch(new RegExp(`^${name}(\\{| )`, 'm'));
      expect(doc, `${name} in docs/METRICS.md`).toContain(name.replace(/_load(5|15)$/, ''));
    }
    expect(body).toContain('alertscale_queue_length{queue="jobs",pool="web"} 2');
    expect(body).toContain('alertscale_queue_length{queue="ev"} 1');
    expect(body).toContain('alertscale_queue_delayed{queue="mail",pool="web"} 1');
    expect(body).toContain('alertscale_workers_busy{pool="web"} 1');
    expect(body).toContain('alertscale_pool_jobs_done_total{pool="web"} 3');
    expect(body).toContain('alertscale_pool_busy_seconds_total{pool="web"} 2.5');
    expect(body).toContain('alertscale_queue_added_total{queue="mail",pool="web"} 2');
  });

  it('answers /healthz and 404 elsewhere', async () => {
    expect(await (await fetch(`${url}/healthz`)).text()).toBe('ok\n');
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });

  it('logs JSON and exits 0 on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => exporter.once('exit', (code) => resolve(code)));
    exporter.kill('SIGTERM');
    expect(await exited).toBe(0);
    const logs = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string; level: number; path?: string });
    expect(logs.map((l) => l.msg)).toEqual([
      'processes.user is not in /etc/passwd; the pool matches no process until it is',
      'exporter listening',
      'exporter stopping',
    ]);
    expect(logs[0]).toMatchObject({ level: 40, path: 'pools.ghost.processes.user' });
  });

  it.each([
    ['a bad regex', `${pools.replace("'redis-server'", "'redis-(server'")}`, 'pools.web.processes.match', /not a valid regular expression/],
    ['an unknown queue kind', `${pools}queues:\n  jobs: { kind: kafka, key: jobs }\n`, 'queues.jobs.kind', /list/],
  ])('%s fails at start, naming the path, exit 1', (_name, text, path, message) => {
    const file = writeConfig('bad.yml', text);
    const r = runCli(['exporter', '--config', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toContain(path);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});

/**
 * A TCP proxy to Redis that, once armed, holds Redis's replies for `holdMs` after the next
 * command: `held` resolves when that command has arrived, i.e. while a scrape is in progress.
 */
async function holdingProxy(target: number, holdMs: number) {
  const sockets = new Set<Socket>();
  let armed: (() => void) | undefined;
  const server: Server = createServer((client) => {
    const upstream = createConnection(target, '127.0.0.1');
    sockets.add(client).add(upstream);
    let holding: Buffer[] | undefined;
    client.on('data', (chunk: Buffer) => {
      if (armed) {
        const notify = armed;
        armed = undefined;
        holding = [];
        setTimeout(() => {
          for (const held of holding!) client.write(held);
          holding = undefined;
        }, holdMs);
        notify();
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => (holding ? holding.push(chunk) : client.write(chunk)));
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      a.on('close', () => b.destroy());
      a.on('error', () => b.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as { port: number }).port,
    /** Resolves when the next command reaches the proxy; its reply is then held. */
    arm: () => new Promise<void>((resolve) => (armed = resolve)),
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

describe('alertscale exporter stopped by a real SIGTERM during a scrape', () => {
  it('answers the scrape in progress with its data, then exits 0 promptly', async () => {
    const proxy = await holdingProxy(redis.port, 150);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const config = writeConfig(
      'held.yml',
      `redis: { url: 'redis://127.0.0.1:${proxy.port}/0' }\n${pools}queues:\n  jobs: { kind: list, key: jobs, pool: web }\n`,
    );
    const child = spawn(process.execPath, [BIN, 'exporter', '--config', config, '--listen', `127.0.0.1:${port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
    try {
      await waitFor('exporter /healthz', async () => (await fetch(`${base}/healthz`)).ok, 30_000, 100);
      expect(await (await fetch(`${base}/metrics`)).text()).toContain('alertscale_exporter_source_up{source="queue:jobs"} 1');

      const held = proxy.arm();
      const scrape = fetch(`${base}/metrics`).then(async (res) => ({ status: res.status, body: await res.text() }));
      await held; // the scrape has sent its Redis command and waits for the reply
      const sentAt = Date.now();
      child.kill('SIGTERM');
      const answer = await scrape;
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('alertscale_queue_length{queue="jobs",pool="web"} 2');
      expect(answer.body).toContain('alertscale_exporter_source_up{source="queue:jobs"} 1');
      const exit = await exited;
      expect(exit, out).toMatchObject({ code: 0, signal: null });
      expect(exit.at - sentAt).toBeLessThan(4_000);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      proxy.close();
    }
  });
});
