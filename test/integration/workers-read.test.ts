/**
 * The per-worker read model against real demo worker processes and a real redis-server: the
 * numbers agree with what the workers did (jobs done = jobs enqueued, busy flags = jobs in hand),
 * CPU/RSS come from /proc for local processes only, never for a reused pid or another host.
 */
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { demoKeys } from '../../src/demo/keys.js';
import { demoTally } from '../../src/demo/tally.js';
import { heartbeatKey, requestDrain } from '../../src/workers/drain.js';
import { createWorkersReader } from '../../src/workers/read.js';
import { useDemoWorkers } from '../helpers/demo-workers.js';
import { waitFor } from '../helpers/ports.js';

const { client, workers } = useDemoWorkers('rm');

describe('per-worker read model (real demo workers)', () => {
  it('agrees with what three workers did and hold', async () => {
    const queue = 'rm:jobs';
    const keys = demoKeys(queue, 'rm');
    const all = await Promise.all(['rm-a', 'rm-b', 'rm-c'].map((id) => workers.start(queue, id)));
    await workers.push(
      queue,
      Array.from({ length: 12 }, (_, i) => ({ id: `s-${i}`, ms: 30 })),
    );
    await waitFor('12 done', async () => (await demoTally(client, queue)).completed === 12);
    // Two long jobs: two workers busy, one idle.
    await workers.push(queue, [
      { id: 'long-1', ms: 4000 },
      { id: 'long-2', ms: 4000 },
    ]);
    await waitFor('two busy', async () => {
      const busy = await Promise.all(all.map((w) => client.hget(keys.heartbeat(w.id), 'busy')));
      return busy.filter((x) => x === '1').length === 2;
    });
    const held = new Map<string, string>();
    for (const w of all) {
      const raw = await client.lindex(keys.processing(w.id), 0);
      if (raw) held.set(w.id, (JSON.parse(raw) as { id: string }).id);
    }
    expect(held.size).toBe(2);
    // A busy one asked to drain stays until its job ends, so the reading sees the request.
    const drained = [...held.keys()][0]!;
    await requestDrain(client, 'rm', [drained], 60);

    const reader = createWorkersReader({ redis: client });
    try {
      const view = await reader.read('rm');
      expect(view.summary).toMatchObject({ alive: 3, busy: 2, idle: 1, jobsInProgress: 2, done: 12, failed: 0, visible: 3 });
      // Per worker: busy exactly when it holds a job, that job, done counts summing to the pool's.
      for (const w of view.workers) {
        expect(w.state).toBe(held.has(w.id) ? 'busy' : 'idle');
        expect(w.job?.id ?? null).toBe(held.get(w.id) ?? null);
        if (w.job) expect(w.job.forSeconds).toBeLessThan(4);
        else expect(w.idleForSeconds).toBeGreaterThanOrEqual(0);
        expect(w.host).toBe(hostname());
        expect(w.cpu).not.toBeNull();
        expect(w.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
      }
      expect(view.workers.reduce((sum, w) => sum + w.done, 0)).toBe(12);
      expect(view.workers.map((w) => w.pid).sort()).toEqual(all.map((w) => w.child.pid).sort());
      expect(view.workers.filter((w) => w.drain !== 'no').map((w) => w.id)).toEqual([drained]);
      expect(view.summary.draining).toBe(1);
    } finally {
      reader.close();
    }
  });

  it('shows no CPU for another host, a reused pid or a dead pid; counts them as alive by heartbeat', async () => {
    const now = Date.now() / 1000;
    // Another host; this test process's pid but a worker "started" before the process did (pid reused); a pid that is gone.
    const beats = {
      remote: {
        busy: '1',
        host: 'elsewhere',
        pid: String(process.pid),
        started: (now - 5).toFixed(3),
        job: 'x',
        job_started: (now - 1).toFixed(3),
      },
      reused: {
        busy: '0',
        host: hostname(),
        pid: String(process.pid),
        started: (now - 10 * 86_400).toFixed(3),
        idle_since: (now - 2).toFixed(3),
      },
      gone: { busy: '0', host: hostname(), pid: '4194303', started: (now - 5).toFixed(3) },
    };
    for (const [id, hash] of Object.entries(beats))
      await client.multi().hset(heartbeatKey('foreign', id), hash).expire(heartbeatKey('foreign', id), 30).exec();
    const reader = createWorkersReader({ redis: client });
    try {
      const view = await reader.read('foreign');
      expect(view.workers.map((w) => [w.id, w.state, w.cpu, w.rssBytes])).toEqual([
        ['remote', 'busy', null, null],
        ['reused', 'idle', null, null],
        ['gone', 'idle', null, null],
      ]);
      expect(view.summary).toMatchObject({ alive: 3, busy: 1, visible: 0, meanCpu: null, done: 0 });
      // Loads fall back to the heartbeat alone.
      expect(view.workers.map((w) => w.load)).toEqual([1, 0, 0]);
    } finally {
      reader.close();
    }
  });
});
