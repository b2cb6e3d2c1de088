import { describe, expect, it } from 'vitest';
import { checkDashboardQueries, formatProblems } from '../../src/dashboards/check.js';
import { DASHBOARDS_DIR } from '../../src/dashboards/generate.js';
import { demoKeys } from '../../src/demo/keys.js';
import { enqueueJobs } from '../../src/demo/stress.js';
import { createExecutor } from '../../src/executors/index.js';
import { waitFor } from '../helpers/ports.js';
import { metricValue, useTestStack } from './stack-helpers.js';

// The whole loop, for real: load → Prometheus rule → Alertmanager → receiver → pm2, and back.
// Short cooldowns so the test sees up and down within a minute; the rules are the demo overlay's.
const { stack, redis, call } = useTestStack({ demo: { max: 4, maxStep: 3, cooldown: { up: '3s', down: '4s' } } });
const keys = demoKeys('demo:jobs', 'demo');
let enqueued = 0;
const startedAt = Date.now();

/** Online workers as pm2 reports them (`pm2 jlist`, through the pool's own executor probe). */
const pm2Online = () => createExecutor('demo', stack.config.pools.demo!.executor).current!();
const replicas = async () => (await call('/v1/pools/demo')).body.replicas as number;
const enqueue = async (tasks: number, runId: string) => {
  await enqueueJobs({ redis, queueKey: keys.queue }, { tasks, jobMs: 300, runId });
  enqueued += tasks;
};

describe('the loop', () => {
  it('scales up under load, drains the queue, and scales back to min; every job exactly once', async () => {
    expect(await replicas()).toBe(1);
    const loadStart = Date.now();
    await enqueue(150, 'e2e-a');
    await waitFor('a scale-up executed by the receiver', async () => (await replicas()) > 1, 45_000, 250);
    const reactionMs = Date.now() - loadStart;
    await waitFor('pm2 to run more than one worker', async () => (await pm2Online()) > 1, 20_000, 250);
    await waitFor(
      'the exporter to count more than one worker process',
      async () => ((await metricValue(stack.urls.exporter, 'alertscale_pool_processes', 'pool="demo"')) ?? 0) > 1,
      20_000,
      250,
    );
    await waitFor('the queue to drain', async () => (await redis.llen(keys.queue)) === 0, 60_000, 250);
    await waitFor('the pool back at min', async () => (await replicas()) === 1 && (await pm2Online()) === 1, 90_000, 500);
    await waitFor('every job completed', async () => (await redis.hlen(keys.completions)) === enqueued, 30_000, 250);
    const counts = Object.values(await redis.hgetall(keys.completions));
    expect(counts.filter((c) => c !== '1')).toEqual([]);
    expect(reactionMs).toBeLessThan(45_000);
  }, 240_000);

  it('the audit API shows the timeline with alert names', async () => {
    const { body } = await call('/v1/audit?pool=demo&outcome=scaled&limit=50');
    const scaled = body.entries.map((e: any) => ({
      scale: e.scale,
      alerts: e.alerts.map((a: any) => a.alertname),
      actor: e.actor,
      exitCode: e.exitCode,
    }));
    expect(scaled).toContainEqual({ scale: 'up', alerts: ['DemoQueueBacklog'], actor: 'alertmanager', exitCode: 0 });
    expect(scaled).toContainEqual({ scale: 'down', alerts: ['DemoWorkersIdle'], actor: 'alertmanager', exitCode: 0 });
    // The last action is the shrink to min: idle-first, pm2 deletes the chosen workers by id. The
    // demo's 2 s down `for:` can shrink while the last 300 ms jobs still run: busy victims are
    // drained (every job ran exactly once, above), never stopped or left behind.
    const shrink = body.entries[0];
    expect(shrink.to).toBe(1);
    // One `pm2 delete` per batch: the idle victims at once, a busy one once it drained (joined by `&&`).
    const batches: string[][] = shrink.argv
      .join(' ')
      .split(' && ')
      .map((b: string) => b.split(' '));
    for (const b of batches) expect(b.slice(0, 2)).toEqual([expect.stringMatching(/pm2$/), 'delete']);
    const tiers: string[] = shrink.victims.map((v: any) => v.tier);
    expect(tiers).toHaveLength(shrink.from - 1);
    expect(tiers).toEqual([...tiers].sort((a, b) => Number(a !== 'idle') - Number(b !== 'idle')));
    expect(shrink.victims.map((v: any) => v.outcome)).toEqual(Array(shrink.from - 1).fill('removed'));
    expect(batches.flatMap((b) => b.slice(2))).toHaveLength(shrink.from - 1);
  });

  it('pausing the pool (an Alertmanager silence) stops scaling under load; resuming lets it scale', async () => {
    const paused = await call('/v1/pools/demo/pause', {
      method: 'POST',
      body: JSON.stringify({ duration: '10m', comment: 'deploy in progress', createdBy: 'e2e' }),
    });
    expect(paused.status).toBe(201);
    const silenceID: string = paused.body.silenceId;
    // The pause is Alertmanager's own silence, and the pool view reads it back from there.
    const silence = (await (await fetch(`${stack.urls.alertmanager}/api/v2/silence/${silenceID}`)).json()) as any;
    expect(silence).toMatchObject({
      status: { state: 'active' },
      createdBy: 'e2e',
      comment: 'deploy in progress',
      matchers: [{ name: 'pool', value: 'demo' }],
    });
    expect((await call('/v1/pools/demo')).body.paused).toMatchObject({ silenceId: silenceID, createdBy: 'e2e' });
    await enqueue(300, 'e2e-b');
    const suppressed = async () => {
      const alerts = (await (
        await fetch(`${stack.urls.alertmanager}/api/v2/alerts?filter=pool%3D%22demo%22&filter=scale%3D%22up%22`)
      ).json()) as any[];
      return alerts.some((a) => a.status.state === 'suppressed' && a.status.silencedBy.includes(silenceID));
    };
    await waitFor('the scale-up alert to fire and be silenced', suppressed, 30_000, 250);
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await replicas()).toBe(1);
    expect(await pm2Online()).toBe(1);

    const resumed = await call('/v1/pools/demo/pause', { method: 'DELETE' });
    expect(resumed.body.expired).toEqual([silenceID]);
    await waitFor('scaling to resume after the silence expired', async () => (await replicas()) > 1, 30_000, 250);
    await waitFor('the queue to drain', async () => (await redis.llen(keys.queue)) === 0, 90_000, 250);
    await waitFor('every job completed', async () => (await redis.hlen(keys.completions)) === enqueued, 60_000, 250);
    expect(Object.values(await redis.hgetall(keys.completions)).filter((c) => c !== '1')).toEqual([]);
  }, 240_000);

  it('every dashboard query returns data from the live stack (dashboards that cannot rot)', async () => {
    const problems = await checkDashboardQueries(stack.urls.prometheus, DASHBOARDS_DIR, {
      lookbackSeconds: Math.ceil((Date.now() - startedAt) / 1000) + 30,
      // The demo queue is a plain list: its jobs carry no timestamp, so there is no oldest-job age.
      allowEmpty: ['alertscale_queue_oldest_job_age_seconds'],
    });
    expect(problems, formatProblems(problems)).toEqual([]);
  }, 60_000);
});
