/**
 * The scaling-alert contract (docs/ARCHITECTURE.md): which webhook alerts are scale signals, which are
 * someone else's alerts, and which break the contract (refused, nothing runs).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classifyAlert, webhookAlertSchema, webhookSchema, type Classified } from '../../src/alerts/index.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/alertmanager-0.25-firing.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;

const STARTS = '2026-11-23T05:44:36.508Z';

function classify(labels: Record<string, string>, annotations: Record<string, string> = {}): Classified {
  return classifyAlert(
    webhookAlertSchema.parse({
      status: 'firing',
      labels: { alertname: 'Busy', ...labels },
      annotations,
      startsAt: STARTS,
      fingerprint: 'f1',
    }),
  );
}

describe('classifyAlert', () => {
  it('turns the real Alertmanager 0.25 alert into a signal for pool demo: up to 50', () => {
    const payload = webhookSchema.parse(fixture);
    expect(classifyAlert(payload.alerts[0]!)).toEqual({
      kind: 'signal',
      signal: {
        alertname: 'QueueHigh',
        fingerprint: 'fc127052cd557f7d',
        status: 'firing',
        startsAt: '2026-11-23T05:44:36.508Z',
        generatorURL: 'http://127.0.0.1:19090/graph?g0.expr=alertscale_queue_length+%3E+10&g0.tab=1',
        pool: 'demo',
        scale: 'up',
        target: 50,
        step: undefined,
      },
    });
  });

  it.each<[string, Record<string, string>, Record<string, string>, Partial<{ pool: string; scale: string; target: number; step: number }>]>(
    [
      [
        'scale up by the default step',
        { pool: 'demo', scale: 'up' },
        {},
        { pool: 'demo', scale: 'up', target: undefined, step: undefined },
      ],
      ['scale down by the default step', { pool: 'web-1', scale: 'down' }, {}, { pool: 'web-1', scale: 'down' }],
      ['scale up by 3', { pool: 'demo', scale: 'up' }, { step: '3' }, { step: 3, target: undefined }],
      ['scale to 7', { pool: 'demo', scale: 'up' }, { target: '7' }, { target: 7, step: undefined }],
      ['scale down to 0', { pool: 'demo', scale: 'down' }, { target: '0' }, { target: 0 }],
      ['an empty target annotation means none', { pool: 'demo', scale: 'up' }, { target: '' }, { target: undefined }],
      ['a blank step annotation means none', { pool: 'demo', scale: 'up' }, { step: '  ' }, { step: undefined }],
      ['a pool name of 64 characters', { pool: 'a'.repeat(64), scale: 'up' }, {}, { pool: 'a'.repeat(64) }],
      ['a pool name with digits, _ and -', { pool: '0queue_workers-2', scale: 'up' }, {}, { pool: '0queue_workers-2' }],
      ['a large value printed by Prometheus in exponent form', { pool: 'demo', scale: 'up' }, { target: '1e+03' }, { target: 1000 }],
    ],
  )('signal: %s', (_name, labels, annotations, want) => {
    const c = classify(labels, annotations);
    expect(c.kind).toBe('signal');
    if (c.kind !== 'signal') return;
    expect(c.signal).toMatchObject({ alertname: 'Busy', fingerprint: 'f1', status: 'firing', startsAt: STARTS });
    for (const [key, value] of Object.entries(want)) expect(c.signal[key as keyof typeof c.signal]).toBe(value);
  });

  it.each<[string, Record<string, string>]>([
    ['a host alert without pool or scale', { alertname: 'DiskFull', instance: 'db1' }],
    ['the Watchdog alert', { alertname: 'Watchdog', severity: 'none' }],
  ])('other (counted, not acted on): %s', (_name, labels) => {
    const c = classify(labels);
    expect(c).toEqual({
      kind: 'other',
      alert: { alertname: labels.alertname, fingerprint: 'f1', status: 'firing', startsAt: STARTS, generatorURL: '' },
    });
  });

  it.each<[string, Record<string, string>, Record<string, string>, RegExp]>([
    ['a pool without a scale label', { pool: 'demo' }, {}, /no "scale" label/],
    ['a scale without a pool label', { scale: 'up' }, {}, /no "pool" label/],
    [
      'a shell command in the pool label',
      { pool: 'demo;touch /tmp/pwned', scale: 'up' },
      {},
      /pool="demo;touch \/tmp\/pwned" is not a pool name/,
    ],
    ['a command substitution in the pool label', { pool: '$(id)', scale: 'up' }, {}, /pool="\$\(id\)" is not a pool name/],
    ['an uppercase pool name', { pool: 'Demo', scale: 'up' }, {}, /is not a pool name/],
    ['a pool name of 65 characters', { pool: 'a'.repeat(65), scale: 'up' }, {}, /is not a pool name/],
    ['an empty pool label', { pool: '', scale: 'up' }, {}, /pool="" is not a pool name/],
    ['a pool name starting with -', { pool: '-demo', scale: 'up' }, {}, /is not a pool name/],
    ['a pool name with a slash', { pool: 'demo/../x', scale: 'up' }, {}, /is not a pool name/],
    ['scale sideways', { pool: 'demo', scale: 'sideways' }, {}, /scale="sideways" must be "up" or "down"/],
    ['scale UP in capitals', { pool: 'demo', scale: 'UP' }, {}, /must be "up" or "down"/],
    ['a target that is not a number', { pool: 'demo', scale: 'up' }, { target: 'lots' }, /target="lots" is not a number/],
    ['a target of NaN (an empty Prometheus result)', { pool: 'demo', scale: 'up' }, { target: 'NaN' }, /target="NaN" is not a number/],
    ['a target of +Inf', { pool: 'demo', scale: 'up' }, { target: '+Inf' }, /target="\+Inf" is not a number/],
    ['a negative target', { pool: 'demo', scale: 'down' }, { target: '-1' }, /target="-1" must be/],
    ['a slightly negative target', { pool: 'demo', scale: 'down' }, { target: '-0.5' }, /target="-0.5" must be/],
    ['a target above a million', { pool: 'demo', scale: 'up' }, { target: '1000001' }, /target="1000001" must be/],
    ['a step that is not a number', { pool: 'demo', scale: 'up' }, { step: 'two' }, /step="two" is not a number/],
    ['a step of 0', { pool: 'demo', scale: 'up' }, { step: '0' }, /step="0" must be an integer between 1/],
    ['a negative step', { pool: 'demo', scale: 'down' }, { step: '-2' }, /step="-2" must be/],
    ['a fractional step', { pool: 'demo', scale: 'up' }, { step: '1.5' }, /step="1.5" must be an integer/],
  ])('invalid (refused, nothing runs): %s', (_name, labels, annotations, problem) => {
    const c = classify(labels, annotations);
    expect(c.kind).toBe('invalid');
    if (c.kind !== 'invalid') return;
    expect(c.problem).toMatch(problem);
    expect(c.alert).toMatchObject({ alertname: 'Busy', fingerprint: 'f1' });
  });

  it.each<[string, string, number]>([
    ['a whole number stays', '3', 3],
    ['a fraction rounds up', '2.4', 3],
    ['a small fraction rounds up', '2.01', 3],
    ['float noise above a whole number does not add a worker', '3.0000000001', 3],
    ['float noise below a whole number is that number', '2.9999999999', 3],
    ['just over float noise rounds up', '3.000001', 4],
    ['a trailing .0 stays', '3.0', 3],
    ['surrounding spaces are ignored', ' 4 ', 4],
    ['a fraction below one rounds up to one', '0.2', 1],
    ['zero is zero', '0', 0],
    ['float noise below zero is zero', '-0.0000000001', 0],
  ])('target rounds up: %s (%s → %i)', (_name, target, count) => {
    const c = classify({ pool: 'demo', scale: 'up' }, { target });
    expect(c.kind === 'signal' && c.signal.target).toBe(count);
  });

  it('a resolved alert is still classified (the receiver records that it ended)', () => {
    const c = classifyAlert(webhookAlertSchema.parse({ status: 'resolved', labels: { pool: 'demo', scale: 'up' }, startsAt: STARTS }));
    expect(c.kind === 'signal' && c.signal.status).toBe('resolved');
  });
});

describe('webhookSchema', () => {
  const without = (key: string) => Object.fromEntries(Object.entries(fixture).filter(([k]) => k !== key));
  const withAlert = (patch: Record<string, unknown>) => ({ ...fixture, alerts: [{ ...(fixture.alerts as object[])[0], ...patch }] });

  it('accepts the real Alertmanager 0.25 body', () => {
    const parsed = webhookSchema.parse(fixture);
    expect(parsed.version).toBe('4');
    expect(parsed.alerts).toHaveLength(1);
    expect(parsed.alerts[0]!.labels.pool).toBe('demo');
  });

  it.each<[string, unknown]>([
    ['a startsAt with nanoseconds (Go RFC3339Nano)', withAlert({ startsAt: '2026-11-23T05:44:36.508123456Z' })],
    ['a startsAt without fractions', withAlert({ startsAt: '2026-11-23T05:44:36Z' })],
    ['a startsAt with an offset', withAlert({ startsAt: '2026-11-23T06:44:36.508+01:00' })],
    ['an alert without annotations', withAlert({ annotations: undefined })],
    ['fields a newer Alertmanager may add', { ...fixture, someNewField: true }],
    ['an empty alert list', { ...fixture, alerts: [] }],
    ['a resolved notification', { ...withAlert({ status: 'resolved', endsAt: '2026-11-23T05:50:00Z' }), status: 'resolved' }],
  ])('accepts %s', (_name, body) => {
    expect(webhookSchema.safeParse(body).success).toBe(true);
  });

  it.each<[string, unknown, string]>([
    ['version "3"', { ...fixture, version: '3' }, 'version'],
    ['version 4 as a number', { ...fixture, version: 4 }, 'version'],
    ['no alerts field', without('alerts'), 'alerts'],
    ['alerts that is not a list', { ...fixture, alerts: {} }, 'alerts'],
    ['a startsAt that is not a time', withAlert({ startsAt: 'yesterday' }), 'alerts.0.startsAt'],
    ['a startsAt without a time of day', withAlert({ startsAt: '2026-11-23' }), 'alerts.0.startsAt'],
    ['no startsAt', withAlert({ startsAt: undefined }), 'alerts.0.startsAt'],
    ['an alert status "pending"', withAlert({ status: 'pending' }), 'alerts.0.status'],
    ['a label value that is not a string', withAlert({ labels: { pool: 'demo', replicas: 3 } }), 'alerts.0.labels.replicas'],
    ['a negative truncatedAlerts', { ...fixture, truncatedAlerts: -1 }, 'truncatedAlerts'],
    ['no groupKey', without('groupKey'), 'groupKey'],
  ])('rejects %s', (_name, body, path) => {
    const result = webhookSchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('says which version it supports', () => {
    const result = webhookSchema.safeParse({ ...fixture, version: '3' });
    expect(result.error!.issues[0]!.message).toMatch(/version "4"/);
  });
});
