import { describe, expect, it } from 'vitest';
import { completeInterruption, completion, unreplicated } from '../../src/policy/completion.js';
import type { Decision } from '../../src/policy/types.js';

describe("completion: the end of a scaled decision's command", () => {
  const down = { pool: 'demo', outcome: 'scaled', scale: 'down', from: 4, to: 2, steppedFingerprints: ['f1'] } as Decision;
  it.each([
    ['ok: the pool is at the count asked', true, undefined, { outcome: 'scaled', replicas: 2, scale: 'down', steppedFingerprints: ['f1'] }],
    ['ok, a shrink that left a victim draining: at the count it reached', true, 3, { outcome: 'scaled', replicas: 3 }],
    ['not ok: failed, no count', false, 3, { outcome: 'failed' }],
  ])('%s', (_, ok, reached, expected) => {
    expect(completion(down, ok, reached)).toEqual(expect.objectContaining(expected));
  });
});

describe('completeInterruption: a decision left running by a holder whose lease expired', () => {
  it.each([
    [
      'an end recorded as scaled stands, from the live count',
      { ended: { outcome: 'scaled' as const, to: 3 }, target: 3, live: 4 },
      'scaled',
      4,
    ],
    [
      'an end recorded as scaled stands, from its target without a probe',
      { ended: { outcome: 'scaled' as const, to: 3 }, target: 3 },
      'scaled',
      3,
    ],
    [
      'an end recorded as failed stands, from the live count only',
      { ended: { outcome: 'failed' as const, to: 3 }, target: 3 },
      'failed',
      undefined,
    ],
    ['no end: interrupted, from the live count', { target: 3, live: 2 }, 'interrupted', 2],
    ['no end, no probe: interrupted, assuming its target', { target: 3 }, 'interrupted', 3],
    ['no end, no probe, not the last decision: interrupted, no count', {}, 'interrupted', undefined],
  ])('%s', (_, known, outcome, replicas) => {
    expect(completeInterruption(known)).toMatchObject({ outcome, replicas });
  });
  it('says what is known of the count', () => {
    expect(completeInterruption({ target: 3, live: 2 }).error).toMatch(/live count 2/);
    expect(completeInterruption({ target: 3 }).error).toMatch(/no live count .*assuming it reached 3/);
    expect(completeInterruption({ ended: { outcome: 'scaled', to: 3 } }).error).toBeUndefined();
  });
});

describe('unreplicated: redis.wait before a command runs', () => {
  it('lets the command run once enough replicas have the record', () => {
    expect(unreplicated(1, 1, 500)).toBeUndefined();
    expect(unreplicated(2, 1, 500)).toBeUndefined();
  });
  it('fails the decision, saying how many replicas took it', () => {
    expect(unreplicated(0, 1, 500)).toEqual({
      outcome: 'failed',
      error: expect.stringMatching(/reached 0 of 1 replica\(s\) within 500 ms/),
    });
  });
});
