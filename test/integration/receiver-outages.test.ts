/**
 * Issue 12 §6, the outages not covered elsewhere (Redis down: receiver-guards; Alertmanager down:
 * pause.test.ts "Alertmanager unreachable"), against a real redis-server: an executor whose binary
 * is missing is audited `failed` with the reason; a Redis that refuses writes because it cannot
 * persist (MISCONF, made to happen by a BGSAVE that fails) is 503, not 500, runs nothing, and the
 * receiver is served again once Redis takes writes, without a restart of the receiver.
 */
import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/ports.js';
import { notification, useTestReceiver } from '../helpers/receiver.js';

const { redis, rx, lines } = useTestReceiver(
  'outages',
  (dir) => `redis: { url: REDIS_URL }
pools:
  demo:
    min: 1
    max: 20
    cooldown: { up: 0s, down: 0s }
    executor: { kind: command, scale: ["sh", "-c", "echo \\"$0\\" >> ${dir}/ran", "{replicas}"] }
  ghost:
    min: 1
    max: 20
    cooldown: { up: 0s, down: 0s }
    executor: { kind: command, scale: ["alertscale-no-such-program", "{replicas}"] }
`,
);

let n = 0;
const stepUp = (pool: string) =>
  rx.post(
    '/v1/alertmanager',
    notification({
      pool,
      annotations: { step: '1' },
      fingerprint: `o${(n++).toString(16).padStart(15, '0')}`,
      startsAt: new Date(Date.now() - 1000).toISOString(),
    }),
  );

describe('outages', () => {
  it('executor binary missing: the decision is audited failed with the reason; the count stays', async () => {
    const res = await stepUp('ghost');
    expect(res.body.decisions[0]).toMatchObject({ outcome: 'scaled', from: 1, to: 2 });
    await rx.receiver.idle();
    const [entry] = (await rx.get('/v1/audit?pool=ghost&limit=1')).body.entries;
    expect(entry).toMatchObject({
      id: res.body.decisions[0].auditId,
      status: 'done',
      outcome: 'failed',
      argv: ['alertscale-no-such-program', '2'],
      exitCode: null,
      error: expect.stringContaining('alertscale-no-such-program: command not found (ENOENT)'),
    });
    expect((await rx.get('/v1/pools/ghost')).body).toMatchObject({ replicas: 1 });
  });

  it('Redis cannot persist (MISCONF): 503 state_unavailable, nothing runs; served again once it takes writes', async () => {
    const admin = redis.client();
    // Redis works in its data dir (CONFIG SET dir is protected); once that dir is deleted no BGSAVE can create its file.
    const [, data] = (await admin.config('GET', 'dir')) as [string, string];
    try {
      rmSync(data, { recursive: true });
      await admin.config('SET', 'save', '3600 1', 'stop-writes-on-bgsave-error', 'yes');
      await admin.bgsave();
      await waitFor('the BGSAVE to fail', async () => (await admin.info('persistence')).includes('rdb_last_bgsave_status:err'));
      await expect(admin.set('probe', '1')).rejects.toThrow(/MISCONF/); // the case did happen

      const refused = await stepUp('demo');
      expect(refused.status, JSON.stringify(refused.body)).toBe(503);
      expect(refused.body.error).toMatchObject({ code: 'state_unavailable', details: { cause: expect.stringContaining('MISCONF') } });
      await rx.receiver.idle();
      expect(lines('ran')).toEqual([]);

      // The operator's relief (its cwd is gone for good: only a restart would let it save again).
      await admin.config('SET', 'stop-writes-on-bgsave-error', 'no');
      const served = await stepUp('demo');
      expect(served.body.decisions?.[0], JSON.stringify(served.body)).toMatchObject({ outcome: 'scaled', from: 1, to: 2 });
      await rx.receiver.idle();
      expect(lines('ran')).toEqual(['2']);
    } finally {
      await admin.config('SET', 'save', '');
      admin.disconnect();
    }
  });
});
