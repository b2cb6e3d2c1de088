import { describe, expect, it } from 'vitest';
import type { Figures, TraceResult } from '../../bench/quality/figures.js';
import { checkGoals } from '../../bench/quality/goals.js';

const el = { thetaU: 10, thetaO: 10, tauU: 10, tauO: 10, instability: 0, jitter: 0 };
const fig = (policy: string, costS: number, p95: number, e = el): Figures => ({
  policy, costS, wait: { p50: 0, p95, p99: p95, overSlo: 0 }, done: 10, lost: 0, runTwice: 0, scaleActions: 1, elasticity: e,
});
const result = (policies: Figures[]): TraceResult =>
  ({ trace: 't', jobs: 10, windowS: 10, bounds: { min: 1, max: 8 }, demand: { dt: 1, values: [] }, oracle: { ...fig('oracle', 100, 0), supply: { dt: 1, values: [] } }, fixedAtMax: fig('fixed', 800, 0), policies: policies.map((p) => ({ ...p, supply: { dt: 1, values: [] }, queue: { dt: 1, values: [] } })) }) as TraceResult;

describe('issue 10 goals', () => {
  it('all met: cheap, fast, 20 % cheaper than both baselines, ε ≥ 1.25 vs hpa', () => {
    const half = { ...el, thetaU: 5, thetaO: 5, tauU: 5, tauO: 5 };
    const checks = checkGoals(result([fig('shipped', 130, 8, half), fig('seed-steps', 200, 8), fig('hpa', 170, 9)]));
    expect(checks.map((c) => c.met)).toEqual([true, true, true, true, true, true]);
    expect(checks[5]!.detail).toBe('ε 2.00');
  });
  it('misses say by how much', () => {
    const checks = checkGoals(result([fig('shipped', 150, 12), fig('seed-steps', 160, 11), fig('hpa', 140, 20)]));
    expect(checks.map((c) => [c.met, c.detail])).toEqual([
      [false, '12.00 s (2.00 s over)'],
      [false, '1.50× (7 % over)'],
      [true, 'lost 0, run twice 0'],
      [false, 'cost 0.94×, p95 wait 1.09×'], // cheaper but slower: not better
      [false, 'cost 1.07×, p95 wait 0.60×'], // faster but dearer: not better
      [false, 'ε 1.00'],
    ]);
  });
  it('no shipped policy in the run → nothing to check', () => {
    expect(checkGoals(result([fig('hpa', 1, 1)]))).toEqual([]);
  });
});

describe('common window', () => {
  it('stretches the trace + tail to the last completion of any policy', async () => {
    const { commonWindowS } = await import('../../bench/quality/figures.js');
    const run = (policy: string, lastDoneS: number) =>
      ({ policy, t0: 1000, windowS: 50, jobs: [{ id: 'a', enqueuedAt: 1000, startedAt: 1000, doneAt: 1000 + lastDoneS * 1000 }], samples: [], tally: {} as never, scaleActions: 0 });
    expect(commonWindowS([run('fast', 20), run('slow', 70.2)])).toBe(71);
    expect(commonWindowS([run('fast', 20)])).toBe(50);
  });
});
