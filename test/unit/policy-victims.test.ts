/**
 * chooseVictims(): which workers a scale-down by k removes. Idle first (longest idle first), then
 * busy ones whose job started last; draining workers before both. Times are relative to NOW.
 */
import { describe, expect, it } from 'vitest';
import { chooseVictims, type VictimCandidate } from '../../src/policy/victims.js';

const NOW = 1_800_000_000;
const idle = (id: string, idleForS?: number): VictimCandidate => ({
  id,
  busy: false,
  ...(idleForS === undefined ? {} : { idleSince: NOW - idleForS }),
});
const busy = (id: string, jobForS?: number): VictimCandidate => ({
  id,
  busy: true,
  job: `job-${id}`,
  ...(jobForS === undefined ? {} : { jobStarted: NOW - jobForS }),
});
const draining = (w: VictimCandidate): VictimCandidate => ({ ...w, draining: true });

describe('chooseVictims', () => {
  it.each<[string, VictimCandidate[], number, string[]]>([
    ['nothing to remove', [idle('a', 5), busy('b', 5)], 0, []],
    ['the idle worker, not the busy one', [busy('a', 1), idle('b', 1)], 1, ['b']],
    ['longest idle first', [idle('a', 3), idle('b', 30), idle('c', 10)], 2, ['b', 'c']],
    ['every idle one before any busy one', [busy('a', 1), idle('b', 0), busy('c', 100), idle('d', 2)], 2, ['d', 'b']],
    ['busy only when idle ones run out: the youngest job', [idle('a', 4), busy('b', 50), busy('c', 2), busy('d', 20)], 2, ['a', 'c']],
    ['all busy: the two youngest jobs', [busy('a', 40), busy('b', 3), busy('c', 30), busy('d', 1)], 2, ['d', 'b']],
    ['a draining worker goes first, even busy', [idle('a', 60), draining(busy('b', 10))], 1, ['b']],
    ['draining ones, then idle ones', [idle('a', 60), draining(idle('b', 1)), busy('c', 1)], 2, ['b', 'a']],
    ['an unknown idle time sorts after known ones', [idle('a'), idle('b', 1)], 1, ['b']],
    ['an idle worker of unknown age still goes before a busy one', [busy('a', 1), idle('b')], 1, ['b']],
    ['an unknown job start sorts after known ones', [busy('a'), busy('b', 100)], 1, ['b']],
    ['ties break by worker id', [idle('w2', 5), idle('w1', 5), idle('w3', 5)], 2, ['w1', 'w2']],
    ['more asked than workers: all of them', [idle('a', 1), busy('b', 1)], 3, ['a', 'b']],
    ['no workers', [], 2, []],
  ])('%s', (_name, workers, k, want) => {
    const choice = chooseVictims(workers, k, NOW);
    expect(choice.victims.map((v) => v.id)).toEqual(want);
    expect(choice.missing).toBe(k - want.length);
  });

  it('does not depend on the order of the input', () => {
    const workers = [busy('a', 40), idle('b', 7), busy('c', 3), idle('d', 70), draining(busy('e', 9)), idle('f')];
    const want = chooseVictims(workers, 5, NOW).victims.map((v) => v.id);
    expect(want).toEqual(['e', 'd', 'b', 'f', 'c']);
    for (let i = 0; i < 20; i++) {
      const shuffled = [...workers].sort(() => Math.random() - 0.5);
      expect(chooseVictims(shuffled, 5, NOW).victims.map((v) => v.id)).toEqual(want);
    }
  });

  it.each<[string, VictimCandidate, string, RegExp]>([
    ['idle', idle('a', 42), 'idle', /^idle for 42 s$/],
    ['idle, unknown', idle('a'), 'idle', /^idle for an unknown time$/],
    ['busy', busy('a', 3), 'busy', /^busy for 3 s with job job-a: among the youngest jobs/],
    ['draining', draining(busy('a', 3)), 'draining', /^already draining \(busy with job job-a\)$/],
  ])('says why: %s', (_name, w, tier, why) => {
    const [v] = chooseVictims([w], 1, NOW).victims;
    expect(v).toMatchObject({ id: 'a', tier });
    expect(v!.why).toMatch(why);
  });

  it.each([-1, 1.5, Number.NaN])('rejects k = %s', (k) => {
    expect(() => chooseVictims([idle('a', 1)], k, NOW)).toThrow(/k must be a non-negative integer/);
  });
});
