import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, type TestAlertmanager } from '../helpers/alertmanager.js';
import { notification, startTestReceiver, type TestReceiver } from '../helpers/receiver.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

// Issue 6, "Pause and resume": a pause is a real Alertmanager 0.25 silence; the receiver reads them back.
const run = promisify(execFile);
let dir: string;
let redis: TestRedis;
let am: TestAlertmanager;
let rx: TestReceiver;
const runs = (pool: string) => (existsSync(join(dir, pool)) ? readFileSync(join(dir, pool), 'utf8').trim().split('\n') : []);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alertscale-pause-'));
  [redis, am] = await Promise.all([startRedis(), startAlertmanager()]);
  const record = () => `["sh", "-c", "echo \\"$1\\" >> ${dir}/$0", "{pool}", "{replicas}"]`;
  rx = await startTestReceiver(
    `redis: { url: REDIS_URL }
pools:
  demo:
    min: 1
    max: 10
    executor: { kind: command, scale: ${record()} }
  web:
    min: 1
    max: 10
    executor: { kind: command, scale: ${record()} }
  api:
    min: 1
    max: 10
    cooldown: { up: 0s, down: 0s }
    executor: { kind: command, scale: ${record()} }
`,
    redis.url,
    { alertmanagerUrl: am.url },
  );
});

afterAll(async () => {
  await rx?.close();
  await Promise.all([redis?.close(), am?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

/** Alertmanager's own view, straight from its API. */
async function silenceInAlertmanager(id: string): Promise<any> {
  const all = (await (await fetch(`${am.url}/api/v2/silences`)).json()) as any[];
  return all.find((s) => s.id === id);
}

async function amtool(...args: string[]): Promise<string> {
  const { stdout } = await run('amtool', [`--alertmanager.url=${am.url}`, ...args]);
  return stdout.trim();
}

const pool = async (name: string) => (await rx.get('/v1/pools')).body.pools.find((p: any) => p.pool === name);
const near = (iso: string, expectedMs: number) => Math.abs(Date.parse(iso) - expectedMs) < 5_000;

describe('pause', () => {
  let silenceId: string;

  it('creates a silence on pool="demo" that Alertmanager lists, with createdBy and comment', async () => {
    const res = await rx.post('/v1/pools/demo/pause', { duration: '30m', comment: 'deploy 42', createdBy: 'alice' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      pool: 'demo',
      comment: 'deploy 42',
      createdBy: 'alice',
      matchers: [{ name: 'pool', value: 'demo', isRegex: false, isEqual: true }],
    });
    expect(near(res.body.until, Date.now() + 30 * 60_000)).toBe(true);
    silenceId = res.body.silenceId;
    const silence = await silenceInAlertmanager(silenceId);
    expect(silence).toMatchObject({
      status: { state: 'active' },
      createdBy: 'alice',
      comment: 'deploy 42',
      endsAt: res.body.until,
      matchers: [{ name: 'pool', value: 'demo', isRegex: false, isEqual: true }],
    });
    // amtool reads the same silence back: the pause is Alertmanager's, not the receiver's.
    expect(await amtool('silence', 'query', '-q', 'pool=demo')).toBe(silenceId);
  });

  it('GET /v1/pools and /v1/pools/demo show it as paused until …; web is not paused', async () => {
    const list = await rx.get('/v1/pools');
    expect(list.status).toBe(200);
    expect(list.body.warnings).toEqual([]);
    const demo = list.body.pools.find((p: any) => p.pool === 'demo');
    expect(demo).toMatchObject({
      pausedUnknown: false,
      paused: {
        silenceId,
        comment: 'deploy 42',
        createdBy: 'alice',
        scale: ['up', 'down'],
        partial: false,
        resumable: true,
        otherSilenceIds: [],
      },
    });
    expect(near(demo.paused.until, Date.now() + 30 * 60_000)).toBe(true);
    expect(list.body.pools.find((p: any) => p.pool === 'web')).toMatchObject({ paused: null, pausedUnknown: false });
    expect((await rx.get('/v1/pools/demo')).body.paused).toEqual(demo.paused);
  });

  it('createdBy defaults to alertscale; a second pause is another silence, the longer one shows', async () => {
    const res = await rx.post('/v1/pools/demo/pause', { duration: '1h', comment: 'longer' });
    expect(res.status).toBe(201);
    expect(res.body.createdBy).toBe('alertscale');
    expect((await silenceInAlertmanager(res.body.silenceId)).createdBy).toBe('alertscale');
    expect((await pool('demo')).paused).toMatchObject({ silenceId: res.body.silenceId, comment: 'longer', otherSilenceIds: [silenceId] });
  });

  it('alertscale_pool_paused is 1 for demo and 0 for web', async () => {
    const text = (await rx.get('/metrics')).body as string;
    expect(text).toMatch(/^alertscale_pool_paused\{pool="demo"\} 1$/m);
    expect(text).toMatch(/^alertscale_pool_paused\{pool="web"\} 0$/m);
  });

  it('manual scaling still works while paused, and the audit says the pool was paused', async () => {
    const res = await rx.post('/v1/pools/demo/scale', { replicas: 3, reason: 'hotfix needs room' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ outcome: 'scaled', from: 1, to: 3, reason: expect.stringContaining('while paused by silence') });
    await rx.receiver.idle();
    expect(runs('demo')).toEqual(['3']);
    const audit = await rx.get('/v1/audit?pool=demo&limit=1');
    expect(audit.body.entries[0]).toMatchObject({
      outcome: 'scaled',
      actor: 'api',
      to: 3,
      reason: expect.stringMatching(/hotfix needs room; while paused by silence [0-9a-f-]+ until /),
    });
  });

  it('DELETE expires every silence on exactly pool="demo"; Alertmanager shows them expired; demo is not paused', async () => {
    const before = (await pool('demo')).paused;
    const ids = [before.silenceId, ...before.otherSilenceIds].sort();
    const res = await rx.delete('/v1/pools/demo/pause');
    expect(res.status).toBe(200);
    expect({ ...res.body, expired: [...res.body.expired].sort() }).toEqual({
      pool: 'demo',
      expired: ids,
      left: [],
      paused: null,
      message: expect.stringContaining('demo is not paused'),
    });
    for (const id of ids) expect((await silenceInAlertmanager(id)).status.state).toBe('expired');
    expect(await pool('demo')).toMatchObject({ paused: null, pausedUnknown: false });
    expect((await rx.get('/metrics')).body).toMatch(/^alertscale_pool_paused\{pool="demo"\} 0$/m);
  });

  it('resuming a pool that is not paused is a 200 with nothing expired (idempotent)', async () => {
    const res = await rx.delete('/v1/pools/demo/pause');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ expired: [], left: [], paused: null });
  });
});

describe('silences made elsewhere', () => {
  it('a silence made with amtool shows as paused, and resume expires it', async () => {
    const id = await amtool('silence', 'add', 'pool=web', '--duration=2m', '--comment=made by hand', '--author=bob');
    const web = await pool('web');
    expect(web.paused).toMatchObject({
      silenceId: id,
      comment: 'made by hand',
      createdBy: 'bob',
      resumable: true,
      matchers: [{ name: 'pool', value: 'web', isRegex: false, isEqual: true }],
    });
    expect(near(web.paused.until, Date.now() + 2 * 60_000)).toBe(true);
    expect((await pool('demo')).paused).toBeNull();
    const res = await rx.delete('/v1/pools/web/pause');
    expect(res.body).toMatchObject({ expired: [id], left: [], paused: null });
    expect((await silenceInAlertmanager(id)).status.state).toBe('expired');
  });

  it('pool=web,scale=up pauses scale-up only; resume expires it', async () => {
    const id = await amtool('silence', 'add', 'pool=web', 'scale=up', '--duration=2m', '--comment=no growth');
    expect((await pool('web')).paused).toMatchObject({ silenceId: id, scale: ['up'], resumable: true });
    expect((await rx.delete('/v1/pools/web/pause')).body).toMatchObject({ expired: [id], left: [] });
  });

  it('a broader silence (regex on pool) pauses both pools; resume leaves it alone and says so', async () => {
    const id = await amtool('silence', 'add', 'pool=~"demo|web"', '--duration=2m', '--comment=maintenance window');
    expect((await pool('demo')).paused).toMatchObject({ silenceId: id, resumable: false });
    expect((await pool('web')).paused).toMatchObject({ silenceId: id, resumable: false });
    const res = await rx.delete('/v1/pools/web/pause');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      expired: [],
      left: [id],
      paused: { silenceId: id },
      message: expect.stringContaining('broader silence'),
    });
    expect((await silenceInAlertmanager(id)).status.state).toBe('active');
    await amtool('silence', 'expire', id);
    expect((await pool('web')).paused).toBeNull();
  });

  it('a silence on other alerts only (no pool or scale matcher) is not a pause', async () => {
    const id = await amtool('silence', 'add', 'alertname=DiskFull', '--duration=2m', '--comment=unrelated');
    expect((await pool('demo')).paused).toBeNull();
    await amtool('silence', 'expire', id);
  });
});

describe('a notification that left Alertmanager before the silence began', () => {
  const firing = notification({
    pool: 'api',
    scale: 'up',
    annotations: { step: '1' },
    fingerprint: 'a0a0a0a0a0a0a0a0',
    startsAt: new Date(Date.now() - 60_000).toISOString(),
  });
  const decisionsPaused = async () =>
    Number(/^alertscale_decisions_total\{pool="api",scale="up",outcome="paused"\} (\d+)$/m.exec((await rx.get('/metrics')).body)?.[1] ?? 0);

  it('is decided `paused`: audited, counted, nothing runs', async () => {
    expect((await rx.post('/v1/pools/api/pause', { duration: '10m', comment: 'race test' })).status).toBe(201);
    const res = await rx.post('/v1/alertmanager', firing);
    expect(res.status).toBe(200);
    expect(res.body.decisions).toEqual([
      expect.objectContaining({
        pool: 'api',
        outcome: 'paused',
        scale: 'up',
        from: 1,
        to: 1,
        reason: expect.stringContaining('by silence'),
      }),
    ]);
    await rx.receiver.idle();
    expect(runs('api')).toEqual([]);
    const audit = await rx.get('/v1/audit?pool=api&limit=1');
    expect(audit.body.entries[0]).toMatchObject({
      outcome: 'paused',
      actor: 'alertmanager',
      reason: expect.stringMatching(/^paused: .* \{pool="api"\} from alertscale until .* \(race test\)/),
    });
    expect(await decisionsPaused()).toBe(1);
  });

  it('after resume, the same firing (Alertmanager re-sends it when the silence ends) scales', async () => {
    expect((await rx.delete('/v1/pools/api/pause')).body.expired).toHaveLength(1);
    const res = await rx.post('/v1/alertmanager', firing);
    expect(res.body.decisions[0]).toMatchObject({ outcome: 'scaled', from: 1, to: 2 });
    await rx.receiver.idle();
    expect(runs('api')).toEqual(['2']);
  });

  it("a silence expired in Alertmanager a moment ago (still in the receiver's cache) does not pause", async () => {
    const { body } = await rx.post('/v1/pools/api/pause', { duration: '10m', comment: 'short-lived' });
    await amtool('silence', 'expire', body.silenceId);
    // Alertmanager sends the firing ~0.4 s after an early expiry: well inside the cache's 2 s.
    const res = await rx.post(
      '/v1/alertmanager',
      notification({
        pool: 'api',
        scale: 'up',
        annotations: { step: '1' },
        fingerprint: 'c0c0c0c0c0c0c0c0',
        startsAt: new Date().toISOString(),
      }),
    );
    expect(res.body.decisions[0]).toMatchObject({ outcome: 'scaled', from: 2, to: 3 });
    await rx.receiver.idle();
    expect(runs('api')).toEqual(['2', '3']);
  });
});

describe('bad input: 4xx, no silence made', () => {
  it.each<[string, string, unknown, number, string]>([
    ['no comment', 'demo', { duration: '30m' }, 422, 'invalid_request'],
    ['a blank comment', 'demo', { duration: '30m', comment: '   ' }, 422, 'invalid_request'],
    ['duration "forever"', 'demo', { duration: 'forever', comment: 'x' }, 422, 'invalid_request'],
    ['duration over 7d', 'demo', { duration: '8d', comment: 'x' }, 422, 'invalid_request'],
    ['duration 0s', 'demo', { duration: '0s', comment: 'x' }, 422, 'invalid_request'],
    ['a number as duration', 'demo', { duration: 1800, comment: 'x' }, 422, 'invalid_request'],
    ['an unknown field', 'demo', { duration: '30m', comment: 'x', matchers: [] }, 422, 'invalid_request'],
    ['an unknown pool', 'nope', { duration: '30m', comment: 'x' }, 404, 'unknown_pool'],
  ])('%s → %i %s', async (_what, name, body, status, code) => {
    const before = ((await (await fetch(`${am.url}/api/v2/silences`)).json()) as any[]).length;
    const res = await rx.post(`/v1/pools/${name}/pause`, body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(typeof res.body.error.message).toBe('string');
    expect(((await (await fetch(`${am.url}/api/v2/silences`)).json()) as any[]).length).toBe(before);
  });

  it('names the problem: duration', async () => {
    const res = await rx.post('/v1/pools/demo/pause', { duration: 'forever', comment: 'x' });
    expect(res.body.error.message).toContain('"forever" is not a duration');
  });

  it('malformed JSON → 400; no token → 401; resume of an unknown pool → 404', async () => {
    expect((await rx.post('/v1/pools/demo/pause', undefined, { raw: '{"duration":' })).body.error.code).toBe('invalid_json');
    expect((await rx.post('/v1/pools/demo/pause', { duration: '1m', comment: 'x' }, { token: null })).status).toBe(401);
    const res = await rx.delete('/v1/pools/nope/pause');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('unknown_pool');
  });
});

describe('Alertmanager unreachable', () => {
  beforeAll(async () => {
    await am.stop();
  });

  it('pause and resume answer 502 alertmanager_unreachable with the JSON error', async () => {
    const pause = await rx.post('/v1/pools/demo/pause', { duration: '30m', comment: 'x' });
    expect(pause.status).toBe(502);
    expect(pause.body.error).toMatchObject({
      code: 'alertmanager_unreachable',
      message: expect.stringContaining(`Alertmanager at ${am.url} is unreachable`),
    });
    expect(pause.body.error.message).toContain('ECONNREFUSED');
    const resume = await rx.delete('/v1/pools/demo/pause');
    expect(resume.status).toBe(502);
    expect(resume.body.error.code).toBe('alertmanager_unreachable');
  });

  it('GET /v1/pools still answers 200: paused unknown, with a warning', async () => {
    const list = await rx.get('/v1/pools');
    expect(list.status).toBe(200);
    expect(list.body.pools.map((p: any) => [p.pool, p.paused, p.pausedUnknown])).toEqual([
      ['demo', null, true],
      ['web', null, true],
      ['api', null, true],
    ]);
    expect(list.body.warnings).toEqual([expect.stringContaining('paused state unknown')]);
    expect((await rx.get('/v1/pools/demo')).body).toMatchObject({ pool: 'demo', paused: null, pausedUnknown: true });
  });

  it('a webhook is handled as not silenced, without waiting on Alertmanager', async () => {
    const started = performance.now();
    const res = await rx.post(
      '/v1/alertmanager',
      notification({
        pool: 'api',
        scale: 'up',
        annotations: { step: '1' },
        fingerprint: 'b0b0b0b0b0b0b0b0',
        startsAt: new Date().toISOString(),
      }),
    );
    expect(performance.now() - started).toBeLessThan(500);
    expect(res.body.decisions[0]).toMatchObject({ outcome: 'scaled', from: 3, to: 4 });
    await rx.receiver.idle();
    expect(runs('api')).toEqual(['2', '3', '4']);
  });

  it('manual scaling still works; alertscale_pool_paused has no series (unknown, not 0)', async () => {
    const res = await rx.post('/v1/pools/web/scale', { replicas: 2, reason: 'Alertmanager is down' });
    expect(res.status).toBe(202);
    await rx.receiver.idle();
    expect(runs('web')).toEqual(['2']);
    const text = (await rx.get('/metrics')).body as string;
    expect(text).toContain('# TYPE alertscale_pool_paused gauge');
    expect(text).not.toMatch(/^alertscale_pool_paused\{/m);
  });
});
