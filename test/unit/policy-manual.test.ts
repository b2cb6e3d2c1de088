/**
 * decideManual(): an operator's `scale POOL N`. Bounds hold (outside them is rejected, never
 * clamped), cooldowns do not (a person chose this moment). Pool: min 1, max 10.
 */
import { describe, expect, it } from 'vitest';
import { decideManual } from '../../src/policy/manual.js';
import type { Decision, PoolPolicy, PoolState } from '../../src/policy/types.js';

const NOW = Date.parse('2026-11-23T06:00:00.000Z');

function policyOf(over: Partial<PoolPolicy> = {}): PoolPolicy {
  return { min: 1, max: 10, enabled: true, step: 1, stepInterval: 60_000, cooldown: { up: 60_000, down: 300_000 }, ...over };
}

interface Case {
  from: number;
  replicas: number;
  policy?: Partial<PoolPolicy>;
  state?: Omit<PoolState, 'replicas'>;
}

function run(c: Case): Decision {
  return decideManual({
    pool: 'demo',
    policy: policyOf(c.policy),
    state: { replicas: c.from, ...c.state },
    replicas: c.replicas,
    reason: 'load test at 14:00',
  });
}

describe('decideManual', () => {
  it.each<[string, Case, Pick<Decision, 'outcome' | 'to'> & Partial<Pick<Decision, 'scale'>>]>([
    ['grow inside the bounds', { from: 2, replicas: 6 }, { outcome: 'scaled', to: 6, scale: 'up' }],
    ['shrink inside the bounds', { from: 6, replicas: 2 }, { outcome: 'scaled', to: 2, scale: 'down' }],
    ['grow to exactly max', { from: 2, replicas: 10 }, { outcome: 'scaled', to: 10, scale: 'up' }],
    ['shrink to exactly min', { from: 6, replicas: 1 }, { outcome: 'scaled', to: 1, scale: 'down' }],
    ['above max is rejected, not clamped', { from: 2, replicas: 11 }, { outcome: 'rejected', to: 2, scale: 'up' }],
    ['below min is rejected, not clamped', { from: 6, replicas: 0 }, { outcome: 'rejected', to: 6, scale: 'down' }],
    ['far above max is rejected', { from: 2, replicas: 1_000 }, { outcome: 'rejected', to: 2, scale: 'up' }],
    ['the current count is no_change', { from: 4, replicas: 4 }, { outcome: 'no_change', to: 4, scale: null }],
    ['a disabled pool is a dry run', { from: 2, replicas: 5, policy: { enabled: false } }, { outcome: 'dry_run', to: 5, scale: 'up' }],
    ['a disabled pool still rejects out of bounds', { from: 2, replicas: 50, policy: { enabled: false } }, { outcome: 'rejected', to: 2 }],
    [
      'a disabled pool at the count asked is no_change',
      { from: 3, replicas: 3, policy: { enabled: false } },
      { outcome: 'no_change', to: 3 },
    ],
    [
      'right after an automatic grow, a manual grow still runs',
      { from: 3, replicas: 5, state: { lastUpAt: NOW } },
      { outcome: 'scaled', to: 5, scale: 'up' },
    ],
    [
      'right after an automatic grow, a manual shrink still runs',
      { from: 5, replicas: 2, state: { lastUpAt: NOW, lastDownAt: NOW } },
      { outcome: 'scaled', to: 2, scale: 'down' },
    ],
    [
      'maxStep does not limit a person (it paces alerts)',
      { from: 1, replicas: 10, policy: { maxStep: 2 } },
      { outcome: 'scaled', to: 10, scale: 'up' },
    ],
    ['a pool already above max may be brought back inside', { from: 14, replicas: 10 }, { outcome: 'scaled', to: 10, scale: 'down' }],
  ])('%s', (_name, c, want) => {
    const d = run(c);
    expect({ outcome: d.outcome, to: d.to }).toEqual({ outcome: want.outcome, to: want.to });
    if (want.scale !== undefined) expect(d.scale).toBe(want.scale);
    expect(d.from).toBe(c.from);
    expect(d.pool).toBe('demo');
    expect(d.alerts).toEqual([]);
    expect(d.steppedFingerprints).toEqual([]);
    expect(d.cooldownRemainingSeconds).toBeUndefined();
  });

  it.each<[string, Case, RegExp]>([
    ['a rejection names the bounds', { from: 2, replicas: 11 }, /11 is outside \[1, 10\]/],
    ['a dry run says so', { from: 2, replicas: 5, policy: { enabled: false } }, /would scale 2 → 5.*dry run/],
    ['a scale says from and to', { from: 2, replicas: 5 }, /scale 2 → 5/],
  ])("the reason is in the operator's words: %s", (_name, c, reason) => {
    const d = run(c);
    expect(d.reason).toMatch(reason);
    expect(d.reason).toContain('load test at 14:00');
  });
});
