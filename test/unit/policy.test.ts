/**
 * decide(): the numbered decision rules of docs/ARCHITECTURE.md, one table per rule.
 * Pool "demo": min 1, max 10, step 1, stepInterval 1m, cooldown up 1m / down 5m unless a row says otherwise.
 */
import { describe, expect, it } from 'vitest';
import { classifyAlert, webhookAlertSchema } from '../../src/alerts/index.js';
import { cooldownRemaining } from '../../src/policy/cooldown.js';
import { decide } from '../../src/policy/decide.js';
import { OUTCOMES, type AlertHistory, type Decision, type PoolPolicy, type PoolState, type SignalInput } from '../../src/policy/types.js';

const NOW = Date.parse('2026-11-23T06:00:00.000Z');
const SEC = 1000;
const MIN = 60 * SEC;
const STARTS = '2026-11-23T05:50:00.000Z';
const LATER_STARTS = '2026-11-23T05:58:00.000Z';

function policyOf(over: Partial<PoolPolicy> = {}): PoolPolicy {
  return { min: 1, max: 10, enabled: true, step: 1, stepInterval: 1 * MIN, cooldown: { up: 1 * MIN, down: 5 * MIN }, ...over };
}

let seq = 0;
function signal(scale: 'up' | 'down', over: Partial<SignalInput> = {}): SignalInput {
  seq += 1;
  return {
    alertname: `${scale === 'up' ? 'Busy' : 'Idle'}${seq}`,
    fingerprint: `fp-${scale}-${seq}`,
    status: 'firing',
    startsAt: STARTS,
    generatorURL: '',
    pool: 'demo',
    scale,
    ...over,
  };
}
const up = (over: Partial<SignalInput> = {}) => signal('up', over);
const down = (over: Partial<SignalInput> = {}) => signal('down', over);

interface Case {
  replicas: number;
  signals: SignalInput[];
  policy?: Partial<PoolPolicy>;
  state?: Omit<PoolState, 'replicas'>;
}
interface Expected {
  outcome: Decision['outcome'];
  to: number;
  scale?: Decision['scale'];
  cooldownRemainingSeconds?: number;
}

function run(c: Case): Decision {
  return decide({ pool: 'demo', policy: policyOf(c.policy), state: { replicas: c.replicas, ...c.state }, signals: c.signals, now: NOW });
}

function check(c: Case, want: Expected): Decision {
  const d = run(c);
  expect({ outcome: d.outcome, to: d.to }).toEqual({ outcome: want.outcome, to: want.to });
  expect(d.from).toBe(c.replicas);
  expect(d.pool).toBe('demo');
  if (want.scale !== undefined) expect(d.scale).toBe(want.scale);
  if (want.cooldownRemainingSeconds !== undefined) expect(d.cooldownRemainingSeconds).toBe(want.cooldownRemainingSeconds);
  // Only an action that would change the pool moves `to`.
  if (d.outcome !== 'scaled' && d.outcome !== 'dry_run') expect(d.to).toBe(d.from);
  expect(OUTCOMES).toContain(d.outcome);
  return d;
}

describe('every outcome decide() can give', () => {
  it.each<[string, Case, Expected]>([
    ['a busy pool grows by one', { replicas: 2, signals: [up()] }, { outcome: 'scaled', to: 3, scale: 'up' }],
    ['an idle pool shrinks by one', { replicas: 4, signals: [down()] }, { outcome: 'scaled', to: 3, scale: 'down' }],
    [
      'an up target equal to the current count changes nothing',
      { replicas: 5, signals: [up({ target: 5 })] },
      { outcome: 'no_change', to: 5, scale: 'up' },
    ],
    ['no scaling alert in the notification changes nothing', { replicas: 5, signals: [] }, { outcome: 'no_change', to: 5, scale: null }],
    ['a grow at max is at_max', { replicas: 10, signals: [up()] }, { outcome: 'at_max', to: 10, scale: 'up' }],
    ['a shrink at min is at_min', { replicas: 1, signals: [down()] }, { outcome: 'at_min', to: 1, scale: 'down' }],
    [
      'a grow right after a grow waits for cooldown.up',
      { replicas: 2, signals: [up()], state: { lastUpAt: NOW - 20 * SEC } },
      { outcome: 'cooldown', to: 2, scale: 'up', cooldownRemainingSeconds: 40 },
    ],
    [
      'a disabled pool only says what it would do',
      { replicas: 2, signals: [up()], policy: { enabled: false } },
      { outcome: 'dry_run', to: 3, scale: 'up' },
    ],
  ])('%s', (_name, c, want) => {
    check(c, want);
  });

  it('decide() never answers paused, failed or rejected (those belong to the receiver and to manual scaling)', () => {
    const seen = new Set<string>();
    for (const replicas of [0, 1, 5, 10, 12]) {
      for (const signals of [[], [up()], [down()], [up({ target: 3 })], [down({ target: 3 })], [up({ status: 'resolved' })]]) {
        for (const enabled of [true, false]) {
          for (const state of [{}, { lastUpAt: NOW }, { lastDownAt: NOW }]) {
            seen.add(run({ replicas, signals, policy: { enabled }, state }).outcome);
          }
        }
      }
    }
    expect([...seen].sort()).toEqual(['at_max', 'at_min', 'cooldown', 'dry_run', 'no_change', 'scaled']);
  });
});

describe('rule 2: desired = target, else current ± step', () => {
  it.each<[string, Case, Expected]>([
    ['target sets the count directly (up)', { replicas: 2, signals: [up({ target: 7 })] }, { outcome: 'scaled', to: 7 }],
    ['target sets the count directly (down)', { replicas: 8, signals: [down({ target: 3 })] }, { outcome: 'scaled', to: 3 }],
    [
      'target wins over a step annotation on the same alert',
      { replicas: 2, signals: [up({ target: 7, step: 3 })] },
      { outcome: 'scaled', to: 7 },
    ],
    ['the step annotation says how many to add', { replicas: 2, signals: [up({ step: 3 })] }, { outcome: 'scaled', to: 5 }],
    ['the step annotation says how many to remove', { replicas: 8, signals: [down({ step: 3 })] }, { outcome: 'scaled', to: 5 }],
    ['without annotations the pool default step adds', { replicas: 2, signals: [up()], policy: { step: 2 } }, { outcome: 'scaled', to: 4 }],
    [
      'without annotations the pool default step removes',
      { replicas: 8, signals: [down()], policy: { step: 2 } },
      { outcome: 'scaled', to: 6 },
    ],
    [
      'the step annotation overrides the pool default',
      { replicas: 2, signals: [up({ step: 1 })], policy: { step: 4 } },
      { outcome: 'scaled', to: 3 },
    ],
  ])('%s', (_name, c, want) => {
    check(c, want);
  });
});

describe('rule 3: up only grows, down only shrinks', () => {
  it.each<[string, Case, Expected]>([
    [
      'an up target below the current count does not shrink',
      { replicas: 6, signals: [up({ target: 3 })] },
      { outcome: 'no_change', to: 6, scale: 'up' },
    ],
    [
      'a down target above the current count does not grow',
      { replicas: 3, signals: [down({ target: 6 })] },
      { outcome: 'no_change', to: 3, scale: 'down' },
    ],
    [
      'a down target equal to the current count changes nothing',
      { replicas: 4, signals: [down({ target: 4 })] },
      { outcome: 'no_change', to: 4, scale: 'down' },
    ],
    [
      'an up while above max (max was lowered) is at_max, not a shrink',
      { replicas: 12, signals: [up()] },
      { outcome: 'at_max', to: 12, scale: 'up' },
    ],
    ['an up target while above max is at_max', { replicas: 12, signals: [up({ target: 15 })] }, { outcome: 'at_max', to: 12, scale: 'up' }],
    [
      'a down while below min (min was raised) is at_min, not a grow',
      { replicas: 0, signals: [down()] },
      { outcome: 'at_min', to: 0, scale: 'down' },
    ],
    ['a down while above max shrinks to max at once', { replicas: 14, signals: [down()] }, { outcome: 'scaled', to: 10, scale: 'down' }],
    [
      'an up while below min grows to at least min',
      { replicas: 0, signals: [up()], policy: { min: 2 } },
      { outcome: 'scaled', to: 2, scale: 'up' },
    ],
  ])('%s', (_name, c, want) => {
    check(c, want);
  });
});

describe('rule 1: up wins over down; the safest count wins', () => {
  it.each<[string, Case, Expected]>([
    ['an up and a down together: the pool grows', { replicas: 4, signals: [down(), up()] }, { outcome: 'scaled', to: 5, scale: 'up' }],
    [
      'an up that cannot grow still blocks a down (no shrink while busy)',
      { replicas: 10, signals: [up(), down()] },
      { outcome: 'at_max', to: 10, scale: 'up' },
    ],
    [
      'an up target below current still blocks a down',
      { replicas: 6, signals: [up({ target: 4 }), down({ target: 2 })] },
      { outcome: 'no_change', to: 6, scale: 'up' },
    ],
    [
      'among ups the largest target wins',
      { replicas: 2, signals: [up({ target: 4 }), up({ target: 8 }), up({ target: 6 })] },
      { outcome: 'scaled', to: 8 },
    ],
    [
      'among ups a big step beats a small target',
      { replicas: 5, signals: [up({ target: 6 }), up({ step: 3 })] },
      { outcome: 'scaled', to: 8 },
    ],
    [
      'among ups a big target beats a small step',
      { replicas: 5, signals: [up({ target: 9 }), up({ step: 1 })] },
      { outcome: 'scaled', to: 9 },
    ],
    [
      'among downs the smallest reduction wins (targets)',
      { replicas: 8, signals: [down({ target: 2 }), down({ target: 6 }), down({ target: 4 })] },
      { outcome: 'scaled', to: 6 },
    ],
    [
      'among downs the smallest reduction wins (steps)',
      { replicas: 8, signals: [down({ step: 3 }), down({ step: 1 })] },
      { outcome: 'scaled', to: 7 },
    ],
    ['among downs a small step beats a deep target', { replicas: 8, signals: [down({ target: 2 }), down()] }, { outcome: 'scaled', to: 7 }],
    [
      'among downs one that does not shrink at all wins',
      { replicas: 8, signals: [down({ target: 3 }), down({ target: 9 })] },
      { outcome: 'no_change', to: 8, scale: 'down' },
    ],
  ])('%s', (_name, c, want) => {
    check(c, want);
  });
});

describe('rule 2: clamp to [min, max] and to maxStep', () => {
  it.each<[string, Case, Expected]>([
    ['a target above max grows only to max', { replicas: 3, signals: [up({ target: 50 })] }, { outcome: 'scaled', to: 10 }],
    ['a step past max grows only to max', { replicas: 9, signals: [up({ step: 5 })] }, { outcome: 'scaled', to: 10 }],
    ['a target below min shrinks only to min', { replicas: 6, signals: [down({ target: 0 })] }, { outcome: 'scaled', to: 1 }],
    ['a step past min shrinks only to min', { replicas: 3, signals: [down({ step: 5 })] }, { outcome: 'scaled', to: 1 }],
    ['maxStep caps a grow', { replicas: 2, signals: [up({ target: 9 })], policy: { maxStep: 3 } }, { outcome: 'scaled', to: 5 }],
    ['maxStep caps a shrink', { replicas: 9, signals: [down({ target: 1 })], policy: { maxStep: 3 } }, { outcome: 'scaled', to: 6 }],
    [
      'maxStep caps a big step annotation',
      { replicas: 2, signals: [up({ step: 6 })], policy: { maxStep: 2 } },
      { outcome: 'scaled', to: 4 },
    ],
    [
      'maxStep larger than the change leaves it alone',
      { replicas: 2, signals: [up({ target: 4 })], policy: { maxStep: 5 } },
      { outcome: 'scaled', to: 4 },
    ],
    ['max is tighter than maxStep', { replicas: 8, signals: [up({ target: 50 })], policy: { maxStep: 5 } }, { outcome: 'scaled', to: 10 }],
    ['min is tighter than maxStep', { replicas: 3, signals: [down({ target: 0 })], policy: { maxStep: 5 } }, { outcome: 'scaled', to: 1 }],
  ])('%s', (_name, c, want) => {
    check(c, want);
  });

  it.each<[string, Case, RegExp]>([
    ['by max', { replicas: 3, signals: [up({ target: 50 })] }, /bounded to 10 by max 10/],
    ['by min', { replicas: 6, signals: [down({ target: 0 })] }, /bounded to 1 by min 1/],
    ['by maxStep', { replicas: 2, signals: [up({ target: 9 })], policy: { maxStep: 3 } }, /bounded to 5 by maxStep 3/],
  ])('the reason says what bounded the change: %s', (_name, c, reason) => {
    expect(run(c).reason).toMatch(reason);
  });
});

describe('rule 4: cooldowns', () => {
  it.each<[string, Case, Expected]>([
    [
      'a grow 20s after a grow waits 40s more (cooldown.up 1m)',
      { replicas: 2, signals: [up()], state: { lastUpAt: NOW - 20 * SEC } },
      { outcome: 'cooldown', to: 2, scale: 'up', cooldownRemainingSeconds: 40 },
    ],
    [
      'a grow exactly cooldown.up after a grow goes ahead',
      { replicas: 2, signals: [up()], state: { lastUpAt: NOW - 1 * MIN } },
      { outcome: 'scaled', to: 3 },
    ],
    [
      'a grow right after a shrink is allowed (cooldown.up counts grows only)',
      { replicas: 2, signals: [up()], state: { lastDownAt: NOW - 1 * SEC } },
      { outcome: 'scaled', to: 3 },
    ],
    [
      'a shrink 1m after a grow waits 4m more (no shrink right after a grow)',
      { replicas: 5, signals: [down()], state: { lastUpAt: NOW - 1 * MIN } },
      { outcome: 'cooldown', to: 5, scale: 'down', cooldownRemainingSeconds: 240 },
    ],
    [
      'a shrink 100s after a shrink waits 200s more',
      { replicas: 5, signals: [down()], state: { lastDownAt: NOW - 100 * SEC } },
      { outcome: 'cooldown', to: 5, scale: 'down', cooldownRemainingSeconds: 200 },
    ],
    [
      'a shrink counts from the most recent change in either direction',
      { replicas: 5, signals: [down()], state: { lastDownAt: NOW - 10 * MIN, lastUpAt: NOW - 2 * MIN } },
      { outcome: 'cooldown', to: 5, scale: 'down', cooldownRemainingSeconds: 180 },
    ],
    [
      'a shrink long after both changes goes ahead',
      { replicas: 5, signals: [down()], state: { lastDownAt: NOW - 10 * MIN, lastUpAt: NOW - 6 * MIN } },
      { outcome: 'scaled', to: 4 },
    ],
    [
      'remaining seconds round up (0.4s left is 1s)',
      { replicas: 2, signals: [up()], state: { lastUpAt: NOW - 59_600 } },
      { outcome: 'cooldown', to: 2, cooldownRemainingSeconds: 1 },
    ],
    [
      'a zero cooldown never blocks',
      { replicas: 5, signals: [down()], policy: { cooldown: { up: 0, down: 0 } }, state: { lastUpAt: NOW } },
      { outcome: 'scaled', to: 4 },
    ],
    [
      'at max reports at_max even inside a cooldown (nothing would run anyway)',
      { replicas: 10, signals: [up()], state: { lastUpAt: NOW } },
      { outcome: 'at_max', to: 10 },
    ],
    [
      'a disabled pool still honours cooldowns',
      { replicas: 2, signals: [up()], policy: { enabled: false }, state: { lastUpAt: NOW - 30 * SEC } },
      { outcome: 'cooldown', to: 2, cooldownRemainingSeconds: 30 },
    ],
  ])('%s', (_name, c, want) => {
    const d = check(c, want);
    if (want.outcome === 'cooldown') {
      expect(d.reason).toContain(`cooldown.${d.scale} has ${want.cooldownRemainingSeconds}s left`);
      expect(d.steppedFingerprints).toEqual([]);
    } else {
      expect(d.cooldownRemainingSeconds).toBeUndefined();
    }
  });

  it.each<[string, 'up' | 'down', PoolState, number]>([
    ['nothing ever scaled: up may act now', 'up', { replicas: 3 }, 0],
    ['nothing ever scaled: down may act now', 'down', { replicas: 3 }, 0],
    ['up 10s after a grow', 'up', { replicas: 3, lastUpAt: NOW - 10 * SEC }, 50 * SEC],
    ['up ignores an earlier shrink', 'up', { replicas: 3, lastDownAt: NOW - 10 * SEC }, 0],
    ['down 10s after a grow', 'down', { replicas: 3, lastUpAt: NOW - 10 * SEC }, 290 * SEC],
    ['down 10s after a shrink', 'down', { replicas: 3, lastDownAt: NOW - 10 * SEC }, 290 * SEC],
    ['down long after', 'down', { replicas: 3, lastUpAt: NOW - 1 * 3600 * SEC, lastDownAt: NOW - 2 * 3600 * SEC }, 0],
  ])('cooldownRemaining: %s', (_name, direction, state, ms) => {
    expect(cooldownRemaining(direction, policyOf(), state, NOW)).toBe(ms);
  });
});

describe('rule 5: enabled: false is a dry run', () => {
  it.each<[string, Case, Expected]>([
    [
      'a grow is decided but not executed',
      { replicas: 2, signals: [up({ target: 6 })], policy: { enabled: false } },
      { outcome: 'dry_run', to: 6, scale: 'up' },
    ],
    [
      'a shrink is decided but not executed',
      { replicas: 6, signals: [down()], policy: { enabled: false } },
      { outcome: 'dry_run', to: 5, scale: 'down' },
    ],
    [
      'bounds still apply in a dry run',
      { replicas: 2, signals: [up({ target: 60 })], policy: { enabled: false } },
      { outcome: 'dry_run', to: 10 },
    ],
    ['at max a dry run says at_max', { replicas: 10, signals: [up()], policy: { enabled: false } }, { outcome: 'at_max', to: 10 }],
    [
      'nothing to do in a dry run is no_change',
      { replicas: 5, signals: [up({ target: 5 })], policy: { enabled: false } },
      { outcome: 'no_change', to: 5 },
    ],
  ])('%s', (_name, c, want) => {
    const d = check(c, want);
    if (d.outcome === 'dry_run') expect(d.reason).toMatch(/dry run/);
  });
});

describe('rule 6 and duplicates: what a notification about an alert already seen does', () => {
  const seen = (over: Partial<AlertHistory> = {}): AlertHistory => ({ startsAt: STARTS, resolved: false, ...over });

  it.each<[string, Case, Expected]>([
    [
      'a resolved up executes nothing',
      { replicas: 2, signals: [up({ status: 'resolved' })] },
      { outcome: 'no_change', to: 2, scale: null },
    ],
    [
      'a resolved down executes nothing',
      { replicas: 6, signals: [down({ status: 'resolved', target: 1 })] },
      { outcome: 'no_change', to: 6, scale: null },
    ],
    [
      'a resolved up does not beat a firing down',
      { replicas: 6, signals: [up({ status: 'resolved' }), down()] },
      { outcome: 'scaled', to: 5, scale: 'down' },
    ],
    [
      'a stale firing (its resolved already arrived) is ignored',
      { replicas: 2, signals: [up({ target: 8, history: seen({ resolved: true }) })] },
      { outcome: 'no_change', to: 2, scale: null },
    ],
    [
      'a stale step firing is ignored too',
      { replicas: 2, signals: [up({ history: seen({ resolved: true, lastStepAt: NOW - 10 * MIN }) })] },
      { outcome: 'no_change', to: 2, scale: null },
    ],
    [
      'a new firing of a resolved alert (new startsAt) acts',
      { replicas: 2, signals: [up({ startsAt: LATER_STARTS, history: seen({ resolved: true }) })] },
      { outcome: 'scaled', to: 3 },
    ],
    [
      'a repeated step within stepInterval is a duplicate',
      { replicas: 3, signals: [up({ history: seen({ lastStepAt: NOW - 5 * SEC }) })] },
      { outcome: 'no_change', to: 3, scale: 'up' },
    ],
    [
      'a repeated down step within stepInterval is a duplicate',
      { replicas: 6, signals: [down({ history: seen({ lastStepAt: NOW - 5 * SEC }) })] },
      { outcome: 'no_change', to: 6, scale: null },
    ],
    [
      'a repeated step inside cooldown.up reports the cooldown',
      { replicas: 3, signals: [up({ history: seen({ lastStepAt: NOW - 5 * SEC }) })], state: { lastUpAt: NOW - 5 * SEC } },
      { outcome: 'cooldown', to: 3, scale: 'up', cooldownRemainingSeconds: 55 },
    ],
    [
      'a repeated down step inside cooldown.down reports the cooldown',
      { replicas: 6, signals: [down({ history: seen({ lastStepAt: NOW - 5 * SEC }) })], state: { lastDownAt: NOW - 5 * SEC } },
      { outcome: 'cooldown', to: 6, scale: 'down', cooldownRemainingSeconds: 295 },
    ],
    [
      'a repeat after stepInterval steps again',
      { replicas: 3, signals: [up({ history: seen({ lastStepAt: NOW - 1 * MIN }) })] },
      { outcome: 'scaled', to: 4 },
    ],
    [
      'a longer stepInterval holds the repeat back',
      { replicas: 3, signals: [up({ history: seen({ lastStepAt: NOW - 1 * MIN }) })], policy: { stepInterval: 5 * MIN } },
      { outcome: 'no_change', to: 3 },
    ],
    ['a firing seen before but never stepped may step', { replicas: 3, signals: [up({ history: seen() })] }, { outcome: 'scaled', to: 4 }],
    [
      'a new firing with a step taken for the old one steps',
      { replicas: 3, signals: [up({ startsAt: LATER_STARTS, history: seen({ lastStepAt: NOW - 5 * SEC }) })] },
      { outcome: 'scaled', to: 4 },
    ],
    [
      'a repeated target is not a duplicate: it is idempotent',
      { replicas: 3, signals: [up({ target: 7, history: seen({ lastStepAt: NOW - 5 * SEC }) })] },
      { outcome: 'scaled', to: 7 },
    ],
    [
      'a repeated target already reached changes nothing',
      { replicas: 7, signals: [up({ target: 7, history: seen() })] },
      { outcome: 'no_change', to: 7, scale: 'up' },
    ],
    [
      'a duplicate step does not hide a second up alert',
      { replicas: 3, signals: [up({ history: seen({ lastStepAt: NOW - 5 * SEC }) }), up({ target: 6 })] },
      { outcome: 'scaled', to: 6 },
    ],
    [
      'an up still firing blocks a down even when its step was already taken',
      { replicas: 6, signals: [up({ history: seen({ lastStepAt: NOW - 5 * SEC }) }), down()], policy: { cooldown: { up: 0, down: 0 } } },
      { outcome: 'no_change', to: 6, scale: 'up' },
    ],
  ])('%s', (_name, c, want) => {
    check(c, want);
  });

  it('the reason names each alert not acted on and why', () => {
    const d = run({
      replicas: 3,
      signals: [
        up({ alertname: 'QueueHigh', status: 'resolved' }),
        up({ alertname: 'CpuHigh', history: seen({ resolved: true }) }),
        up({ alertname: 'Backlog', history: seen({ lastStepAt: NOW - 5 * SEC }) }),
      ],
    });
    expect(d.reason).toMatch(/QueueHigh: resolved/);
    expect(d.reason).toMatch(/CpuHigh: stale/);
    expect(d.reason).toMatch(/Backlog: duplicate/);
  });
});

describe('what a decision records', () => {
  it.each<[string, Case, string[]]>([
    ['a step that scaled is recorded', { replicas: 2, signals: [up({ fingerprint: 'a' })] }, ['a']],
    [
      'a step in a dry run is recorded (a repeat must not say "would scale" again at once)',
      { replicas: 2, signals: [up({ fingerprint: 'a' })], policy: { enabled: false } },
      ['a'],
    ],
    ['a target is never recorded as a step', { replicas: 2, signals: [up({ fingerprint: 'a', target: 5 })] }, []],
    [
      'only step signals of the winning direction are recorded',
      { replicas: 4, signals: [up({ fingerprint: 'a' }), up({ fingerprint: 'b', target: 6 }), down({ fingerprint: 'c' })] },
      ['a'],
    ],
    [
      'every step signal of the winning direction is recorded',
      { replicas: 6, signals: [down({ fingerprint: 'c' }), down({ fingerprint: 'd', step: 2 })] },
      ['c', 'd'],
    ],
    [
      'a duplicate step is not recorded again',
      {
        replicas: 3,
        signals: [
          up({ fingerprint: 'a', history: { startsAt: STARTS, resolved: false, lastStepAt: NOW - 5 * SEC } }),
          up({ fingerprint: 'b' }),
        ],
      },
      ['b'],
    ],
    [
      'a step blocked by cooldown is not recorded (it may step on the next repeat)',
      { replicas: 2, signals: [up({ fingerprint: 'a' })], state: { lastUpAt: NOW } },
      [],
    ],
    ['a step at max is not recorded', { replicas: 10, signals: [up({ fingerprint: 'a' })] }, []],
    ['a resolved step is not recorded', { replicas: 4, signals: [up({ fingerprint: 'a', status: 'resolved' })] }, []],
  ])('steppedFingerprints: %s', (_name, c, fingerprints) => {
    expect(run(c).steppedFingerprints).toEqual(fingerprints);
  });

  it('keeps every alert of the pool, acted on or not, without its history', () => {
    const a = up({ fingerprint: 'a', alertname: 'Busy', generatorURL: 'http://p/graph' });
    const b = down({ fingerprint: 'b', alertname: 'Idle', status: 'resolved', history: { startsAt: STARTS, resolved: false } });
    expect(run({ replicas: 2, signals: [a, b] }).alerts).toEqual([
      { alertname: 'Busy', fingerprint: 'a', status: 'firing', startsAt: STARTS, generatorURL: 'http://p/graph' },
      { alertname: 'Idle', fingerprint: 'b', status: 'resolved', startsAt: STARTS, generatorURL: '' },
    ]);
  });

  it('decides the same for the same input (a replayed notification decides the same)', () => {
    const c: Case = { replicas: 3, signals: [up({ step: 2 }), down({ target: 1 })], state: { lastDownAt: NOW - 10 * SEC } };
    expect(run(c)).toEqual(run(c));
  });
});

describe('a fractional target from Prometheus rounds up before deciding', () => {
  const fromAnnotation = (target: string): SignalInput => {
    const classified = classifyAlert(
      webhookAlertSchema.parse({
        status: 'firing',
        labels: { alertname: 'Load', pool: 'demo', scale: 'up' },
        annotations: { target },
        startsAt: STARTS,
      }),
    );
    if (classified.kind !== 'signal') throw new Error(`not a signal: ${JSON.stringify(classified)}`);
    return classified.signal;
  };

  it.each<[string, string, number]>([
    ['2.4 workers means 3', '2.4', 3],
    ['3 workers means 3', '3', 3],
    ['3 plus float noise means 3', '3.0000000001', 3],
    ['just over 3 means 4', '3.01', 4],
  ])('%s', (_name, target, to) => {
    check({ replicas: 1, signals: [fromAnnotation(target)] }, { outcome: 'scaled', to });
  });
});
