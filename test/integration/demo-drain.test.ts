/**
 * Drain (docs/HEARTBEATS.md "Drain") with real demo worker processes and a real redis-server: a
 * worker asked to drain finishes the job in hand, takes no new one, deletes its heartbeat and
 * exits 0; an idle one leaves at once; a job taken in the moment of the request goes back untouched.
 */
import { describe, expect, it } from 'vitest';
import { demoKeys } from '../../src/demo/keys.js';
import { drainKey, goneWorkers, requestDrain } from '../../src/workers/drain.js';
import { useDemoWorkers } from '../helpers/demo-workers.js';
import { waitFor } from '../helpers/ports.js';

const { client, workers } = useDemoWorkers();

describe('drain (real demo workers)', () => {
  it('a busy worker finishes its job, takes none of the queued ones, and exits 0', async () => {
    const queue = 'd1:jobs';
    const keys = demoKeys(queue, 'demo');
    const a = await workers.start(queue, 'd1-a');
    await workers.push(queue, [{ id: 'long', ms: 1500 }]);
    expect(await workers.jobInHand(queue, a)).toBe('long');
    await workers.push(
      queue,
      Array.from({ length: 3 }, (_, i) => ({ id: `after-${i}`, ms: 50 })),
    );

    const askedAt = Date.now();
    await requestDrain(client, 'demo', [a.id], 60);
    // The worker acknowledges within a beat, while still busy with the job it holds.
    await waitFor(
      'draining 1 while busy',
      async () => {
        const hb = await client.hgetall(keys.heartbeat(a.id));
        return hb.draining === '1' && hb.busy === '1' && hb.job === 'long';
      },
      3_000,
    );
    expect(await a.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - askedAt).toBeGreaterThan(500); // it waited for the job
    expect(await client.hget(keys.completions, 'long')).toBe('1');
    expect(await client.hgetall(keys.starts)).toEqual({ long: '1' });
    expect(await client.llen(queue)).toBe(3);
    // Gone for good: heartbeat, the request, its processing list.
    expect(await client.exists(keys.heartbeat(a.id), drainKey('demo', a.id), keys.processing(a.id))).toBe(0);
    expect(await goneWorkers(client, 'demo', [a.id, 'never-there'])).toEqual([a.id, 'never-there']);
    expect(a.output()).toContain('draining: finishing the job in hand, taking no new one');
  });

  it('an idle worker leaves within a beat or two; a busy peer is not affected', async () => {
    const queue = 'd2:jobs';
    const keys = demoKeys(queue, 'demo');
    const [idle, peer] = await Promise.all([workers.start(queue, 'd2-idle'), workers.start(queue, 'd2-peer')]);
    // idle_since: the worker is idle since it started (no job yet).
    const hb = await client.hgetall(keys.heartbeat(idle.id));
    expect(hb).toMatchObject({ busy: '0', draining: '0', job: '' });
    expect(Number(hb.idle_since)).toBeCloseTo(Number(hb.started), 3);

    const askedAt = Date.now();
    await requestDrain(client, 'demo', [idle.id], 60);
    expect(await idle.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - askedAt).toBeLessThan(3_000);
    expect(await goneWorkers(client, 'demo', [idle.id, peer.id])).toEqual([idle.id]);

    // The peer still works, and idle_since moves to the end of its last job.
    await workers.push(queue, [{ id: 'p', ms: 100 }]);
    await waitFor('job p done', async () => (await client.hget(keys.completions, 'p')) === '1');
    const after = await client.hgetall(keys.heartbeat(peer.id));
    expect(after).toMatchObject({ busy: '0', draining: '0', done: '1' });
    expect(Number(after.idle_since)).toBeGreaterThan(Number(after.started));
    peer.child.kill('SIGINT');
    expect(await peer.exited).toEqual({ code: 0, signal: null });
  });

  it('a job that arrives with the request is given back untouched, never started', async () => {
    const queue = 'd3:jobs';
    const keys = demoKeys(queue, 'demo');
    const a = await workers.start(queue, 'd3-a');
    // Request and job together: the worker's blocked BLMOVE takes the job at once, before its next
    // beat (up to 1 s later) can see the request; the start script sees it and the job goes back.
    await requestDrain(client, 'demo', [a.id], 60);
    await workers.push(queue, [{ id: 'late', ms: 50 }]);
    expect(await a.exited).toEqual({ code: 0, signal: null });
    // It was taken (and given back), so the case happened: not merely left in the queue.
    expect(await client.hget(keys.counters, 'requeued')).toBe('1');
    expect(await client.lrange(queue, 0, -1)).toHaveLength(1);
    expect(await client.hlen(keys.starts)).toBe(0);
    expect(await client.hlen(keys.completions)).toBe(0);
  });
});
