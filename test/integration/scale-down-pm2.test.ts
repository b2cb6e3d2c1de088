/**
 * Issue 13 §Proof with real pm2 and real demo workers: a scale-down that removes idle workers
 * first and drains busy ones interrupts no job; plain `pm2 scale` on the same pool does.
 * Jobs are 8 s (the 20 s would only make the suite slower; the assertions are the same).
 */
import { describe, expect, it } from 'vitest';
import { encodeJob } from '../../src/demo/job.js';
import { demoKeys } from '../../src/demo/keys.js';
import { demoPm2StartArgs } from '../../src/demo/pm2.js';
import { demoTally } from '../../src/demo/tally.js';
import { createPm2Remover } from '../../src/executors/pm2-victims.js';
import { createWorkersReader } from '../../src/workers/read.js';
import { scaleDownWithVictims } from '../../src/workers/scale-down.js';
import { PM2_BIN as pm2Bin, REPO as repo, usePm2 } from '../helpers/pm2.js';
import { waitFor } from '../helpers/ports.js';
import { startTestReceiver } from '../helpers/receiver.js';

const JOB_MS = 8_000;
const { redis, client, home, pm2, processes, online } = usePm2('scale-down');

/** Heartbeats of a pool: worker id → hash. */
async function beats(pool: string): Promise<Map<string, Record<string, string>>> {
  const keys = await client.keys(`alertscale:hb:${pool}:*`);
  const hashes = await Promise.all(keys.map((k) => client.hgetall(k)));
  return new Map(keys.map((k, i) => [k.slice(`alertscale:hb:${pool}:`.length), hashes[i]!]));
}

/**
 * A pool of 4 under pm2 where the 2 lowest pm2 ids hold a long job each and ids 2, 3 are idle:
 * 2 instances start and take the long jobs, then `pm2 scale` adds 2. Short kill_timeout (1.5 s):
 * a worker pm2 stops mid-job is SIGKILLed and its job runs again, so an interruption shows.
 */
async function poolWithTwoBusy(app: string, queue: string) {
  await pm2(...demoPm2StartArgs(repo, { name: app, instances: 2, killTimeoutMs: 1_500, redisUrl: redis.url, queueKey: queue, pool: app }));
  await waitFor(`${app}: 2 heartbeats`, async () => (await beats(app)).size === 2, 30_000, 100);
  await client.lpush(queue, ...['long-a', 'long-b'].map((id) => encodeJob({ id, ms: JOB_MS })));
  await waitFor(`${app}: 2 busy`, async () => [...(await beats(app)).values()].filter((h) => h.busy === '1').length === 2, 10_000, 50);
  await pm2('scale', app, '4');
  await waitFor(`${app}: 4 heartbeats`, async () => (await beats(app)).size === 4, 30_000, 100);
  const procs = await online(app);
  const hb = await beats(app);
  const busyPids = [...hb.values()].filter((h) => h.busy === '1').map((h) => Number(h.pid));
  const busyIds = procs
    .filter((p) => busyPids.includes(p.pid))
    .map((p) => p.pm_id)
    .sort();
  // The case the test is about: the busy workers are the ones `pm2 scale` removes first.
  expect(busyIds).toEqual(
    procs
      .map((p) => p.pm_id)
      .sort()
      .slice(0, 2),
  );
  return { busyPids, idlePids: procs.map((p) => p.pid).filter((pid) => !busyPids.includes(pid)) };
}

/** Idle-first 4 → 2 of `app` with its pm2 remover (drainTimeout 30 s, then leave), as the receiver runs it. */
async function shrink4to2(app: string) {
  const reader = createWorkersReader({ redis: client });
  try {
    return await scaleDownWithVictims({
      redis: client,
      reader,
      remover: createPm2Remover({ kind: 'pm2', app, bin: pm2Bin, timeout: 45_000, env: { PM2_HOME: home() } }),
      pool: app,
      from: 4,
      to: 2,
      drainTimeoutMs: 30_000,
      onDrainTimeout: 'leave',
    });
  } finally {
    reader.close();
  }
}

describe('scale-down that never interrupts work (real pm2, real demo workers)', () => {
  it('4 → 2 with 2 busy: the idle 2 are gone within 2 s, both long jobs run once, uninterrupted', async () => {
    const app = 'sdidle';
    const queue = `${app}:jobs`;
    const keys = demoKeys(queue, app);
    const { busyPids, idlePids } = await poolWithTwoBusy(app, queue);
    const t0 = Date.now();
    const report = await shrink4to2(app);
    const tookMs = Date.now() - t0;
    // The long jobs were still running: this was a scale-down with work in hand.
    expect((await demoTally(client, queue)).completed).toBe(0);

    // The victims: the two idle workers, named with why; nothing waited for a job.
    expect(report.victims.map((v) => [v.tier, v.outcome])).toEqual([
      ['idle', 'removed'],
      ['idle', 'removed'],
    ]);
    for (const v of report.victims) expect(v.why).toMatch(/^idle for \d+ s$/);
    expect(report.partial).toBe(false);
    expect(tookMs).toBeLessThan(2_000);
    const left = await processes(app);
    expect(left.map((p) => p.pid).sort()).toEqual([...busyPids].sort());
    expect(idlePids.every((pid) => !left.some((p) => p.pid === pid))).toBe(true);

    await waitFor('both long jobs done', async () => (await demoTally(client, queue)).completed === 2, 20_000, 100);
    expect(await client.hgetall(keys.starts)).toEqual({ 'long-a': '1', 'long-b': '1' });
    expect(await client.hgetall(keys.completions)).toEqual({ 'long-a': '1', 'long-b': '1' });
    await pm2('delete', app);
  });

  it('2 idle → 0: one process is kept stopped, so the app still exists and a wake starts it', async () => {
    const app = 'sdzero';
    const queue = `${app}:jobs`;
    await pm2(
      ...demoPm2StartArgs(repo, { name: app, instances: 2, killTimeoutMs: 1_500, redisUrl: redis.url, queueKey: queue, pool: app }),
    );
    await waitFor(`${app}: 2 heartbeats`, async () => (await beats(app)).size === 2, 30_000, 100);
    const reader = createWorkersReader({ redis: client });
    const remover = createPm2Remover({ kind: 'pm2', app, bin: pm2Bin, timeout: 45_000, env: { PM2_HOME: home() } });
    const report = await scaleDownWithVictims({
      redis: client,
      reader,
      remover,
      pool: app,
      from: 2,
      to: 0,
      drainTimeoutMs: 10_000,
      onDrainTimeout: 'leave',
    });
    reader.close();
    expect(report.victims.map((v) => v.outcome)).toEqual(['removed', 'removed']);
    expect(report.runs.every((r) => r.ok)).toBe(true);
    expect((await processes(app)).map((p) => p.pm2_env.status)).toEqual(['stopped']);
    const [kept] = await processes(app);
    await pm2('start', String(kept!.pm_id));
    expect((await online(app)).length).toBe(1);
    await pm2('delete', app);
  });

  it('a victim that exited before an earlier batch ran was deleted with it: its own batch names it no more', async () => {
    const app = 'sdtwice';
    await pm2(...demoPm2StartArgs(repo, { name: app, instances: 3, redisUrl: redis.url, queueKey: `${app}:jobs`, pool: app }));
    await waitFor(`${app}: 3 heartbeats`, async () => (await beats(app)).size === 3, 30_000, 100);
    const [idle, kept, drained] = (await processes(app)).map((p) => String(p.pm_id));
    // The busy victim finished its job and exited (0, so pm2 leaves it stopped) before the idle one's batch listed the processes.
    await pm2('stop', drained!);
    const remover = createPm2Remover({ kind: 'pm2', app, bin: pm2Bin, timeout: 45_000, env: { PM2_HOME: home() } });
    const first = await remover.remove([idle!], 2);
    expect(first.map((r) => [r.argv.slice(1), r.ok])).toEqual([[['delete', idle, drained], true]]);
    expect(await remover.remove([drained!], 1)).toEqual([]);
    expect((await processes(app)).map((p) => [String(p.pm_id), p.pm2_env.status])).toEqual([[kept, 'online']]);
    await pm2('delete', app);
  });

  it('the same pool with plain `pm2 scale 2`: it removes the busy workers, interrupting or waiting for their jobs', async () => {
    const app = 'sdplain';
    const queue = `${app}:jobs`;
    const keys = demoKeys(queue, app);
    const { busyPids, idlePids } = await poolWithTwoBusy(app, queue);
    const t0 = Date.now();
    await pm2('scale', app, '2');
    const tookMs = Date.now() - t0;
    // The busy workers went; the idle ones, which could have gone instead, stayed.
    expect((await processes(app)).map((p) => p.pid).sort()).toEqual([...idlePids].sort());
    expect(busyPids).toHaveLength(2);
    // pm2 stops them one after the other, each SIGINT then SIGKILL after kill_timeout (1.5 s):
    // the first is killed mid-job (requeued by an orphan scan, started again); the second too,
    // unless its job ended within the wait, which the scale then sat through.
    expect(tookMs).toBeGreaterThan(1_500);
    await waitFor('both long jobs done', async () => (await demoTally(client, queue)).completed === 2, 40_000, 200);
    const starts = await client.hgetall(keys.starts);
    expect(Object.keys(starts).sort()).toEqual(['long-a', 'long-b']);
    expect(Object.values(starts).filter((n) => n === '2').length).toBeGreaterThanOrEqual(1);
    await pm2('delete', app);
  });

  it('4 → 2 with all 4 busy: the two youngest jobs are drained, none interrupted, no new job on a draining worker', async () => {
    const app = 'sddrain';
    const queue = `${app}:jobs`;
    const keys = demoKeys(queue, app);
    await pm2(
      ...demoPm2StartArgs(repo, { name: app, instances: 4, killTimeoutMs: 1_500, redisUrl: redis.url, queueKey: queue, pool: app }),
    );
    await waitFor(`${app}: 4 heartbeats`, async () => (await beats(app)).size === 4, 30_000, 100);
    // Four long jobs a little apart, so their ages differ; then short ones waiting behind them.
    for (let i = 0; i < 4; i++) {
      await client.lpush(queue, encodeJob({ id: `long-${i}`, ms: JOB_MS }));
      await waitFor(`long-${i} started`, async () => (await client.hget(keys.starts, `long-${i}`)) === '1', 10_000, 20);
      await new Promise((r) => setTimeout(r, 300));
    }
    await client.lpush(queue, ...Array.from({ length: 4 }, (_, i) => encodeJob({ id: `short-${i}`, ms: 500 })));
    const before = await beats(app);
    expect([...before.values()].map((h) => h.busy)).toEqual(['1', '1', '1', '1']);
    const youngest = [...before.entries()].sort((a, b) => Number(b[1].job_started) - Number(a[1].job_started)).slice(0, 2);
    const lastEndMs = Math.max(...youngest.map(([, h]) => Number(h.job_started) * 1000 + JOB_MS));

    // Watch every heartbeat while the scale-down runs: which jobs each worker holds.
    const held = new Map<string, Set<string>>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        for (const [id, h] of await beats(app)) if (h.job) (held.get(id) ?? held.set(id, new Set()).get(id)!).add(h.job);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const report = await shrink4to2(app);
    const doneAt = Date.now();
    watching = false;
    await watch;

    // The victims are the two youngest jobs' workers, drained, then removed.
    expect(report.victims.map((v) => v.id).sort()).toEqual(youngest.map(([id]) => id).sort());
    expect(report.victims.map((v) => [v.tier, v.outcome])).toEqual([
      ['busy', 'removed'],
      ['busy', 'removed'],
    ]);
    expect(report.partial).toBe(false);
    // The pool reached 2 when those jobs ended, not before.
    expect(doneAt).toBeGreaterThanOrEqual(lastEndMs);
    expect(doneAt - lastEndMs).toBeLessThan(3_000);
    expect(await processes(app)).toHaveLength(2);
    // A draining worker held only the job it had when asked.
    for (const [id, h] of youngest) expect([...(held.get(id) ?? [])]).toEqual([h.job]);

    await waitFor('all 8 jobs done', async () => (await demoTally(client, queue)).completed === 8, 20_000, 100);
    const starts = await client.hgetall(keys.starts);
    expect(Object.keys(starts)).toHaveLength(8);
    expect(new Set(Object.values(starts))).toEqual(new Set(['1'])); // no job interrupted
    await pm2('delete', app);
  });

  it('through the receiver: the per-worker API agrees with the workers, the scale-down audits its victims', async () => {
    const app = 'sdapi';
    const queue = `${app}:jobs`;
    const { busyPids, idlePids } = await poolWithTwoBusy(app, queue);
    const yaml = `redis: { url: REDIS_URL }
pools:
  ${app}:
    min: 1
    max: 4
    cooldown: { up: 0s, down: 0s }
    drainTimeout: 20s
    executor: { kind: pm2, app: ${app}, bin: ${JSON.stringify(pm2Bin)}, env: { PM2_HOME: ${JSON.stringify(home())} } }
`;
    const receiver = await startTestReceiver(yaml, redis.url);
    try {
      // The workers API against the live pool: 4 alive, busy exactly where the long jobs are.
      const { status, body } = await receiver.get(`/v1/pools/${app}/workers`);
      expect(status).toBe(200);
      expect(body.summary).toMatchObject({ alive: 4, busy: 2, idle: 2, jobsInProgress: 2, done: 0, visible: 4 });
      const busyOf = Object.fromEntries(body.workers.map((w: { pid: number; state: string }) => [w.pid, w.state]));
      for (const pid of busyPids) expect(busyOf[pid]).toBe('busy');
      for (const pid of idlePids) expect(busyOf[pid]).toBe('idle');
      expect(
        body.workers
          .filter((w: { job: unknown }) => w.job)
          .map((w: { job: { id: string } }) => w.job.id)
          .sort(),
      ).toEqual(['long-a', 'long-b']);

      const scaled = await receiver.post(`/v1/pools/${app}/scale`, { replicas: 2, reason: 'test: idle-first' });
      expect(scaled.status).toBe(202);
      await receiver.receiver.idle();
      const entry = (await receiver.get(`/v1/audit/${scaled.body.auditId}`)).body;
      expect(entry).toMatchObject({ outcome: 'scaled', status: 'done', drain: 'complete' });
      expect(entry.victims.map((v: { tier: string; outcome: string }) => [v.tier, v.outcome])).toEqual([
        ['idle', 'removed'],
        ['idle', 'removed'],
      ]);
      const victimIds = entry.victims.map((v: { worker: string }) => v.worker).sort();
      expect(victimIds).toEqual(
        body.workers
          .filter((w: { state: string }) => w.state === 'idle')
          .map((w: { id: string }) => w.id)
          .sort(),
      );
      expect(entry.argv.slice(0, 2)).toEqual([pm2Bin, 'delete']);
      expect((await processes(app)).map((p) => p.pid).sort()).toEqual([...busyPids].sort());

      // Once the jobs are done, the API counts them.
      await waitFor('both long jobs done', async () => (await demoTally(client, queue)).completed === 2, 20_000, 100);
      const after = (await receiver.get(`/v1/pools/${app}/workers`)).body;
      expect(after.summary).toMatchObject({ alive: 2, busy: 0, done: 2 });
      expect(after.workers.map((w: { done: number }) => w.done)).toEqual([1, 1]);
    } finally {
      await receiver.close();
      await pm2('delete', app);
    }
  });
});
