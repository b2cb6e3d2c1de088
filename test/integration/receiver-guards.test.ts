import { beforeEach, describe, expect, it } from 'vitest';
import { notification, useTestReceiver } from '../helpers/receiver.js';

// Acceptance 3–7 of the receiver issue, with `command` executors that leave a line in a file per run.
// Each run appends its replicas to a file named after the pool ({pool}): the file is the proof of what ran.
const record = (dir: string, extra = '') => `["sh", "-c", "${extra}echo \\"$1\\" >> ${dir}/$0", "{pool}", "{replicas}"]`;
const {
  redis,
  rx,
  lines: runs,
} = useTestReceiver(
  'guards',
  (dir) => `redis: { url: REDIS_URL }
pools:
  busy:
    min: 1
    max: 20
    cooldown: { up: 0s, down: 0s }
    executor: { kind: command, scale: ${record(dir, 'sleep 0.3; ')} }
  flaky:
    min: 1
    max: 20
    cooldown: { up: 5m, down: 5m }
    executor: { kind: command, scale: ["sh", "-c", "echo boom >&2; exit 1"] }
  slow:
    min: 1
    max: 20
    cooldown: { up: 5m, down: 5m }
    executor: { kind: command, scale: ["sleep", "30"], timeout: 500ms }
  demo:
    min: 1
    max: 20
    cooldown: { up: 0s, down: 0s }
    stepInterval: 1m
    executor: { kind: command, scale: ${record(dir)} }
`,
);

let n = 0;
/** A firing no earlier notification has seen: its own fingerprint and startsAt. */
const fresh = (change: Parameters<typeof notification>[0]) =>
  notification({
    fingerprint: `f${(n++).toString(16).padStart(15, '0')}`,
    startsAt: new Date(Date.now() - 1000 * n).toISOString(),
    ...change,
  });

describe('duplicates', () => {
  it('20 concurrent copies of one notification run exactly one command', async () => {
    const body = fresh({ pool: 'busy', annotations: { step: '2' } });
    const answers = await Promise.all(Array.from({ length: 20 }, () => rx.post('/v1/alertmanager', body)));
    await rx.receiver.idle();
    expect(runs('busy')).toEqual(['3']);
    const outcomes = answers.map((a) => (a.status === 200 ? a.body.decisions[0].outcome : `${a.status} ${a.body.error.code}`));
    expect(outcomes.filter((o) => o === 'scaled')).toHaveLength(1);
    // The others either waited for the lock and saw the step already taken, or were told to retry.
    for (const o of outcomes.filter((o) => o !== 'scaled')) expect(['no_change', '503 pool_busy']).toContain(o);
  });

  it('a stale firing delivered after its resolved (HA peer) runs nothing; a new firing of the alert acts', async () => {
    const firing = fresh({ pool: 'demo', annotations: { step: '1' } });
    expect((await rx.post('/v1/alertmanager', firing)).body.decisions[0].outcome).toBe('scaled');
    const resolved = structuredClone(firing);
    resolved.alerts[0].status = 'resolved';
    resolved.status = 'resolved';
    expect((await rx.post('/v1/alertmanager', resolved)).body.decisions[0]).toMatchObject({ outcome: 'no_change' });
    const stale = await rx.post('/v1/alertmanager', firing);
    expect(stale.body.decisions[0]).toMatchObject({ outcome: 'no_change', reason: expect.stringContaining('stale') });
    await rx.receiver.idle();
    expect(runs('demo')).toEqual(['2']);
    // A silence can swallow the resolved; the alert's next firing has a new startsAt and acts.
    const next = structuredClone(firing);
    next.alerts[0].startsAt = new Date().toISOString();
    expect((await rx.post('/v1/alertmanager', next)).body.decisions[0]).toMatchObject({ outcome: 'scaled', from: 2, to: 3 });
    await rx.receiver.idle();
    expect(runs('demo')).toEqual(['2', '3']);
  });

  it('a delayed copy of an older firing, arriving after the alert fired again, runs nothing', async () => {
    const before = runs('demo').length;
    const first = fresh({ pool: 'demo', annotations: { step: '1' } });
    expect((await rx.post('/v1/alertmanager', first)).body.decisions[0].outcome).toBe('scaled');
    const again = structuredClone(first);
    again.alerts[0].startsAt = new Date().toISOString();
    expect((await rx.post('/v1/alertmanager', again)).body.decisions[0].outcome).toBe('scaled');
    await rx.receiver.idle();
    const late = await rx.post('/v1/alertmanager', first);
    expect(late.body.decisions[0]).toMatchObject({ outcome: 'no_change', reason: expect.stringContaining('stale') });
    await rx.receiver.idle();
    expect(runs('demo')).toHaveLength(before + 2);
  });

  it('a repeat of a still-firing step alert inside stepInterval does not step again', async () => {
    const before = runs('demo').length;
    const firing = fresh({ pool: 'demo', annotations: { step: '1' } });
    expect((await rx.post('/v1/alertmanager', firing)).body.decisions[0].outcome).toBe('scaled');
    await rx.receiver.idle();
    const repeat = await rx.post('/v1/alertmanager', firing);
    expect(repeat.body.decisions[0]).toMatchObject({ outcome: 'no_change', reason: expect.stringContaining('duplicate') });
    await rx.receiver.idle();
    expect(runs('demo')).toHaveLength(before + 1);
  });
});

describe('failed commands', () => {
  beforeEach(async () => rx.receiver.idle());

  it.each([
    ['flaky', 'exits 1', { exitCode: 1, timedOut: false, outputTail: expect.stringContaining('boom') }],
    ['slow', 'sleeps past its timeout', { exitCode: null, timedOut: true }],
  ])('%s: a command that %s is audited failed and stamps no cooldown', async (pool, _what, execution) => {
    const res = await rx.post('/v1/alertmanager', fresh({ pool, annotations: { step: '1' } }));
    expect(res.body.decisions[0].outcome).toBe('scaled');
    await rx.receiver.idle();
    const audit = await rx.get(`/v1/audit?pool=${pool}&limit=1`);
    expect(audit.body.entries[0]).toMatchObject({ outcome: 'failed', status: 'done', ...execution });
    expect(audit.body.entries[0].error).toBeTruthy();
    const view = await rx.get(`/v1/pools/${pool}`);
    expect(view.body).toMatchObject({ replicas: 1, cooldownRemainingSeconds: { up: 0, down: 0 }, cooldown: { up: 300, down: 300 } });
    // The pool's last decision says how its command ended, as the audit entry does.
    expect(view.body.lastDecision).toMatchObject({ id: res.body.decisions[0].auditId, outcome: 'failed' });
    const byId = await rx.get(`/v1/audit/${res.body.decisions[0].auditId}`);
    expect(byId.body).toMatchObject({ outcome: 'failed', status: 'done', ...execution });
    // With no cooldown stamped, the next notification tries again at once.
    const retry = await rx.post('/v1/alertmanager', fresh({ pool, annotations: { step: '1' } }));
    expect(retry.body.decisions[0].outcome).toBe('scaled');
  });
});

describe('Redis unavailable', () => {
  it('answers 503 and runs nothing; works again when Redis is back, without a restart', async () => {
    await rx.receiver.idle();
    const before = runs('demo').length;
    await redis.stop();
    const res = await rx.post('/v1/alertmanager', fresh({ pool: 'demo', annotations: { step: '1' } }));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('state_unavailable');
    expect((await rx.get('/readyz')).status).toBe(503);
    expect(runs('demo')).toHaveLength(before);
    await redis.start();
    // The client reconnects on its own; Alertmanager's retry would land like this.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await rx.get('/readyz')).status;
    }
    const again = await rx.post('/v1/alertmanager', fresh({ pool: 'demo', annotations: { step: '1' } }));
    expect(again.status).toBe(200);
    expect(again.body.decisions[0].outcome).toBe('scaled');
    await rx.receiver.idle();
    expect(runs('demo')).toHaveLength(before + 1);
  });
});
