/**
 * drainTimeout with real demo workers: a busy victim whose job outlasts the timeout is either left
 * draining (`leave`: the report is partial, the worker still finishes and exits by itself) or
 * stopped anyway (`stop`: its instance is removed at the deadline). The pool's executor is a
 * `command` with `["kill", "-TERM", "{victim_pids}"]`: it stops exactly the chosen processes.
 */
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoKeys } from '../../src/demo/keys.js';
import { createRemover } from '../../src/executors/removers.js';
import { createWorkersReader } from '../../src/workers/read.js';
import { scaleDownWithVictims } from '../../src/workers/scale-down.js';
import { demoWorkers } from '../helpers/demo-workers.js';
import { waitFor } from '../helpers/ports.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

let redis: TestRedis;
let client: Redis;
/** One pool per test (named as its queue): a SIGKILLed worker's heartbeat outlives its test. */
const pools = new Map<string, ReturnType<typeof demoWorkers>>();
const workersOf = (pool: string) => pools.get(pool) ?? pools.set(pool, demoWorkers(redis.url, client, pool)).get(pool)!;

beforeAll(async () => {
  redis = await startRedis();
  client = redis.client();
});
afterEach(() => {
  for (const w of pools.values()) w.killAll();
});
afterAll(async () => {
  client?.disconnect();
  await redis?.close();
});

/** A `command` executor that stops the chosen workers by pid (each pid its own argv element). */
const killByPid = () => {
  const remover = createRemover('dt', { kind: 'command', scale: ['kill', '-TERM', '{victim_pids}'], timeout: 5_000, env: {} })!;
  const removed: string[][] = [];
  return {
    removed,
    locate: remover.locate,
    remove: async (instances: readonly string[], replicas: number) => {
      const runs = await remover.remove(instances, replicas);
      removed.push(...runs.map((r) => r.argv));
      return runs;
    },
  };
};

async function twoBusy(queue: string) {
  const workers = workersOf(queue);
  const pair = await Promise.all([workers.start(queue, `${queue}-a`), workers.start(queue, `${queue}-b`)]);
  // Both wait in BLMOVE: Redis hands one job to each.
  await workers.push(queue, [
    { id: 'j1', ms: 3_000 },
    { id: 'j2', ms: 3_000 },
  ]);
  const keys = demoKeys(queue, queue);
  await waitFor('both busy', async () =>
    (await Promise.all(pair.map((w) => client.hget(keys.heartbeat(w.id), 'busy')))).every((b) => b === '1'),
  );
  return pair;
}

describe('drainTimeout (real demo workers)', () => {
  it('leave: the report is partial, the victim keeps draining and exits after its job', async () => {
    const queue = 'dtl';
    const keys = demoKeys(queue, queue);
    const pair = await twoBusy(queue);
    const reader = createWorkersReader({ redis: client });
    const remover = killByPid();
    const report = await scaleDownWithVictims({
      redis: client,
      reader,
      remover,
      pool: queue,
      from: 2,
      to: 1,
      drainTimeoutMs: 800,
      onDrainTimeout: 'leave',
    });
    reader.close();
    expect(report.partial).toBe(true);
    expect(report.victims.map((v) => [v.tier, v.outcome])).toEqual([['busy', 'left']]);
    expect(remover.removed).toEqual([]); // nothing was stopped
    expect(report.waitedMs).toBeGreaterThanOrEqual(800);
    const victim = pair.find((w) => w.id === report.victims[0]!.id)!;
    // Still there, busy, and draining (it says so within a beat).
    await waitFor(
      'victim says draining',
      async () => (await client.hmget(keys.heartbeat(victim.id), 'draining', 'busy')).join() === '1,1',
      2_000,
    );
    expect(await victim.exited).toEqual({ code: 0, signal: null });
    expect(await client.hgetall(keys.completions)).toEqual({ j1: '1', j2: '1' });
  });

  it('stop: at the deadline the victim is removed anyway', async () => {
    const queue = 'dts';
    const pair = await twoBusy(queue);
    const reader = createWorkersReader({ redis: client });
    const remover = killByPid();
    const report = await scaleDownWithVictims({
      redis: client,
      reader,
      remover,
      pool: queue,
      from: 2,
      to: 1,
      drainTimeoutMs: 800,
      onDrainTimeout: 'stop',
    });
    reader.close();
    expect(report.partial).toBe(false);
    expect(report.victims.map((v) => [v.tier, v.outcome])).toEqual([['busy', 'stopped']]);
    const victim = pair.find((w) => w.id === report.victims[0]!.id)!;
    expect(remover.removed).toEqual([['kill', '-TERM', String(victim.child.pid)]]);
    expect(report.waitedMs).toBeGreaterThanOrEqual(800);
    expect(report.waitedMs).toBeLessThan(2_500);
    expect(await victim.exited).toEqual({ code: 0, signal: null });
  });
});
