/**
 * The benchmark's world: a real Redis holding 50 queues with data (lists, streams with consumer
 * groups and pending entries, BullMQ queues with waiting/active/delayed jobs), 50 pools with four
 * worker heartbeats each, two real processes per pool for the /proc scan, and the alertscale.yml
 * that describes it all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import type { TestRedis } from '../test/helpers/redis.js';

export const POOLS = 50;
export const QUEUES = 50;
const LIST_JOBS = 1000;
const STREAM_ENTRIES = 1000;
const STREAM_PENDING = 200;
const BULL_WAITING = 200;
const BULL_DELAYED = 20;
const BULL_ACTIVE = 5;
const WORKERS_PER_POOL = 4;
const PROCESSES_PER_POOL = 2;

const kindOf = (i: number) => (['list', 'stream', 'bullmq'] as const)[i % 3]!;

export async function fillRedis(redis: TestRedis): Promise<void> {
  const client = redis.client();
  const connection = { host: '127.0.0.1', port: redis.port };
  for (let i = 0; i < QUEUES; i++) {
    const kind = kindOf(i);
    if (kind === 'list') {
      const p = client.pipeline();
      for (let j = 0; j < LIST_JOBS; j += 100) p.lpush(`bench:list:${i}`, ...Array.from({ length: 100 }, (_, k) => `{"job":${j + k}}`));
      await p.exec();
    } else if (kind === 'stream') {
      const p = client.pipeline();
      for (let j = 0; j < STREAM_ENTRIES; j++) p.xadd(`bench:stream:${i}`, '*', 'job', String(j));
      p.xgroup('CREATE', `bench:stream:${i}`, 'workers', '0');
      p.xreadgroup('GROUP', 'workers', 'c1', 'COUNT', STREAM_PENDING, 'STREAMS', `bench:stream:${i}`, '>');
      await p.exec();
    } else {
      const queue = new Queue(`bench-${i}`, { connection });
      await queue.addBulk(Array.from({ length: BULL_WAITING }, (_, j) => ({ name: 'job', data: { j } })));
      await queue.addBulk(Array.from({ length: BULL_DELAYED }, (_, j) => ({ name: 'later', data: { j }, opts: { delay: 3_600_000 } })));
      const worker = new Worker(`bench-${i}`, null, { connection, autorun: false });
      for (let j = 0; j < BULL_ACTIVE; j++) await worker.getNextJob(`bench-${j}`);
      await worker.close();
      await queue.close();
    }
  }
  const p = client.pipeline();
  for (let i = 0; i < POOLS; i++) {
    for (let w = 0; w < WORKERS_PER_POOL; w++) {
      p.hset(`alertscale:hb:p${i}:w${w}`, 'busy', w % 2, 'ts', Math.floor(Date.now() / 1000)).expire(`alertscale:hb:p${i}:w${w}`, 3600);
    }
  }
  await p.exec();
  client.disconnect();
}

/** `sleep` processes whose argv[0] names their pool, as gunicorn's setproctitle names its workers. */
export function spawnPoolProcesses(tag: string): ChildProcess[] {
  const children: ChildProcess[] = [];
  for (let i = 0; i < POOLS; i++) {
    for (let w = 0; w < PROCESSES_PER_POOL; w++) {
      children.push(spawn('sleep', ['3600'], { argv0: `${tag}-p${i}-w${w}`, stdio: 'ignore' }));
    }
  }
  return children;
}

export function writeConfig(dir: string, redisUrl: string, tag: string): string {
  const lines = [`redis: { url: '${redisUrl}' }`, 'pools:'];
  for (let i = 0; i < POOLS; i++) {
    lines.push(`  p${i}: { min: 1, max: 8, executor: { kind: command, scale: ['true'] }, processes: { match: '^${tag}-p${i}-w' } }`);
  }
  lines.push('queues:');
  for (let i = 0; i < QUEUES; i++) {
    const kind = kindOf(i);
    const where =
      kind === 'list' ? `key: 'bench:list:${i}'` : kind === 'stream' ? `key: 'bench:stream:${i}', group: workers` : `name: bench-${i}`;
    lines.push(`  q${i}: { kind: ${kind}, ${where}, pool: p${i % POOLS} }`);
  }
  const file = join(dir, 'alertscale.yml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}
