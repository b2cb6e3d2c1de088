import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertmanager, type TestAlertmanager } from '../helpers/alertmanager.js';
import { capturedFiring, startTestReceiver, TOKEN, type TestReceiver } from '../helpers/receiver.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

/**
 * Issue 12 §5: generated and mutated inputs against a real receiver (real Redis, real Alertmanager
 * for pause/resume, real `command` executors that leave one line per run). Whatever comes in: no
 * 5xx but 503, every error in the one JSON shape, and no command outside the contract.
 * Requests go through app.request (no socket): the receiver's code path from routing on.
 */
const POOLS = { alpha: { min: 1, max: 5 }, beta: { min: 0, max: 12 } } as const;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
/** Inputs per property, in batches sent concurrently (so the pool lock and queue are in the game). */
const BATCH = 10;

let dir: string;
let redis: TestRedis;
let am: TestAlertmanager;
let rx: TestReceiver;
const statuses = new Map<string, number>();
let inputs = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alertscale-fuzz-'));
  [redis, am] = await Promise.all([startRedis(), startAlertmanager()]);
  const record = `["sh", "-c", "echo \\"$0 $1\\" >> ${dir}/ran", "{pool}", "{replicas}"]`;
  rx = await startTestReceiver(
    `redis: { url: REDIS_URL }
pools:
  alpha:
    min: ${POOLS.alpha.min}
    max: ${POOLS.alpha.max}
    cooldown: { up: 0s, down: 0s }
    stepInterval: 1s
    executor: { kind: command, scale: ${record} }
  beta:
    min: ${POOLS.beta.min}
    max: ${POOLS.beta.max}
    maxStep: 3
    cooldown: { up: 0s, down: 0s }
    executor: { kind: command, scale: ${record} }
`,
    redis.url,
    { alertmanagerUrl: am.url },
  );
});

afterAll(async () => {
  await rx?.close();
  await Promise.all([redis?.close(), am?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Request {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: string;
}

/** Send one input; fail (with the input in the message) on anything outside the contract. */
async function send(req: Request): Promise<void> {
  inputs++;
  const res = await rx.receiver.app.request(req.path, {
    method: req.method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(req.body === undefined ? {} : { body: req.body }),
  });
  const text = await res.text();
  const key = `${req.method} ${req.path
    .split('?')[0]!
    .replace(/\/pools\/[^/]*/, '/pools/:pool')
    .replace(/\/audit\/.+/, '/audit/:id')} ${res.status}`;
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
  const where = `${req.method} ${req.path} ${req.body?.slice(0, 300) ?? ''} → ${res.status} ${text.slice(0, 300)}`;
  if (res.status >= 500 && res.status !== 503) throw new Error(`5xx: ${where}`);
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`answer is not JSON: ${where}`);
  }
  if (res.status >= 400) {
    const { error, ...rest } = json ?? {};
    const shaped =
      Object.keys(rest).length === 0 &&
      typeof error?.code === 'string' &&
      typeof error?.message === 'string' &&
      error.message !== '' &&
      Object.keys(error).every((k) => ['code', 'message', 'details'].includes(k));
    if (!shaped) throw new Error(`error without the error shape: ${where}`);
  }
}

const sendAll = (batch: Request[]) => Promise.all(batch.map(send)).then(() => true);
const run = (arb: fc.Arbitrary<Request>, numRuns: number) =>
  fc.assert(fc.asyncProperty(fc.array(arb, { minLength: BATCH, maxLength: BATCH }), sendAll), { numRuns, seed: SEED, endOnFailure: true });

// ── Building blocks: values near the contract's edges, and anything at all ─────────────────────
const poolName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('alpha', 'beta') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'payments',
      'Alpha',
      'alpha ',
      '',
      'a'.repeat(65),
      'demo;touch /tmp/pwned',
      '$(id)',
      '../alpha',
      'constructor',
      '__proto__',
      'toString',
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);
const countText = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -3, max: 20 }).map(String) },
  fc.double({ noNaN: false }).map(String),
  fc.constantFrom('2.4', ' 5 ', '1e3', '1e309', '-0', '0x10', 'Infinity', 'NaN', '', '1000001', '3abc'),
  fc.string({ maxLength: 8 }),
);
const timeText = fc.oneof(
  fc.integer({ min: -3_600_000, max: 600_000 }).map((ago) => new Date(Date.now() - ago).toISOString()),
  fc.constantFrom(
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '2026-13-01T00:00:00Z',
    '1e30',
    '99999999999999999999',
    '9999999y',
    'yesterday',
    '',
  ),
  fc.string({ maxLength: 30 }),
);
const anyJson = fc.jsonValue({ maxDepth: 4 });

/** Mostly `valid`, sometimes anything: most alerts then keep to the contract and reach a decision. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 9, arbitrary: valid }, { weight: 1, arbitrary: other });

/** One alert, from the captured one, each field either kept near the contract or replaced. */
const alert = fc.record(
  {
    status: mostly(fc.constantFrom('firing', 'resolved'), anyJson),
    labels: fc.record(
      {
        alertname: fc.constantFrom('QueueHigh', 'QueueLow', ''),
        pool: poolName,
        scale: mostly(fc.constantFrom('up', 'down'), fc.string({ maxLength: 6 })),
        extra: fc.string({ maxLength: 10 }),
      },
      { requiredKeys: ['alertname'] },
    ),
    annotations: mostly(
      fc.record({ target: countText, step: countText }, { requiredKeys: [] }),
      fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 2 }),
    ),
    startsAt: mostly(
      fc.integer({ min: 0, max: 600_000 }).map((ago) => new Date(Date.now() - ago).toISOString()),
      timeText,
    ),
    endsAt: mostly(fc.constant('0001-01-01T00:00:00Z'), timeText),
    generatorURL: mostly(fc.constant('http://127.0.0.1:19090/graph'), fc.string({ maxLength: 40 })),
    fingerprint: mostly(
      fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 16, maxLength: 16 }),
      fc.string({ maxLength: 20 }),
    ),
  },
  { requiredKeys: ['status', 'labels', 'startsAt'] },
);

/** The captured body with its alerts replaced, a top-level field dropped or changed, or extra ones. */
const webhookBody = fc
  .record({
    alerts: fc.array(alert, { maxLength: 4 }),
    version: fc.oneof({ weight: 8, arbitrary: fc.constant('4') }, { weight: 1, arbitrary: fc.constantFrom('1', '3', 4, null) }),
    drop: fc.option(
      fc.constantFrom(
        'groupKey',
        'status',
        'receiver',
        'groupLabels',
        'commonLabels',
        'commonAnnotations',
        'externalURL',
        'alerts',
        'truncatedAlerts',
      ),
      { freq: 5 },
    ),
    extra: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 3 }), { freq: 5 }),
  })
  .map(({ alerts, version, drop, extra }) => {
    const body: Record<string, unknown> = { ...capturedFiring(), ...(extra ?? {}), alerts, version };
    if (drop) delete body[drop];
    return JSON.stringify(body);
  });

/** JSON text with a few characters cut, doubled or replaced: truncated and broken bodies. */
const mutatedText = (base: fc.Arbitrary<string>) =>
  fc
    .tuple(base, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 4 }))
    .map(([text, cuts]) => {
      let out = text;
      for (const [at, len, insert] of cuts) {
        const i = out.length === 0 ? 0 : at % out.length;
        out = out.slice(0, i) + insert + out.slice(i + len);
      }
      return out;
    });

const bodyText = (structured: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 6, arbitrary: structured },
    { weight: 2, arbitrary: mutatedText(structured) },
    { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  );

/** A pool path segment: a name (encoded), or raw text with broken percent-escapes. */
const poolSegment = fc.oneof(
  { weight: 12, arbitrary: poolName.map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.constantFrom('%', '%E0%A4%A', '%zz', 'alpha%00', '%2e%2e', 'alpha%2Fbeta') },
);

// ── The properties ──────────────────────────────────────────────────────────────────────────────
const webhook = bodyText(webhookBody).map((body): Request => ({ method: 'POST', path: '/v1/alertmanager', body }));

const scaleBody = fc
  .record(
    {
      replicas: mostly(
        fc.integer({ min: -2, max: 15 }),
        fc.oneof(fc.double(), fc.constantFrom(1e6, 1e6 + 1, 2 ** 53, -0, '3', null, true, undefined)),
      ),
      reason: mostly(
        fc.constant('fuzz'),
        fc.oneof(fc.string({ maxLength: 10 }), fc.string({ minLength: 490, maxLength: 510 }), fc.integer(), fc.constant(undefined)),
      ),
      extra: fc.option(anyJson, { freq: 8 }),
    },
    { requiredKeys: ['replicas', 'reason'] },
  )
  .map((b) => JSON.stringify(b.extra === undefined ? (({ extra: _, ...rest }) => rest)(b) : b));
const scale = fc
  .tuple(poolSegment, bodyText(scaleBody))
  .map(([pool, body]): Request => ({ method: 'POST', path: `/v1/pools/${pool}/scale`, body }));

const durationText = fc.oneof(
  fc.constantFrom('30m', '2h', '1h30m', '1s', '999ms', '7d', '7d1ms', '8d', '0s', '-1m', '1y', '5', ''),
  fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom('ms', 's', 'm', 'h', 'd', 'w', 'y', '')).map(([n, u]) => `${n}${u}`),
  fc.string({ maxLength: 8 }),
);
const pauseBody = fc
  .record(
    {
      duration: mostly(durationText, fc.oneof(anyJson, fc.constant(undefined))),
      comment: mostly(
        fc.constant('fuzz'),
        fc.oneof(fc.string({ maxLength: 10 }), fc.string({ minLength: 995, maxLength: 1005 }), fc.constant(undefined)),
      ),
      createdBy: fc.string({ maxLength: 10 }),
    },
    { requiredKeys: ['duration', 'comment'] },
  )
  .map((b) => JSON.stringify(b));
const pause = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(poolSegment, bodyText(pauseBody))
      .map(([pool, body]): Request => ({ method: 'POST', path: `/v1/pools/${pool}/pause`, body })),
  },
  { weight: 1, arbitrary: poolSegment.map((pool): Request => ({ method: 'DELETE', path: `/v1/pools/${pool}/pause` })) },
);

const queryValue = fc.oneof(
  fc.constantFrom(
    'alpha',
    'beta',
    'scaled',
    'rejected',
    'no_change',
    'exploded',
    '15m',
    '1h',
    '0',
    '1795414460737-0',
    '1-0',
    '99999999999999999999999-0',
    '18446744073709551615-18446744073709551615',
    '100',
    '1000',
    '1001',
    '-1',
    '1.5',
    '1e3',
    '',
  ),
  timeText,
  fc.string({ maxLength: 12 }),
);
const auditQuery = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .dictionary(
        fc.oneof(fc.constantFrom('pool', 'outcome', 'since', 'until', 'limit', 'cursor'), fc.string({ maxLength: 6 })),
        queryValue,
        { maxKeys: 4 },
      )
      .map((q) => new URLSearchParams(q).toString()),
  },
  {
    weight: 1,
    arbitrary: mutatedText(fc.constantFrom('pool=alpha&limit=5', 'since=1h&until=0&outcome=scaled', 'cursor=1795414460737-0&limit=1000')),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom('limit=%', 'pool=%E0%A4%A', 'since=%zz', 'limit=1&limit=2', 'pool[]=alpha', '&&&', '=', 'limit'),
  },
);
const audit = fc.oneof(
  { weight: 4, arbitrary: auditQuery.map((q): Request => ({ method: 'GET', path: `/v1/audit?${q}` })) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.constantFrom('1-0', '1795414460737-0', 'drop-table', '%', '%E0%A4%A', '-', '99999999999999999999999-0'),
        fc.string({ maxLength: 12 }).map(encodeURIComponent),
      )
      .map((id): Request => ({ method: 'GET', path: `/v1/audit/${id}` })),
  },
);

/** Commands that ran: one line "pool replicas" each. */
const ran = () =>
  existsSync(join(dir, 'ran'))
    ? readFileSync(join(dir, 'ran'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' '))
    : [];

describe(`fuzz (seed ${SEED}; FUZZ_SEED=${SEED} replays it)`, () => {
  it('webhook bodies: 5,000 generated and mutated', async () => run(webhook, 500), 120_000);
  it('manual scale bodies and pool paths: 2,000', async () => run(scale, 200), 60_000);
  it('pause/resume bodies and pool paths: 1,000', async () => run(pause, 100), 60_000);
  it('audit query strings and entry ids: 2,000', async () => run(audit, 200), 60_000);

  it('every command that ran was inside the contract: a configured pool, a count within its bounds', async () => {
    await rx.receiver.idle();
    const commands = ran();
    // The fuzz must have reached the executors, or this check proves nothing.
    expect(commands.length).toBeGreaterThan(20);
    for (const [pool, replicas] of commands) {
      expect(Object.keys(POOLS)).toContain(pool);
      const bounds = POOLS[pool as keyof typeof POOLS];
      expect(Number(replicas)).toBeGreaterThanOrEqual(bounds.min);
      expect(Number(replicas)).toBeLessThanOrEqual(bounds.max);
    }
    // Every command has its audit entry, completed (nothing left running).
    const scaled = (await rx.get('/v1/audit?outcome=scaled&limit=1000')).body.entries;
    const failed = (await rx.get('/v1/audit?outcome=failed&limit=1000')).body.entries;
    expect(scaled.length + failed.length).toBe(commands.length);
    expect([...scaled, ...failed].every((e: { status: string }) => e.status === 'done')).toBe(true);
  });

  it('every pause was made on a configured pool', async () => {
    const silences = (await (await fetch(`${am.url}/api/v2/silences`)).json()) as { matchers: { name: string; value: string }[] }[];
    expect(silences.length).toBeGreaterThan(5);
    for (const s of silences) expect(Object.keys(POOLS)).toContain(s.matchers.find((m) => m.name === 'pool')?.value);
  });

  it('covered the answers that matter (not only 422s)', () => {
    if (process.env.FUZZ_STATS) console.log([...statuses].sort());
    expect(inputs).toBeGreaterThanOrEqual(10_000);
    const seen = (pattern: RegExp) => [...statuses].filter(([k]) => pattern.test(k)).reduce((n, [, c]) => n + c, 0);
    expect(seen(/^POST \/v1\/alertmanager 200$/)).toBeGreaterThan(100);
    expect(seen(/^POST \/v1\/alertmanager 4\d\d$/)).toBeGreaterThan(100);
    expect(seen(/^POST \/v1\/pools\/:pool\/scale 20[02]$/)).toBeGreaterThan(20);
    expect(seen(/^POST \/v1\/pools\/:pool\/pause 201$/)).toBeGreaterThan(5);
    expect(seen(/^GET \/v1\/audit 200$/)).toBeGreaterThan(100);
    expect(seen(/^GET \/v1\/audit 422$/)).toBeGreaterThan(100);
  });
});
