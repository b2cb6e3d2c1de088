import { describe, expect, it } from 'vitest';
import { asksToGrow } from '../../src/policy/signals.js';
import { type DrainEnd, endOfDrain } from '../../src/policy/victims.js';

describe('endOfDrain: what becomes of the victims still draining when the drain ends', () => {
  const cases: [DrainEnd, number, 'stop' | 'leave', ReturnType<typeof endOfDrain>][] = [
    ['finished', 0, 'leave', { outcome: undefined, partial: false }],
    ['finished', 0, 'stop', { outcome: undefined, partial: false }],
    ['timeout', 0, 'leave', { outcome: undefined, partial: false }],
    ['timeout', 2, 'leave', { outcome: 'left', partial: true }],
    ['timeout', 2, 'stop', { outcome: 'stopped', partial: false }],
    ['scale_up', 2, 'leave', { outcome: 'kept', partial: true }],
    // A scale-up keeps them whatever drainTimeout would have done.
    ['scale_up', 1, 'stop', { outcome: 'kept', partial: true }],
    // Every victim already left: nothing kept, the shrink is complete.
    ['scale_up', 0, 'leave', { outcome: undefined, partial: false }],
  ];
  it.each(cases)('%s with %i pending, afterDrainTimeout %s', (end, pending, onTimeout, want) => {
    expect(endOfDrain(end, pending, onTimeout)).toEqual(want);
  });
});

describe('asksToGrow: a notification that ends a drain', () => {
  const cases: [string, { scale: 'up' | 'down'; status: 'firing' | 'resolved' }[], boolean][] = [
    ['no signal', [], false],
    ['a firing up', [{ scale: 'up', status: 'firing' }], true],
    ['a resolved up', [{ scale: 'up', status: 'resolved' }], false],
    ['a firing down', [{ scale: 'down', status: 'firing' }], false],
    [
      'down and up firing',
      [
        { scale: 'down', status: 'firing' },
        { scale: 'up', status: 'firing' },
      ],
      true,
    ],
  ];
  it.each(cases)('%s', (_, signals, want) => {
    expect(asksToGrow(signals)).toBe(want);
  });
});
