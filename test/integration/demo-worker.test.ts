import { describe, expect, it } from 'vitest';
import { encodeJob } from '../../src/demo/job.js';
import { demoKeys } from '../../src/demo/keys.js';
import { enqueueJobs } from '../../src/demo/stress.js';
import { demoTally } from '../../src/demo/tally.js';
import { type DemoWorkerProcess, useDemoWorkers } from '../helpers/demo-workers.js';
import { waitFor } from '../helpers/ports.js';

const { client, workers } = useDemoWorkers();

async function drained(queue: string, expected: number, timeoutMs = 20_000) {
  await waitFor(
    `${expected} jobs of ${queue} completed`,
    async () => {
      const t = await demoTally(client, queue);
      return t.completed === expected && t.waiting === 0 && t.inFlight === 0;
    },
    timeoutMs,
    100,
  );
  return demoTally(client, queue);
}

describe('demo worker (real processes, real redis-server)', () => {
  it('two workers complete 50 jobs exactly once, heartbeating busy flags', async () => {
    const queue = 'w1:jobs';
    const keys = demoKeys(queue, 'demo');
    const [a, b] = await Promise.all([workers.start(queue, 'w1-a'), workers.start(queue, 'w1-b')]);

    // Idle heartbeats per the protocol: busy 0, ts now, TTL 30 s.
    for (const w of [a, b]) {
      const hb = await client.hgetall(keys.heartbeat(w.id));
      expect(hb.busy).toBe('0');
      expect(Math.abs(Number(hb.ts) - Date.now() / 1000)).toBeLessThan(5);
      expect(hb.pid).toBe(String(w.child.pid));
      const ttl = await client.ttl(keys.heartbeat(w.id));
      expect(ttl).toBeGreaterThan(25);
      expect(ttl).toBeLessThanOrEqual(30);
    }

    await enqueueJobs({ redis: client, queueKey: queue }, { tasks: 50, jobMs: 60, runId: 'w1' });
    // While the queue is busy, both workers report busy 1, with the job in hand and since when.
    const seenBusy = new Set<string>();
    await waitFor('both workers busy', async () => {
      for (const w of [a, b]) {
        const hb = await client.hgetall(keys.heartbeat(w.id));
        if (hb.busy !== '1') continue;
        expect(hb.job).toMatch(/^w1-\d+$/);
        expect(Math.abs(Number(hb.job_started) - Date.now() / 1000)).toBeLessThan(5);
        seenBusy.add(w.id);
      }
      return seenBusy.size === 2;
    });

    const tally = await drained(queue, 50);
    expect(tally).toMatchObject({ enqueued: 50, completed: 50, lost: 0, dead: 0, duplicated: {}, rerun: {} });
    const completions = await client.hgetall(keys.completions);
    expect(Object.keys(completions).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `w1-${i + 1}`).sort());
    expect(new Set(Object.values(completions))).toEqual(new Set(['1']));
    // Both did a share of the work (each job is 60 ms; one worker alone could not have taken all 50 first).
    const logs = [a, b].map((w) => (w.output().match(/"job done"/g) ?? []).length);
    expect(logs[0]! + logs[1]!).toBe(50);
    expect(Math.min(...logs)).toBeGreaterThan(5);

    await waitFor(
      'both idle again',
      async () => (await client.hget(keys.heartbeat(a.id), 'busy')) === '0' && (await client.hget(keys.heartbeat(b.id), 'busy')) === '0',
    );
    // docs/HEARTBEATS.md: per-worker done counters add up to the jobs, as do the pool's counters,
    // whose busy_seconds is at least the 50 × 60 ms the jobs slept; idle heartbeats hold no job.
    const beats = await Promise.all([a, b].map((w) => client.hgetall(keys.heartbeat(w.id))));
    expect(beats.map((hb) => Number(hb.done)).reduce((x, y) => x + y)).toBe(50);
    for (const hb of beats) {
      expect(hb).toMatchObject({ busy: '0', job: '', job_started: '' });
      expect(hb.failed, 'no job failed: the counter was never created').toBeUndefined();
    }
    expect(beats.map((hb, i) => Number(hb.done) === logs[i])).toEqual([true, true]);
    const pool = await client.hgetall(keys.poolJobs);
    expect(Number(pool.done)).toBe(50);
    expect(Number(pool.busy_seconds)).toBeGreaterThanOrEqual(3);
    expect(Number(pool.busy_seconds)).toBeLessThan(30);
    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect(await a.exited).toEqual({ code: 0, signal: null });
    expect(await b.exited).toEqual({ code: 0, signal: null });
    // A clean exit deletes the heartbeat at once; it does not linger as "alive" for 30 s.
    expect(await client.exists(keys.heartbeat(a.id), keys.heartbeat(b.id))).toBe(0);
  });

  it('SIGTERM mid-job: the job in hand completes once, no new job is taken, the worker exits 0', async () => {
    const queue = 'w2:jobs';
    const keys = demoKeys(queue, 'demo');
    const a = await workers.start(queue, 'w2-a');
    await workers.push(queue, [{ id: 'long', ms: 1500 }]);
    expect(await workers.jobInHand(queue, a)).toBe('long');
    await workers.push(
      queue,
      Array.from({ length: 5 }, (_, i) => ({ id: `after-${i}`, ms: 50 })),
    );

    const signalledAt = Date.now();
    a.child.kill('SIGTERM');
    expect(await a.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeGreaterThan(800); // it waited for the job, not just exited
    expect(await client.hget(keys.completions, 'long')).toBe('1');
    expect(await client.hget(keys.starts, 'long')).toBe('1');
    // The jobs queued behind it were left for others, untouched.
    expect(await client.llen(queue)).toBe(5);
    expect(await client.hlen(keys.starts)).toBe(1);
    expect(await client.exists(keys.processing(a.id), keys.heartbeat(a.id))).toBe(0);

    // Another worker takes the rest: every job once, nothing lost.
    const b = await workers.start(queue, 'w2-b');
    const tally = await drained(queue, 6);
    expect(tally).toMatchObject({ enqueued: 6, completed: 6, lost: 0, duplicated: {}, rerun: {} });
    b.child.kill('SIGINT');
    expect(await b.exited).toEqual({ code: 0, signal: null });
  });

  it('SIGKILL mid-job: another worker requeues the job and completes it once; it ran twice (at-least-once)', async () => {
    const queue = 'w3:jobs';
    const keys = demoKeys(queue, 'demo');
    // Scan every second (default 5 s) so the takeover is quick; the path is the same.
    const fastScan = { ORPHAN_SCAN_MS: '1000' };
    const pair = await Promise.all([workers.start(queue, 'w3-a', fastScan), workers.start(queue, 'w3-b', fastScan)]);
    await workers.push(queue, [{ id: 'victim', ms: 2500 }]);
    // Whichever worker took it is the victim's holder.
    let a: DemoWorkerProcess | undefined;
    await waitFor('a worker holding the victim', async () => {
      for (const w of pair) if ((await client.lindex(keys.processing(w.id), 0))?.includes('"victim"')) a = w;
      return a !== undefined;
    });
    expect(await workers.jobInHand(queue, a!)).toBe('victim');
    const b = pair.find((w) => w !== a)!;
    a = a!;
    await workers.push(
      queue,
      Array.from({ length: 10 }, (_, i) => ({ id: `other-${i}`, ms: 30 })),
    );

    a.child.kill('SIGKILL');
    expect(await a.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // A's heartbeat is still there (TTL 30 s), but B sees A's pid is gone on this host and takes the list over.
    const tally = await drained(queue, 11, 25_000);
    expect(tally).toMatchObject({ enqueued: 11, completed: 11, lost: 0, duplicated: {} });
    // Precisely: the killed job was started twice and recorded once; every other job ran once.
    expect(tally.rerun).toEqual({ victim: 2 });
    expect(await client.hget(keys.completions, 'victim')).toBe('1');
    expect(tally.counters.requeued).toBe(1);
    expect(await client.exists(keys.processing(a.id), keys.heartbeat(a.id))).toBe(0);
    expect(b.output()).toContain(`"deadWorker":"${a.id}","jobs":1,"why":"process gone"`);
    b.child.kill('SIGTERM');
    expect(await b.exited).toEqual({ code: 0, signal: null });
  });

  it('a worker restarted under the same id takes back what it held when it was killed', async () => {
    const queue = 'w4:jobs';
    const keys = demoKeys(queue, 'demo');
    const first = await workers.start(queue, 'w4-same');
    await workers.push(queue, [{ id: 'held', ms: 1500 }]);
    expect(await workers.jobInHand(queue, first)).toBe('held');
    first.child.kill('SIGKILL');
    await first.exited;
    expect(await client.lrange(keys.processing('w4-same'), 0, -1)).toHaveLength(1);

    const again = await workers.start(queue, 'w4-same');
    const tally = await drained(queue, 1);
    expect(tally).toMatchObject({ completed: 1, lost: 0, duplicated: {}, rerun: { held: 2 } });
    again.child.kill('SIGTERM');
    expect((await again.exited).code).toBe(0);
  });

  it('requeues lists of workers whose heartbeat expired, never those of live workers, and dead-letters junk', async () => {
    const queue = 'w5:jobs';
    const keys = demoKeys(queue, 'demo');
    // A worker on another host that died: its heartbeat expired, its processing list remains.
    await client.lpush(keys.processing('ghost-1'), encodeJob({ id: 'orphan', ms: 10 }));
    // A live worker on another host (heartbeat present): its job must stay where it is.
    await client.lpush(keys.processing('remote-1'), encodeJob({ id: 'theirs', ms: 10 }));
    await client.hset(keys.heartbeat('remote-1'), { busy: '1', ts: String(Math.floor(Date.now() / 1000)), pid: '1', host: 'elsewhere' });
    await client.expire(keys.heartbeat('remote-1'), 30);
    await client.lpush(queue, 'not a job', encodeJob({ id: 'fine', ms: 10 }));

    const w = await workers.start(queue, 'w5-a');
    await waitFor('orphan and queued job completed', async () => (await client.hlen(keys.completions)) === 2);
    expect(await client.hgetall(keys.completions)).toEqual({ orphan: '1', fine: '1' });
    expect(await client.lrange(keys.dead, 0, -1)).toEqual(['not a job']);
    expect(await client.lrange(keys.processing('remote-1'), 0, -1)).toEqual([encodeJob({ id: 'theirs', ms: 10 })]);
    expect(w.output()).toMatch(/"deadWorker":"ghost-1","jobs":1,"why":"heartbeat expired"/);
    w.child.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
    // The live worker's job is still untouched after the worker's scans.
    expect(await client.llen(keys.processing('remote-1'))).toBe(1);
  });
});
