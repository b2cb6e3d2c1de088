import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { toScalingAlerts } from '../../src/cli/client/alertmanager.js';
import { checkTimeArg, parseCountArg, parseDurationArg, parseLimitArg, parseOutcomeArg, parseTimeArg } from '../../src/cli/client/args.js';
import { compareIds, followState, nextSince, takeNew } from '../../src/cli/client/audit-follow.js';
import { listenUrl } from '../../src/cli/client/context.js';
import { apiError, CliError, networkReason, unreachable, type RequestContext } from '../../src/cli/client/errors.js';
import { cpuPerWorker, parseExposition, poolMetrics } from '../../src/cli/client/exposition.js';
import { timeParam } from '../../src/cli/client/http.js';
import type { AuditEntry } from '../../src/cli/client/types.js';

describe('argument parsers (a bad value is a usage error, exit 2)', () => {
  it('durations as Prometheus writes them', () => {
    expect(parseDurationArg('1h')).toBe(3_600_000);
    expect(parseDurationArg('1h30m')).toBe(5_400_000);
    expect(parseDurationArg('500ms')).toBe(500);
    for (const bad of ['1 hour', '', '0s', '-5m', '10']) expect(() => parseDurationArg(bad)).toThrow(InvalidArgumentError);
  });
  it('replica counts', () => {
    expect(parseCountArg('0')).toBe(0);
    expect(parseCountArg('12')).toBe(12);
    for (const bad of ['-1', '1.5', 'three', '', '99999999']) expect(() => parseCountArg(bad)).toThrow(/not a replica count/);
  });
  it('limits', () => {
    expect(parseLimitArg(100)('5')).toBe(5);
    for (const bad of ['0', '101', 'x', '2.5']) expect(() => parseLimitArg(100)(bad)).toThrow(/from 1 to 100/);
  });
  it('outcomes from the closed union only', () => {
    expect(parseOutcomeArg('cooldown')).toBe('cooldown');
    expect(() => parseOutcomeArg('scaling')).toThrow(/use one of scaled, no_change/);
  });
  it('times: a duration ago, a clock time today, RFC 3339, unix seconds', () => {
    const now = new Date(2026, 10, 23, 14, 30, 0).getTime();
    expect(parseTimeArg('15m', now)).toBe(now - 900_000);
    expect(parseTimeArg('14:03', now)).toBe(new Date(2026, 10, 23, 14, 3, 0).getTime());
    expect(parseTimeArg('09:05:07', now)).toBe(new Date(2026, 10, 23, 9, 5, 7).getTime());
    expect(parseTimeArg('2026-11-23T06:00:00Z', now)).toBe(Date.parse('2026-11-23T06:00:00Z'));
    expect(parseTimeArg('1795413600', now)).toBe(1_795_413_600_000);
    for (const bad of ['yesterday', '25:00', '14:60', '']) expect(() => parseTimeArg(bad, now)).toThrow(InvalidArgumentError);
    expect(checkTimeArg('1h')).toBe('1h');
  });
  it('a time goes to the API as unix seconds with milliseconds', () => expect(timeParam(1_795_413_600_123)).toBe('1795413600.123'));
});

describe('listenUrl', () => {
  it.each([
    ['127.0.0.1:9460', 'http://127.0.0.1:9460'],
    ['9460', 'http://127.0.0.1:9460'],
    ['0.0.0.0:9460', 'http://127.0.0.1:9460'],
    ['[::]:9460', 'http://[::1]:9460'],
    ['receiver.internal:80', 'http://receiver.internal:80'],
  ])('%s → %s', (listen, url) => expect(listenUrl(listen)).toBe(url));
});

describe('errors: one line, with the fix', () => {
  const endpoint = {
    name: 'the receiver',
    url: 'http://127.0.0.1:9460',
    startHint: 'start it with: alertscale receiver --config alertscale.yml',
  };
  const ctx: RequestContext = { endpoint, method: 'GET', path: '/v1/pools', configFile: 'alertscale.yml', tokenSent: true };
  const body = (code: string, message: string, details?: unknown) => ({ error: { code, message, details } });
  const refused = Object.assign(new TypeError('fetch failed'), {
    cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
  });

  it('a refused connection names the address, the errno and how to start it', () => {
    expect(networkReason(refused)).toBe('ECONNREFUSED');
    expect(unreachable(endpoint, refused, 10_000).message).toBe(
      'cannot reach the receiver at http://127.0.0.1:9460 (ECONNREFUSED); ' +
        'is it running? start it with: alertscale receiver --config alertscale.yml',
    );
  });
  it('a timeout says how long it waited', () => {
    const timeout = Object.assign(new Error('aborted'), { name: 'TimeoutError' });
    expect(unreachable(endpoint, timeout, 10_000).message).toMatch(/did not answer within 10s; .*--timeout/);
  });
  it.each([
    [
      401,
      body('unauthorized', 'wrong bearer token'),
      true,
      /rejected the bearer token \(wrong bearer token\); use the token .*--token-file FILE/,
    ],
    [
      401,
      body('unauthorized', 'missing bearer token'),
      false,
      /wants a bearer token; set receiver.tokenFile or receiver.tokenEnv in alertscale.yml/,
    ],
    [
      404,
      body('unknown_pool', 'pool "nope" is not defined in alertscale.yml', { known: ['demo', 'web'] }),
      true,
      /^pool "nope" is not defined in alertscale.yml \(pools: demo, web\); list the pools with: alertscale status$/,
    ],
    [404, body('not_found', 'no route for GET /v1/pools'), true, /has no GET \/v1\/pools; it is older than this CLI/],
    [
      422,
      body('out_of_bounds', 'manual: 12 is outside [1, 8] (x)'),
      true,
      /^manual: 12 is outside \[1, 8\] \(x\); pick a count within the pool's bounds/,
    ],
    [
      502,
      body('alertmanager_unreachable', 'cannot reach Alertmanager at http://127.0.0.1:9093 (ECONNREFUSED)'),
      true,
      /check that Alertmanager is running at alertmanager.url of alertscale.yml/,
    ],
    [
      503,
      body('state_unavailable', 'pool demo: Redis is unreachable; nothing was run'),
      true,
      /check that Redis \(redis.url in alertscale.yml\) is running/,
    ],
    [
      500,
      body('internal', 'internal error; see the receiver log', { requestId: 'abc' }),
      true,
      /^the receiver failed \(request abc\): internal error/,
    ],
    [409, body('conflict', 'x'), true, /refused GET \/v1\/pools \(HTTP 409 conflict\): x/],
    [404, '<html>not found</html>', true, /HTTP 404 and no alertscale error body; is http:\/\/127.0.0.1:9460 the receiver's address/],
  ])('HTTP %i %j', (status, b, tokenSent, expected) => {
    const err = apiError({ ...ctx, tokenSent }, status, b);
    expect(err).toBeInstanceOf(CliError);
    expect(err.message).toMatch(expected);
    expect(err.message).not.toContain('\n');
  });
  it('keeps a server message that already names alertmanager.url as it is', () => {
    const msg =
      'cannot reach Alertmanager (ECONNREFUSED); nothing was changed. Start Alertmanager or fix alertmanager.url in alertscale.yml';
    expect(apiError(ctx, 502, body('alertmanager_unreachable', msg)).message).toBe(msg);
  });
  it('CliError flattens any newline in data into one line', () => expect(new CliError('a\nb').message).toBe('a b'));
});

describe('exporter /metrics', () => {
  const text = `# HELP alertscale_workers_alive Heartbeats present
# TYPE alertscale_workers_alive gauge
alertscale_workers_alive{pool="demo"} 3
alertscale_workers_busy{pool="demo"} 2
alertscale_queue_length{queue="demo-jobs",pool="demo"} 12
alertscale_queue_length{queue="demo-slow",pool="demo"} 3
alertscale_queue_length{queue="unowned"} 100
alertscale_pool_processes{pool="demo"} 3
alertscale_pool_cpu_seconds_total{pool="demo"} 10.5
alertscale_pool_cpu_seconds_total{pool="we\\"ird,name"} 1e3
alertscale_host_cpus 8
broken{line
`;
  it('parses samples with labels, escapes and exponents; skips comments and junk', () => {
    const samples = parseExposition(text);
    expect(samples).toContainEqual({ name: 'alertscale_host_cpus', labels: {}, value: 8 });
    expect(samples).toContainEqual({ name: 'alertscale_pool_cpu_seconds_total', labels: { pool: 'we"ird,name' }, value: 1000 });
    expect(samples.some((s) => s.name === 'broken')).toBe(false);
  });
  it("per pool: alive, busy, queue summed over the pool's queues, processes, CPU", () => {
    const pools = poolMetrics(parseExposition(text));
    expect(pools.get('demo')).toEqual({ alive: 3, busy: 2, queue: 15, processes: 3, cpuSeconds: 10.5 });
    expect(pools.has('unowned')).toBe(false);
  });
  it('CPU per worker is a rate between two readings divided by the processes', () => {
    expect(cpuPerWorker({ cpuSeconds: 10 }, { cpuSeconds: 13, processes: 3 }, 2_000)).toBeCloseTo(0.5);
    expect(cpuPerWorker(undefined, { cpuSeconds: 13, processes: 3 }, 2_000)).toBeUndefined();
    expect(cpuPerWorker({ cpuSeconds: 10 }, { cpuSeconds: 13, processes: 0 }, 2_000)).toBeUndefined();
    expect(cpuPerWorker({ cpuSeconds: 10 }, { cpuSeconds: 9, processes: 1 }, 2_000)).toBeUndefined();
  });
});

describe('Alertmanager alerts', () => {
  it('keeps only scaling alerts (pool and scale labels), sorted by pool and name', () => {
    const alerts = toScalingAlerts([
      {
        labels: { alertname: 'Z', pool: 'web', scale: 'up' },
        annotations: { target: '4' },
        startsAt: '2026-11-23T10:00:00Z',
        status: { state: 'active', silencedBy: [] },
      },
      { labels: { alertname: 'DiskFull' }, startsAt: '2026-11-23T10:00:00Z', status: { state: 'active' } },
      {
        labels: { alertname: 'B', pool: 'demo', scale: 'down' },
        startsAt: '2026-11-23T10:00:00Z',
        status: { state: 'suppressed', silencedBy: ['s1'] },
      },
    ]);
    expect(alerts.map((a) => `${a.pool}/${a.alertname}/${a.state}`)).toEqual(['demo/B/suppressed', 'web/Z/active']);
    expect(alerts[1]!.target).toBe('4');
    expect(alerts[0]!.silencedBy).toEqual(['s1']);
  });
});

const entry = (id: string, change: Partial<AuditEntry> = {}): AuditEntry => ({
  id,
  time: new Date(Number(id.split('-')[0])).toISOString(),
  pool: 'demo',
  scale: 'up',
  from: 1,
  to: 2,
  outcome: 'scaled',
  reason: 'r',
  alerts: [],
  actor: 'alertmanager',
  requestId: 'q',
  status: 'done',
  argv: null,
  exitCode: null,
  durationMs: null,
  timedOut: false,
  outputTail: null,
  error: null,
  victims: null,
  drain: null,
  ...change,
});

describe('audit --follow bookkeeping', () => {
  it('compares stream ids as numbers', () => {
    expect(compareIds('1000-0', '999-5')).toBeGreaterThan(0);
    expect(compareIds('1000-2', '1000-10')).toBeLessThan(0);
    expect(compareIds('5-1', '5-1')).toBe(0);
  });
  it('prints each new entry once, oldest first', () => {
    const state = followState([entry('1000-0')]);
    expect(takeNew(state, [entry('3000-0'), entry('2000-0'), entry('1000-0')]).map((e) => e.id)).toEqual(['2000-0', '3000-0']);
    expect(takeNew(state, [entry('3000-0'), entry('2000-0')])).toEqual([]);
    expect(state.lastId).toBe('3000-0');
  });
  it('prints a running entry again when its command has finished, and polls from it until then', () => {
    const state = followState([entry('1000-0', { status: 'running' }), entry('2000-0', { outcome: 'no_change' })]);
    expect(nextSince(state)).toBe(1000);
    expect(takeNew(state, [entry('2000-0'), entry('1000-0', { status: 'running' })])).toEqual([]);
    const done = takeNew(state, [entry('2000-0'), entry('1000-0', { status: 'done', outcome: 'failed' })]);
    expect(done.map((e) => `${e.id}:${e.outcome}`)).toEqual(['1000-0:failed']);
    expect(nextSince(state)).toBe(2000);
  });
  it('stops tracking a running entry that no longer matches the filter', () => {
    const state = followState([entry('1000-0', { status: 'running' })]);
    expect(takeNew(state, [])).toEqual([]);
    expect(state.running.size).toBe(0);
  });
  it('starts from --since when nothing was seen, and never before it', () => {
    expect(nextSince(followState([], 500))).toBe(500);
    expect(nextSince(followState([entry('1000-0')], 5000))).toBe(5000);
    expect(nextSince(followState([]))).toBeUndefined();
    const empty = followState([]);
    expect(takeNew(empty, [entry('2000-0'), entry('1000-0')]).map((e) => e.id)).toEqual(['1000-0', '2000-0']);
  });
});
