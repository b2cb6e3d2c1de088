import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturedFiring, notification, startTestReceiver, TOKEN, type TestReceiver } from '../helpers/receiver.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

// Acceptance 5 and 6 of the receiver issue: bad input gets a 4xx JSON error and runs nothing.
let dir: string;
let redis: TestRedis;
let rx: TestReceiver;
const ranFile = () => join(dir, 'ran');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alertscale-input-'));
  redis = await startRedis();
  rx = await startTestReceiver(
    `redis: { url: REDIS_URL }
pools:
  demo:
    min: 1
    max: 60
    executor: { kind: command, scale: ["sh", "-c", "echo \\"$0\\" >> ${dir}/ran", "{pool}"] }
`,
    redis.url,
  );
});

afterAll(async () => {
  await rx?.close();
  await redis?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync('/tmp/pwned', { force: true });
});

const withLabels = (labels: Record<string, string | undefined>) => {
  const body = capturedFiring();
  for (const [k, v] of Object.entries(labels)) {
    if (v === undefined) delete body.alerts[0].labels[k];
    else body.alerts[0].labels[k] = v;
  }
  return body;
};

describe('bad input: 4xx with the JSON error shape, nothing runs', () => {
  const wrongVersion = { ...capturedFiring(), version: '3' };
  const noAlerts = (() => {
    const b = capturedFiring();
    delete b.alerts;
    return b;
  })();
  it.each([
    ['malformed JSON', { raw: '{"version": "4", "alerts": [' }, 400, 'invalid_json'],
    ['wrong version', { body: wrongVersion }, 422, 'invalid_request'],
    ['no alerts array', { body: noAlerts }, 422, 'invalid_request'],
    ['scale label missing', { body: withLabels({ scale: undefined }) }, 422, 'invalid_alert'],
    ['pool label missing', { body: withLabels({ pool: undefined }) }, 422, 'invalid_alert'],
    ['scale label not up/down', { body: withLabels({ scale: 'sideways' }) }, 422, 'invalid_alert'],
    ['target annotation not a number', { body: notification({ annotations: { target: 'lots' } }) }, 422, 'invalid_alert'],
    ['pool label with a shell command', { body: withLabels({ pool: 'demo;touch /tmp/pwned' }) }, 422, 'invalid_alert'],
    ['pool label with a substitution', { body: withLabels({ pool: '$(id)' }) }, 422, 'invalid_alert'],
    ['pool label with backticks', { body: withLabels({ pool: '`touch /tmp/pwned`' }) }, 422, 'invalid_alert'],
    ['oversize body (> 1 MiB)', { raw: JSON.stringify({ ...capturedFiring(), pad: 'x'.repeat(1024 * 1024) }) }, 413, 'body_too_large'],
    ['no token', { body: capturedFiring(), token: null }, 401, 'unauthorized'],
    ['wrong token', { body: capturedFiring(), token: 'test-token-4f1c' }, 401, 'unauthorized'],
  ] as const)('%s → %s %s', async (_what, input, status, code) => {
    const opts = { ...('raw' in input ? { raw: input.raw } : {}), ...('token' in input ? { token: input.token } : {}) };
    const res = await rx.post('/v1/alertmanager', 'body' in input ? input.body : undefined, opts);
    expect(res.status).toBe(status);
    expect(res.body).toEqual({
      error: { code, message: expect.any(String), ...(res.body.error.details ? { details: expect.anything() } : {}) },
    });
    await rx.receiver.idle();
    expect(existsSync(ranFile())).toBe(false);
    expect(existsSync('/tmp/pwned')).toBe(false);
  });

  it('an oversize chunked body (no Content-Length) is counted while it streams and refused', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${rx.url}/v1/alertmanager`,
        { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write('x'.repeat(64 * 1024));
      req.end();
    });
    expect(status).toBe(413);
    expect(existsSync(ranFile())).toBe(false);
  });

  it('names the alert and label that broke the contract', async () => {
    const res = await rx.post('/v1/alertmanager', withLabels({ pool: 'demo;touch /tmp/pwned' }));
    expect(res.body.error.details).toEqual([
      { alertname: 'QueueHigh', fingerprint: 'fc127052cd557f7d', problem: expect.stringContaining('demo;touch /tmp/pwned') },
    ]);
  });

  it('an unknown pool is rejected (422) and audited as rejected', async () => {
    const res = await rx.post('/v1/alertmanager', withLabels({ pool: 'payments' }));
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('unknown_pool');
    const audit = await rx.get('/v1/audit?outcome=rejected');
    expect(audit.body.entries[0]).toMatchObject({ pool: 'payments', outcome: 'rejected', alerts: [{ alertname: 'QueueHigh' }] });
    expect(existsSync(ranFile())).toBe(false);
  });

  it('alerts without pool and scale labels are counted, not acted on', async () => {
    const res = await rx.post('/v1/alertmanager', withLabels({ pool: undefined, scale: undefined }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ decisions: [], ignoredAlerts: 1 });
    const metrics = await rx.get('/metrics');
    expect(metrics.body).toMatch(/alertscale_alerts_received_total\{kind="other"\} 1/);
  });

  it('the API checks its input too', async () => {
    expect((await rx.get('/v1/pools/nope')).status).toBe(404);
    expect((await rx.post('/v1/pools/demo/scale', { replicas: 'two', reason: 'x' })).body.error.code).toBe('invalid_request');
    expect((await rx.post('/v1/pools/demo/scale', { replicas: 2 })).body.error.details[0].path).toBe('reason');
    expect((await rx.get('/v1/audit?outcome=exploded')).status).toBe(422);
    expect((await rx.get('/v1/audit?since=yesterday-ish')).body.error.message).toContain('not a time');
    expect((await rx.get('/v1/audit?since=14:60')).status).toBe(422);
    expect((await rx.get('/v1/audit/1795414460737-0')).body.error.code).toBe('not_found');
    expect((await rx.get('/v1/audit/drop-table')).status).toBe(422);
    expect(existsSync(ranFile())).toBe(false);
  });
});
