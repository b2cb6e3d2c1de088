import { describe, expect, it } from 'vitest';
import type { WebhookAlert } from '../../src/alerts/index.js';
import type { Notification } from '../../src/replay/alertmanager-delivery.js';
import { replayPool, type ReceiverTiming } from '../../src/replay/decisions.js';
import type { PoolPolicy } from '../../src/policy/types.js';

const S = 1_000;
const policy = (over: Partial<PoolPolicy> = {}): PoolPolicy => ({
  min: 1,
  max: 10,
  enabled: true,
  step: 1,
  stepInterval: 0,
  cooldown: { up: 0, down: 0 },
  ...over,
});
const alert = (annotations: Record<string, string>, startsAt = 0): WebhookAlert => ({
  status: 'firing',
  labels: { alertname: 'Up', pool: 'demo', scale: 'up' },
  annotations,
  startsAt: new Date(startsAt).toISOString(),
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: '',
  fingerprint: 'f1',
});
const at = (seconds: number, annotations: Record<string, string>): Notification => ({
  at: seconds * S,
  receiver: 'alertscale',
  groupKey: 'g',
  alerts: [alert(annotations)],
});
const both = (ms: number) => ({ up: ms, down: ms });
const down = (seconds: number, target: string): Notification => ({
  ...at(seconds, {}),
  alerts: [{ ...alert({ target }), labels: { alertname: 'Down', pool: 'demo', scale: 'down' }, fingerprint: 'f2' }],
});
const timeline = (p: PoolPolicy, timing: ReceiverTiming, ns: Notification[]) =>
  replayPool('demo', p, { at: 0, replicas: 1 }, ns, timing).decisions.map((d) => `${d.time / S}:${d.outcome} ${d.from}→${d.to}`);

// The receiver decides after its probe and two Redis round trips, holds the pool's lock while the
// command runs, and stamps cooldowns and steps when the command has ended (src/receiver/pool-actions.ts,
// execution.ts); a notification that finds the pool locked is answered 503 and Alertmanager retries it.
describe('replayed receiver timing', () => {
  it.each([
    {
      name: 'instant: cooldown.up 10s from the decision at 0',
      timing: { decisionMs: 0, commandMs: both(0) },
      expected: ['0:scaled 1→3', '12:scaled 3→5'],
    },
    {
      name: 'a 4 s command: cooldown counts from its end (4.5 s), so 12.5 s is 2 s early',
      timing: { decisionMs: 500, commandMs: both(4_000) },
      expected: ['0.5:scaled 1→3', '12.5:cooldown 3→3'],
    },
  ])('$name', ({ timing, expected }) => {
    expect(timeline(policy({ cooldown: { up: 10 * S, down: 0 } }), timing, [at(0, { target: '3' }), at(12, { target: '5' })])).toEqual(
      expected,
    );
  });

  it('a notification that arrives while a command runs is decided once the command has ended, in arrival order', () => {
    const ns = [at(0, { target: '3' }), at(2, { target: '5' }), at(3, { target: '6' })];
    expect(timeline(policy(), { decisionMs: 200, commandMs: both(5_000) }, ns)).toEqual([
      '0.2:scaled 1→3',
      '5.4:scaled 3→5',
      '10.6:scaled 5→6',
    ]);
  });

  it("a step alert steps once per stepInterval, counted from its command's end", () => {
    const ns = [at(0, { step: '1' }), at(10, { step: '1' }), at(20, { step: '1' })];
    // Stamped at the decision, 10 s would be past a 10 s stepInterval; stamped at the end (3 s), it is a duplicate.
    expect(timeline(policy({ stepInterval: 10 * S }), { decisionMs: 0, commandMs: both(3_000) }, ns)).toEqual([
      '0:scaled 1→2',
      '10:no_change 2→2',
      '20:scaled 2→3',
    ]);
    expect(timeline(policy({ stepInterval: 10 * S }), { decisionMs: 0, commandMs: both(0) }, ns)).toEqual([
      '0:scaled 1→2',
      '10:scaled 2→3',
      '20:scaled 3→4',
    ]);
    expect(timeline(policy({ stepInterval: 15 * S }), { decisionMs: 0, commandMs: both(0) }, ns)).toEqual([
      '0:scaled 1→2',
      '10:no_change 2→2',
      '20:scaled 2→3',
    ]);
  });

  it("a scale-down's cooldown counts from the end of a scale-down, which takes its own time (it drains)", () => {
    const ns = [at(0, { target: '3' }), down(5, '2'), down(10, '1')];
    const p = policy({ cooldown: { up: 0, down: 4 * S } });
    expect(timeline(p, { decisionMs: 0, commandMs: { up: 500, down: 2_000 } }, ns)).toEqual([
      '0:scaled 1→3',
      '5:scaled 3→2',
      '10:cooldown 2→2',
    ]);
    expect(timeline(p, { decisionMs: 0, commandMs: both(500) }, ns)).toEqual(['0:scaled 1→3', '5:scaled 3→2', '10:scaled 2→1']);
  });

  it('the replayed pool changes size when the command ends', () => {
    const replay = replayPool('demo', policy(), { at: 0, replicas: 1 }, [at(0, { target: '3' })], {
      decisionMs: 100,
      commandMs: both(2_000),
    });
    expect(replay.replicas).toEqual([
      [0, 1],
      [2_100, 3],
    ]);
  });
});
