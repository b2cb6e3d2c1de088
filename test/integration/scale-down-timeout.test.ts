/**
 * drainTimeout through the receiver, with real demo workers: a busy victim whose job outlasts the
 * timeout is either left draining (`leave`: audited `partial`, the pool state keeps it in the
 * count, the worker still finishes and exits by itself) or stopped anyway (`stop`: its instance is
 * removed at the deadline, the pool is at the count asked). Each pool's executor is a `command`
 * with `["kill", "-TERM", "{victim_pids}"]` (it stops exactly the chosen processes) and a probe
 * that reads the two workers it starts with.
 */
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoKeys } from '../../src/demo/keys.js';
import { demoWorkers } from '../helpers/demo-workers.js';
import { waitFor } from '../helpers/ports.js';
import { startTestReceiver, type TestReceiver } from '../helpers/receiver.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

const DRAIN_MS = 800;
const JOB_MS = 3_000;
/** One pool per case (named as its queue): a SIGKILLed worker's heartbeat outlives its test. */
const CASES = { leave: 'dtl', stop: 'dts' } as const;

const pool = (name: string, after: string) => `  ${name}:
    min: 1
    max: 4
    cooldown: { up: 0s, down: 0s }
    drainTimeout: ${DRAIN_MS}ms
    afterDrainTimeout: ${after}
    executor: { kind: command, scale: [kill, -TERM, '{victim_pids}'], current: [echo, '2'], timeout: 5s }
`;

let redis: TestRedis;
let client: Redis;
let receiver: TestReceiver;
const pools = new Map<string, ReturnType<typeof demoWorkers>>();
const workersOf = (name: string) => pools.get(name) ?? pools.set(name, demoWorkers(redis.url, client, name)).get(name)!;

beforeAll(async () => {
  redis = await startRedis();
  client = redis.client();
  const yaml = `redis: { url: REDIS_URL }\npools:\n${Object.entries(CASES)
    .map(([after, name]) => pool(name, after))
    .join('')}`;
  receiver = await startTestReceiver(yaml, redis.url);
});
afterEach(() => {
  for (const w of pools.values()) w.killAll();
});
afterAll(async () => {
  await receiver?.close();
  client?.disconnect();
  await redis?.close();
});

/** Two workers of `name`, each busy with a job longer than drainTimeout. */
async function twoBusy(name: string) {
  const workers = workersOf(name);
  const pair = await Promise.all([workers.start(name, `${name}-a`), workers.start(name, `${name}-b`)]);
  // Both wait in BLMOVE: Redis hands one job to each.
  await workers.push(name, [
    { id: 'j1', ms: JOB_MS },
    { id: 'j2', ms: JOB_MS },
  ]);
  const keys = demoKeys(name, name);
  await waitFor('both busy', async () =>
    (await Promise.all(pair.map((w) => client.hget(keys.heartbeat(w.id), 'busy')))).every((b) => b === '1'),
  );
  return pair;
}

/** POST a scale 2 → 1 and wait for its end; the audit entry and the pool as the receiver then shows it. */
async function shrinkToOne(name: string) {
  const t0 = Date.now();
  const scaled = await receiver.post(`/v1/pools/${name}/scale`, { replicas: 1, reason: 'test: drainTimeout' });
  expect(scaled.status).toBe(202);
  await receiver.receiver.idle();
  const tookMs = Date.now() - t0;
  const entry = (await receiver.get(`/v1/audit/${scaled.body.auditId}`)).body;
  const view = (await receiver.get(`/v1/pools/${name}`)).body;
  return { entry, view, tookMs };
}

describe('drainTimeout through the receiver (real demo workers)', () => {
  it('leave: audited partial, the pool state counts the victim left draining (2, not the 1 asked); it exits after its job', async () => {
    const name = CASES.leave;
    const keys = demoKeys(name, name);
    const pair = await twoBusy(name);
    const { entry, view, tookMs } = await shrinkToOne(name);
    expect(entry).toMatchObject({ outcome: 'scaled', status: 'done', from: 2, to: 1, drain: 'partial', argv: [] });
    expect(entry.victims.map((v: { tier: string; outcome: string }) => [v.tier, v.outcome])).toEqual([['busy', 'left']]);
    expect(tookMs).toBeGreaterThanOrEqual(DRAIN_MS);
    // The count actually reached: the victim still runs its job.
    expect(view.replicas).toBe(2);
    const victim = pair.find((w) => w.id === entry.victims[0].worker)!;
    // Not stopped: still there, busy, and draining (it says so within a beat).
    await waitFor(
      'victim says draining',
      async () => (await client.hmget(keys.heartbeat(victim.id), 'draining', 'busy')).join() === '1,1',
      2_000,
    );
    expect(await victim.exited).toEqual({ code: 0, signal: null });
    expect(await client.hgetall(keys.completions)).toEqual({ j1: '1', j2: '1' });
  });

  it('stop: at the deadline the victim is stopped by pid; the pool state is the 1 asked', async () => {
    const name = CASES.stop;
    const pair = await twoBusy(name);
    const { entry, view, tookMs } = await shrinkToOne(name);
    expect(entry).toMatchObject({ outcome: 'scaled', status: 'done', from: 2, to: 1, drain: 'complete' });
    expect(entry.victims.map((v: { tier: string; outcome: string }) => [v.tier, v.outcome])).toEqual([['busy', 'stopped']]);
    const victim = pair.find((w) => w.id === entry.victims[0].worker)!;
    expect(entry.argv).toEqual(['kill', '-TERM', String(victim.child.pid)]);
    expect(tookMs).toBeGreaterThanOrEqual(DRAIN_MS);
    expect(tookMs).toBeLessThan(JOB_MS);
    expect(view.replicas).toBe(1);
    // SIGTERM: the demo worker finishes the job in hand and exits 0 (the job is not lost).
    expect(await victim.exited).toEqual({ code: 0, signal: null });
  });
});
