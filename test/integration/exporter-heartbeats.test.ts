import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { createExporter, createExporterRedis, type Exporter } from '../../src/exporter/index.js';
import { waitFor } from '../helpers/ports.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

async function workers(exporter: Exporter, pool: string) {
  const families = await exporter.registry.getMetricsAsJSON();
  const value = (name: string) => families.find((f) => f.name === name)?.values.find((v) => v.labels.pool === pool)?.value;
  return {
    alive: value('alertscale_workers_alive'),
    busy: value('alertscale_workers_busy'),
    done: value('alertscale_pool_jobs_done_total'),
    failed: value('alertscale_pool_jobs_failed_total'),
    busySeconds: value('alertscale_pool_busy_seconds_total'),
  };
}

let redis: TestRedis;
let client: Redis;
let exporterRedis: Redis;
let exporter: Exporter;

/** docs/HEARTBEATS.md's protocol, exactly as a worker in any language would write it. */
async function beat(pool: string, worker: string, busy: 0 | 1, ttl = 30) {
  const key = `alertscale:hb:${pool}:${worker}`;
  await client
    .multi()
    .hset(key, 'busy', busy, 'ts', Math.floor(Date.now() / 1000))
    .expire(key, ttl)
    .exec();
}

beforeAll(async () => {
  redis = await startRedis();
  client = redis.client();
  const pool = `{ min: 0, max: 4, executor: { kind: command, scale: ['true'] } }`;
  const config = parseConfig(
    `redis: { url: '${redis.url}' }\npools:\n  web: ${pool}\n  mail: ${pool}\n  idle: ${pool}\n`,
    'alertscale.yml',
  );
  exporterRedis = createExporterRedis(redis.url);
  exporter = createExporter({ config, redis: exporterRedis });
  await waitFor('exporter redis', () => exporterRedis.status === 'ready');
  // Keys that look alike but are not heartbeats of a configured pool must not count.
  await client.hset('alertscale:hb:unknownpool:w1', 'busy', 1, 'ts', 1);
  await client.set('alertscale:hb:web:not-a-hash', '1');
  await client.hset('alertscale:hb:web', 'busy', 1);
  // Filler so SCAN has a keyspace to walk.
  for (let i = 0; i < 20; i++) await client.set(`filler:${i}`, i);
});

afterAll(async () => {
  exporterRedis?.disconnect();
  client?.disconnect();
  await redis?.close();
});

describe('worker heartbeats', () => {
  it('alive and busy per pool; pools without heartbeats report 0', async () => {
    await beat('web', 'w1', 1);
    await beat('web', 'w2', 0);
    await beat('web', 'w3', 1);
    await beat('mail', 'host-a-123', 0);
    expect(await workers(exporter, 'web')).toMatchObject({ alive: 3, busy: 2 });
    expect(await workers(exporter, 'mail')).toMatchObject({ alive: 1, busy: 0 });
    expect(await workers(exporter, 'idle')).toEqual({ alive: 0, busy: 0, done: 0, failed: 0, busySeconds: 0 });
    expect(await workers(exporter, 'unknownpool')).toEqual({
      alive: undefined,
      busy: undefined,
      done: undefined,
      failed: undefined,
      busySeconds: undefined,
    });
  });

  it('a worker that turns idle stops counting as busy', async () => {
    await beat('web', 'w1', 0);
    expect(await workers(exporter, 'web')).toMatchObject({ alive: 3, busy: 1 });
  });

  it('an expired heartbeat drops out', async () => {
    await beat('web', 'w3', 1, 1);
    expect(await workers(exporter, 'web')).toMatchObject({ alive: 3, busy: 1 });
    await waitFor('heartbeat expiry', async () => (await client.exists('alertscale:hb:web:w3')) === 0, 5000, 100);
    expect(await workers(exporter, 'web')).toMatchObject({ alive: 2, busy: 0 });
  });

  it("the pool's job counters never go down when the workers that counted them exit", async () => {
    // Two workers finish jobs: each does the protocol's end-of-job commands in one MULTI.
    const finish = (worker: string, outcome: 'done' | 'failed', seconds: number) =>
      client
        .multi()
        .hset(`alertscale:hb:mail:${worker}`, 'busy', 0, 'job', '', 'job_started', '', 'ts', Math.floor(Date.now() / 1000))
        .hincrby(`alertscale:hb:mail:${worker}`, outcome, 1)
        .expire(`alertscale:hb:mail:${worker}`, 30)
        .hincrby('alertscale:jobs:mail', outcome, 1)
        .hincrbyfloat('alertscale:jobs:mail', 'busy_seconds', seconds)
        .exec();
    await finish('host-a-123', 'done', 0.5);
    await finish('host-b-7', 'done', 1.25);
    await finish('host-b-7', 'failed', 0.25);
    expect(await workers(exporter, 'mail')).toEqual({ alive: 2, busy: 0, done: 2, failed: 1, busySeconds: 2 });
    // Both workers go away (clean exit deletes the heartbeat): alive drops, the counters stay.
    await client.del('alertscale:hb:mail:host-a-123', 'alertscale:hb:mail:host-b-7');
    expect(await workers(exporter, 'mail')).toEqual({ alive: 0, busy: 0, done: 2, failed: 1, busySeconds: 2 });
  });
});
