import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AlertSend } from '../../src/replay/alert-state.js';
import { matchRoutes, parseAlertmanagerConfig, routesTickingOnEvaluations } from '../../src/replay/alertmanager-config.js';
import { deliver, fingerprintOf } from '../../src/replay/alertmanager-delivery.js';

const S = 1_000;
const config = (timings: string) =>
  parseAlertmanagerConfig(
    `
route:
  receiver: "null"
  group_by: [alertname]
  routes:
    - receiver: alertscale
      matchers: ['pool=~".+"', 'scale=~"up|down"']
      group_by: [pool, scale]
      ${timings}
receivers:
  - name: "null"
  - name: alertscale
    webhook_configs: [{ url: http://127.0.0.1:9460/v1/alertmanager, send_resolved: true }]
inhibit_rules:
  - source_matchers: [scale="up"]
    target_matchers: [scale="down"]
    equal: [pool]
`,
    'am.yml',
  );
const timed = config('group_wait: 10s\n      group_interval: 30s\n      repeat_interval: 1m');

const up = (at: number, firedAt: number, extra: Partial<AlertSend> = {}): AlertSend => ({
  at,
  rule: 'Up',
  labels: { alertname: 'Up', pool: 'demo', scale: 'up' },
  annotations: { target: '3' },
  firedAt,
  ...extra,
});
const down = (at: number, firedAt: number, extra: Partial<AlertSend> = {}): AlertSend => ({
  at,
  rule: 'Down',
  labels: { alertname: 'Down', pool: 'demo', scale: 'down' },
  annotations: { target: '1' },
  firedAt,
  ...extra,
});
const brief = (n: ReturnType<typeof deliver>) =>
  n.map((x) => `${x.at / S}:${x.alerts.map((a) => `${a.labels.alertname}=${a.status}`).join(',')}`);

describe('Alertmanager routing', () => {
  it('the repository config routes scaling alerts to alertscale with its timings, the rest to null', () => {
    const model = parseAlertmanagerConfig(readFileSync('alertmanager/alertmanager.yml', 'utf8'), 'alertmanager.yml');
    const [route] = matchRoutes(model.route, { pool: 'demo', scale: 'up', alertname: 'X' });
    expect(route).toMatchObject({
      receiver: 'alertscale',
      groupBy: ['pool', 'scale'],
      groupWaitMs: 10_000,
      groupIntervalMs: 30_000,
      repeatIntervalMs: 60_000,
    });
    expect(matchRoutes(model.route, { alertname: 'Other' })[0]!.receiver).toBe('null');
    expect([...model.scalingReceivers.keys()]).toEqual(['alertscale']);
  });

  it('finds the scaling routes whose group ticks land on rule evaluations', () => {
    const ids = (timings: string, evaluationMs: number) => routesTickingOnEvaluations(config(timings), evaluationMs).map((r) => r.id);
    // The demo's 0s / 1s at a 1 s evaluation: every flush meets an evaluation's post.
    expect(ids('group_wait: 0s\n      group_interval: 1s', S)).toEqual(['0.0']);
    expect(ids('group_wait: 500ms\n      group_interval: 1s', S)).toEqual([]);
    expect(ids('group_wait: 10s\n      group_interval: 30s', 15 * S)).toEqual([]);
    expect(ids('group_wait: 30s\n      group_interval: 30s', 15 * S)).toEqual(['0.0']);
    // The root route delivers to "null", not to alertscale: never reported.
    expect(ids('group_wait: 1s\n      group_interval: 1s', 500)).toEqual(['0.0']);
  });

  it("fingerprints are Alertmanager's (FNV-1a 64 of the sorted label set)", () => {
    // `amtool`-visible fingerprint of an empty label set is FNV's offset basis.
    expect(fingerprintOf({})).toBe('cbf29ce484222325');
    expect(fingerprintOf({ b: '2', a: '1' })).toBe(fingerprintOf({ a: '1', b: '2' }));
  });
});

describe('Alertmanager delivery timing', () => {
  it('group_wait for a new group, then repeat_interval on group_interval ticks', () => {
    // Firing at 0, re-sent every 15 s: first at 10 s (group_wait), then the first tick after 1 m (100 s: 10 + 3×30).
    const sends = Array.from({ length: 10 }, (_, i) => up(i * 15 * S, 0));
    expect(brief(deliver(sends, timed, { until: 150 * S }))).toEqual(['10:Up=firing', '100:Up=firing']);
  });

  it('a change in the group goes out on the next group_interval tick, not after group_wait', () => {
    const second = { ...up(20 * S, 20 * S), labels: { alertname: 'Up2', pool: 'demo', scale: 'up' } };
    expect(brief(deliver([up(0, 0), second], timed, { until: 45 * S }))).toEqual(['10:Up=firing', '40:Up=firing,Up2=firing']);
  });

  it('a resolve waits for the next tick and is sent with send_resolved', () => {
    expect(brief(deliver([up(0, 0), up(15 * S, 0, { resolvedAt: 15 * S })], timed, { until: 100 * S }))).toEqual([
      '10:Up=firing',
      '40:Up=resolved',
    ]);
  });

  it('an alert that started more than group_wait ago flushes a new group at once', () => {
    expect(brief(deliver([up(30 * S, 0)], timed, { until: 35 * S }))).toEqual(['30:Up=firing']);
  });

  it("a re-fire inside an emptied group's last 30 s goes out on its tick; after that a new group waits group_wait", () => {
    const sends = [up(0, 0), up(15 * S, 0, { resolvedAt: 15 * S }), up(50 * S, 50 * S)];
    expect(brief(deliver(sends, timed, { until: 75 * S }))).toEqual(['10:Up=firing', '40:Up=resolved', '70:Up=firing']);
    const later = [up(0, 0), up(15 * S, 0, { resolvedAt: 15 * S }), up(200 * S, 200 * S)];
    expect(brief(deliver(later, timed, { until: 215 * S }))).toEqual(['10:Up=firing', '40:Up=resolved', '210:Up=firing']);
  });

  it('inhibition: a down alert is left out while an up alert of the same pool fires', () => {
    const sends = [up(0, 0), down(0, 0), up(20 * S, 0, { resolvedAt: 20 * S }), down(30 * S, 0)];
    const out = brief(deliver(sends, timed, { until: 60 * S }));
    expect(out.filter((n) => n.includes('Down'))).toEqual(['40:Down=firing']);
  });

  it('silences mute alerts during their window only', () => {
    const silence = { id: 's', matchers: [{ name: 'pool', value: 'demo', isRegex: false, isEqual: true }], startsAt: 0, endsAt: 50 * S };
    const sends = Array.from({ length: 6 }, (_, i) => up(i * 15 * S, 0));
    expect(brief(deliver(sends, timed, { until: 80 * S, silences: [silence] }))).toEqual(['70:Up=firing']);
  });
});

// Seen on the stack (Alertmanager 0.25, group_interval 1s, repeat_interval 5s): a receiver that took
// 1.5 s to answer the first flush (25.78 → 27.32) got the repeat at 32.42, not at 31.78.
describe("Alertmanager delivery waits for the receiver's answer", () => {
  const fast = config('group_wait: 0s\n      group_interval: 1s\n      repeat_interval: 5s');
  const firing = Array.from({ length: 12 }, (_, i) => up(i * S, 0));
  it.each([
    {
      name: 'an answer within group_interval keeps the ticks; the repeat comes on the tick after repeat_interval',
      answerMs: 300,
      expected: ['0:Up=firing', '6:Up=firing'],
    },
    {
      name: 'a slower answer: the ticks count from it, and so does repeat_interval',
      answerMs: 1_500,
      expected: ['0:Up=firing', '6.501:Up=firing'],
    },
  ])('$name', ({ answerMs, expected }) => {
    expect(brief(deliver(firing, fast, { until: 7 * S, answer: (n) => n.at + answerMs }))).toEqual(expected);
  });
});
