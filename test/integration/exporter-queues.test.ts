import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { createExporter, createExporterRedis, type Exporter } from '../../src/exporter/index.js';
import { waitFor } from '../helpers/ports.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

/** Every sample of one scrape; `get(name, labels)` matches the label set exactly. */
async function scrape(exporter: Exporter) {
  const families = await exporter.registry.getMetricsAsJSON();
  return (name: string, labels: Record<string, string> = {}) => {
    const same = (l: Record<string, unknown>) =>
      Object.keys(l).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => l[k] === v);
    return families.find((f) => f.name === name)?.values.find((v) => same(v.labels))?.value;
  };
}

const NOW = Date.now();
let redis: TestRedis;
let client: Redis;
let exporterRedis: Redis;
let exporter: Exporter;
let bull: Queue;
const logged: Array<{ level: string; source: string; msg: string }> = [];
const logger = {
  warn: (obj: object, msg: string) => logged.push({ level: 'warn', source: (obj as { source: string }).source, msg }),
  info: (obj: object, msg: string) => logged.push({ level: 'info', source: (obj as { source: string }).source, msg }),
};
let worker: Worker;

beforeAll(async () => {
  redis = await startRedis();
  client = redis.client();
  client.on('error', () => {}); // it sees the Redis restart in the last test
  const connection = { host: '127.0.0.1', port: redis.port };

  await client.lpush('jobs:list', 'a', 'b', 'c', 'd', 'e');
  // Stream entries one second apart, starting 60 s ago; a group that took 4 of 10.
  for (let i = 0; i < 10; i++) await client.xadd('ev', `${NOW - 60_000 + i * 1000}-0`, 'n', String(i));
  await client.xgroup('CREATE', 'ev', 'g', '0');
  await client.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 4, 'STREAMS', 'ev', '>');
  await client.xadd('ev-nogroup', `${NOW - 30_000}-0`, 'n', '1');
  await client.xadd('ev-nogroup', `${NOW - 20_000}-0`, 'n', '2');
  // An entry deleted before delivery: Redis 7.0 answers lag nil, the exporter counts instead.
  for (let i = 1; i <= 5; i++) await client.xadd('ev-deleted', `${NOW - 10_000 + i * 1000}-0`, 'n', String(i));
  await client.xgroup('CREATE', 'ev-deleted', 'g', '0');
  await client.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 1, 'STREAMS', 'ev-deleted', '>');
  await client.xdel('ev-deleted', `${NOW - 7_000}-0`);
  await client.set('a-string', 'x');
  await client.set('bull:badbq:wait', 'x');

  // BullMQ: 4 waiting (timestamps 50, 40, 30, 20 s ago), 1 prioritized, 2 delayed; a worker takes the oldest.
  bull = new Queue('emails', { connection });
  for (const ago of [50, 40, 30, 20]) await bull.add('send', { ago }, { timestamp: NOW - ago * 1000 });
  await bull.add('send', { vip: true }, { priority: 5 });
  await bull.add('later', {}, { delay: 60_000 });
  await bull.add('later', {}, { delay: 120_000 });
  worker = new Worker('emails', null, { connection, autorun: false });
  const active = await worker.getNextJob('test-token');
  expect(active?.data).toEqual({ ago: 50 });

  const config = parseConfig(
    `redis: { url: '${redis.url}' }
pools:
  web: { min: 1, max: 4, executor: { kind: command, scale: ['true'] } }
queues:
  lst: { kind: list, key: 'jobs:list', pool: web }
  empty: { kind: list, key: 'no:such:list' }
  ev: { kind: stream, key: ev, group: g, pool: web }
  ev-nogroup: { kind: stream, key: ev-nogroup, group: g }
  ev-missing: { kind: stream, key: no-such-stream, group: g }
  ev-deleted: { kind: stream, key: ev-deleted, group: g }
  emails: { kind: bullmq, name: emails }
  broken-list: { kind: list, key: a-string }
  broken-stream: { kind: stream, key: 'jobs:list', group: g }
  broken-bullmq: { kind: bullmq, name: badbq }
`,
    'alertscale.yml',
  );
  exporterRedis = createExporterRedis(redis.url);
  exporter = createExporter({ config, redis: exporterRedis, now: () => NOW, logger });
  await waitFor('exporter redis', () => exporterRedis.status === 'ready');
});

afterAll(async () => {
  await worker?.close();
  await bull?.close();
  exporterRedis?.disconnect();
  client?.disconnect();
  await redis?.close();
});

describe('queue metrics from a real Redis', () => {
  it('list: LLEN, with the pool label only where the queue names a pool', async () => {
    const get = await scrape(exporter);
    expect(get('alertscale_queue_length', { queue: 'lst', pool: 'web' })).toBe(5);
    expect(get('alertscale_queue_length', { queue: 'empty' })).toBe(0);
    expect(get('alertscale_queue_oldest_job_age_seconds', { queue: 'lst', pool: 'web' })).toBeUndefined();
  });

  it('stream: lag, pending and the age of the first undelivered entry', async () => {
    const get = await scrape(exporter);
    const ev = { queue: 'ev', pool: 'web' };
    expect([get('alertscale_queue_length', ev), get('alertscale_queue_pending', ev)]).toEqual([6, 4]);
    expect(get('alertscale_queue_oldest_job_age_seconds', ev)).toBe(56);
    // No consumer group yet: everything waits.
    const ng = { queue: 'ev-nogroup' };
    expect([
      get('alertscale_queue_length', ng),
      get('alertscale_queue_pending', ng),
      get('alertscale_queue_oldest_job_age_seconds', ng),
    ]).toEqual([2, 0, 30]);
    expect(get('alertscale_queue_length', { queue: 'ev-missing' })).toBe(0);
    const del = { queue: 'ev-deleted' };
    expect((await client.xinfo('GROUPS', 'ev-deleted')) as unknown[][]).toEqual([expect.arrayContaining(['lag', null])]);
    expect([
      get('alertscale_queue_length', del),
      get('alertscale_queue_pending', del),
      get('alertscale_queue_oldest_job_age_seconds', del),
    ]).toEqual([3, 1, 8]);
  });

  it('stream: jobs ever added (entries-added), which deleting entries does not lower', async () => {
    const get = await scrape(exporter);
    expect(get('alertscale_queue_added_total', { queue: 'ev', pool: 'web' })).toBe(10);
    expect(get('alertscale_queue_added_total', { queue: 'ev-nogroup' })).toBe(2);
    expect(get('alertscale_queue_added_total', { queue: 'ev-missing' })).toBe(0);
    // 5 added, 1 deleted: still 5 added.
    expect(get('alertscale_queue_added_total', { queue: 'ev-deleted' })).toBe(5);
    // Lists cannot tell: no series (rules derive arrivals from completions + Δlength there).
    expect(get('alertscale_queue_added_total', { queue: 'lst', pool: 'web' })).toBeUndefined();
    await client.xadd('ev', '*', 'n', 'more');
    expect((await scrape(exporter))('alertscale_queue_added_total', { queue: 'ev', pool: 'web' })).toBe(11);
  });

  it('bullmq: waiting + prioritized, active, delayed, oldest waiting job age', async () => {
    const get = await scrape(exporter);
    const q = { queue: 'emails' };
    expect(get('alertscale_queue_length', q)).toBe(4);
    expect(get('alertscale_queue_pending', q)).toBe(1);
    expect(get('alertscale_queue_delayed', q)).toBe(2);
    expect(get('alertscale_queue_oldest_job_age_seconds', q)).toBe(40);
    // Cross-check against BullMQ's own counts.
    const counts = await bull.getJobCounts('waiting', 'prioritized', 'active', 'delayed');
    expect(counts).toEqual({ waiting: 3, prioritized: 1, active: 1, delayed: 2 });
    // Every job ever added (7), taken or not: BullMQ's id counter.
    expect(get('alertscale_queue_added_total', q)).toBe(7);
  });

  it('a key of the wrong type fails that queue only', async () => {
    const get = await scrape(exporter);
    for (const broken of ['broken-list', 'broken-stream', 'broken-bullmq']) {
      expect(get('alertscale_exporter_source_up', { source: `queue:${broken}` }), broken).toBe(0);
      expect(get('alertscale_exporter_collector_errors_total', { source: `queue:${broken}` })).toBeGreaterThanOrEqual(1);
      expect(get('alertscale_queue_length', { queue: broken })).toBeUndefined();
    }
    for (const ok of ['lst', 'empty', 'ev', 'ev-nogroup', 'ev-missing', 'ev-deleted', 'emails']) {
      expect(get('alertscale_exporter_source_up', { source: `queue:${ok}` }), ok).toBe(1);
      expect(get('alertscale_exporter_collector_errors_total', { source: `queue:${ok}` })).toBe(0);
    }
    // Logged when a source goes down, not on every scrape (several scrapes have run by now).
    expect(logged.filter((l) => l.source === 'queue:broken-list')).toEqual([
      { level: 'warn', source: 'queue:broken-list', msg: 'source read failed' },
    ]);
    expect(get('alertscale_exporter_source_up', { source: 'host' })).toBe(1);
  });

  it('Redis down: the scrape still answers quickly with host data; Redis sources go to 0 and come back', async () => {
    await redis.stop();
    const started = performance.now();
    const get = await scrape(exporter);
    expect(performance.now() - started).toBeLessThan(1500);
    expect(get('alertscale_exporter_source_up', { source: 'queue:lst' })).toBe(0);
    expect(get('alertscale_exporter_source_up', { source: 'heartbeats' })).toBe(0);
    expect(get('alertscale_exporter_source_up', { source: 'host' })).toBe(1);
    expect(get('alertscale_queue_length', { queue: 'lst', pool: 'web' })).toBeUndefined();
    expect(get('alertscale_host_cpus')).toBeGreaterThan(0);

    await redis.start(); // empty: the test Redis keeps no data
    await waitFor(
      'queue source back',
      async () => (await scrape(exporter))('alertscale_exporter_source_up', { source: 'queue:lst' }) === 1,
      10_000,
      200,
    );
    expect((await scrape(exporter))('alertscale_queue_length', { queue: 'lst', pool: 'web' })).toBe(0);
    expect(logged.filter((l) => l.source === 'heartbeats').map((l) => l.msg)).toEqual(['source read failed', 'source is back']);
  });
});
