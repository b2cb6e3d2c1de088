import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runArgv } from '../../src/executors/run.js';
import { waitFor } from '../helpers/ports.js';
import { capturedFiring, notification, useTestReceiver } from '../helpers/receiver.js';

// Acceptance 1 and 2 of the receiver issue: a real Alertmanager 0.25 body scales a real pm2 app.
const pm2 = resolve('node_modules/.bin/pm2');

/** Online processes of the app as pm2 itself reports them (`pm2 jlist`, through the executor's probe). */
const online = () => rx.receiver.deps.executors.get('demo')!.current!();

/** The pm2 daemon of this file, apart from any other: its own PM2_HOME in the harness's dir. */
const pm2Env = (dir: string) => ({ PM2_HOME: join(dir, 'home') });
const { rx } = useTestReceiver(
  'rx-pm2',
  (dir) => `redis: { url: REDIS_URL }
pools:
  demo:
    min: 1
    max: 3
    cooldown: { up: 10m, down: 10m }
    executor: { kind: pm2, app: rx-demo, bin: ${pm2}, env: { PM2_HOME: ${pm2Env(dir).PM2_HOME} } }
`,
  {
    prepare: async (dir) => {
      const script = join(dir, 'rx-worker.js');
      await writeFile(script, 'setInterval(() => {}, 1000);\n');
      expect((await runArgv([pm2, 'start', script, '--name', 'rx-demo', '-i', '1'], { timeoutMs: 30_000, env: pm2Env(dir) })).ok).toBe(
        true,
      );
    },
    cleanup: async (dir) => {
      await runArgv([pm2, 'kill'], { timeoutMs: 15_000, env: pm2Env(dir) });
    },
  },
);

describe('Alertmanager webhook → pm2', () => {
  it('scales the pm2 app on the captured payload, bounded by max, and the audit API shows it', async () => {
    const res = await rx.post('/v1/alertmanager', capturedFiring()); // target "50", pool max 3
    expect(res.status).toBe(200);
    expect(res.body.decisions).toMatchObject([{ pool: 'demo', outcome: 'scaled', from: 1, to: 3, scale: 'up' }]);
    expect(res.body.decisions[0].reason).toContain('bounded to 3 by max 3');
    await rx.receiver.idle();
    await waitFor('3 online pm2 processes', async () => (await online()) === 3, 20_000, 250);

    const audit = await rx.get('/v1/audit?pool=demo&limit=5');
    expect(audit.status).toBe(200);
    const entry = audit.body.entries[0];
    expect(entry).toMatchObject({
      pool: 'demo',
      scale: 'up',
      from: 1,
      to: 3,
      outcome: 'scaled',
      status: 'done',
      exitCode: 0,
      actor: 'alertmanager',
      argv: [pm2, 'scale', 'rx-demo', '3'],
      alerts: [{ alertname: 'QueueHigh', fingerprint: 'fc127052cd557f7d', generatorURL: expect.stringContaining('/graph?g0.expr=') }],
    });
    expect(entry.durationMs).toBeGreaterThan(0);
    expect(entry.requestId).toBe(res.body.requestId);
  });

  it('runs nothing for a shrink inside the cooldown, and audits why', async () => {
    const down = notification({ scale: 'down', alertname: 'QueueLow', fingerprint: 'aa00000000000001', annotations: { step: '1' } });
    const res = await rx.post('/v1/alertmanager', down);
    expect(res.body.decisions).toMatchObject([{ outcome: 'cooldown', from: 3, to: 3 }]);
    expect(res.body.decisions[0].cooldownRemainingSeconds).toBeGreaterThan(590);
    const again = await rx.post('/v1/alertmanager', down);
    expect(again.body.decisions).toMatchObject([{ outcome: 'cooldown' }]);
    await rx.receiver.idle();
    expect(await online()).toBe(3);
    const audit = await rx.get('/v1/audit?pool=demo&outcome=cooldown');
    expect(audit.body.entries).toHaveLength(2);
  });

  it('runs nothing when the same payload comes again (already at max)', async () => {
    const res = await rx.post('/v1/alertmanager', capturedFiring());
    expect(res.body.decisions).toMatchObject([{ outcome: 'at_max', from: 3, to: 3 }]);
    await rx.receiver.idle();
    expect(await online()).toBe(3);
  });

  it('manual scaling goes through the same executor, bounds and audit (actor api)', async () => {
    const out = await rx.post('/v1/pools/demo/scale', { replicas: 9, reason: 'too many' });
    expect(out.status).toBe(422);
    expect(out.body.error.code).toBe('out_of_bounds');
    const res = await rx.post('/v1/pools/demo/scale', { replicas: 1, reason: 'load test over' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ outcome: 'scaled', from: 3, to: 1 });
    await rx.receiver.idle();
    await waitFor('1 online pm2 process', async () => (await online()) === 1, 20_000, 250);
    const pool = await rx.get('/v1/pools/demo');
    expect(pool.body).toMatchObject({ replicas: 1, min: 1, max: 3, enabled: true, executor: 'pm2' });
    const audit = await rx.get('/v1/audit?pool=demo&limit=1');
    expect(audit.body.entries[0]).toMatchObject({
      actor: 'api',
      outcome: 'scaled',
      to: 1,
      reason: expect.stringContaining('load test over'),
    });
  });
});
