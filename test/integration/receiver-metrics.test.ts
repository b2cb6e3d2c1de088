/**
 * The receiver's /metrics as Prometheus scrapes it (real Redis, real receiver over HTTP): every
 * pool gauge is read from Redis before any is written out, so the first scrape after a scale
 * already shows it; one pool that cannot be read hides only its own series; promtool accepts it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { promtoolCheckMetrics } from '../helpers/promtool.js';
import { notification, startTestReceiver, type TestReceiver } from '../helpers/receiver.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let rx: TestReceiver;
const logs: { level: number; msg: string; pool?: string }[] = [];

beforeAll(async () => {
  redis = await startRedis();
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  rx = await startTestReceiver(
    `redis: { url: REDIS_URL }
pools:
  broken:
    min: 1
    max: 3
    executor: { kind: command, scale: ["true"] }
  demo:
    min: 1
    max: 20
    cooldown: { up: 5m, down: 10m }
    executor: { kind: command, scale: ["true"] }
`,
    redis.url,
    { logger },
  );
});

afterAll(async () => {
  await rx?.close();
  await redis?.close();
});

const scrape = async () => {
  const res = await rx.get('/metrics');
  expect(res.status).toBe(200);
  return res.body as string;
};
/** The value of one series, or undefined when it is absent. */
const sample = (body: string, series: string) => {
  const line = body.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};
const cooldown = (body: string, scale: string) => sample(body, `alertscale_pool_cooldown_remaining_seconds{pool="demo",scale="${scale}"}`);

describe('receiver /metrics', () => {
  it('the first scrape shows the pool gauges; the first scrape after a scale shows its cooldown', async () => {
    const before = await scrape();
    expect(sample(before, 'alertscale_pool_replicas{pool="demo"}')).toBe(1);
    expect(cooldown(before, 'up')).toBe(0);
    expect(cooldown(before, 'down')).toBe(0);

    const res = await rx.post(
      '/v1/alertmanager',
      notification({ pool: 'demo', annotations: { step: '2' }, startsAt: new Date(Date.now() - 1000).toISOString() }),
    );
    expect(res.body.decisions[0]).toMatchObject({ outcome: 'scaled', from: 1, to: 3 });
    await rx.receiver.idle();

    const after = await scrape();
    expect(sample(after, 'alertscale_pool_replicas{pool="demo"}')).toBe(3);
    expect(sample(after, 'alertscale_pool_desired_replicas{pool="demo"}')).toBe(3);
    expect(cooldown(after, 'up')).toBeGreaterThan(290);
    expect(cooldown(after, 'up')).toBeLessThanOrEqual(300);
    expect(cooldown(after, 'down')).toBeGreaterThan(590);
    expect(cooldown(after, 'down')).toBeLessThanOrEqual(600);
  });

  it('a pool that cannot be read hides only its own series and is logged with its name', async () => {
    // Not a hash: HGETALL answers WRONGTYPE for this pool only. It comes first in the config.
    const client = redis.client();
    await client.set('alertscale:pool:broken', 'not a hash');
    try {
      const body = await scrape();
      expect(sample(body, 'alertscale_pool_replicas{pool="broken"}')).toBeUndefined();
      expect(body).not.toContain('alertscale_pool_cooldown_remaining_seconds{pool="broken"');
      expect(sample(body, 'alertscale_pool_max_replicas{pool="broken"}')).toBe(3);
      expect(sample(body, 'alertscale_pool_replicas{pool="demo"}')).toBe(3);
      expect(cooldown(body, 'up')).toBeGreaterThan(290);
      expect(logs).toContainEqual(
        expect.objectContaining({ level: 40, pool: 'broken', msg: 'pool gauges not refreshed: cannot read the pool from Redis' }),
      );
      // Logged when it goes wrong, not on every scrape.
      await scrape();
      expect(logs.filter((l) => l.pool === 'broken' && l.level === 40)).toHaveLength(1);
    } finally {
      await client.del('alertscale:pool:broken');
    }
    const back = await scrape();
    expect(sample(back, 'alertscale_pool_replicas{pool="broken"}')).toBe(1);
    expect(logs).toContainEqual(expect.objectContaining({ level: 30, pool: 'broken', msg: 'pool gauges refreshed again' }));
    client.disconnect();
  });

  it('passes promtool check metrics without a word', async () => {
    expect(promtoolCheckMetrics(await scrape())).toEqual({ output: '', status: 0 });
  });
});
