import { describe, expect, it } from 'vitest';
import type { Figures, TraceResult } from '../../bench/quality/figures.js';
import { checkGoals, GOALS } from '../../bench/quality/goals.js';

const el = { thetaU: 10, thetaO: 10, tauU: 10, tauO: 10, instability: 0, jitter: 0 };
const fig = (policy: string, costS: number, p95: number, e = el): Figures => ({
  policy,
  costS,
  wait: { p50: 0, p95, p99: p95, overSlo: 0 },
  done: 10,
  lost: 0,
  runTwice: 0,
  interrupted: 0,
  scaleActions: 1,
  elasticity: e,
  idleCostS: 0,
  wakeS: null,
});
const result = (policies: Figures[], trace = 't'): TraceResult =>
  ({
    trace,
    jobs: 10,
    windowS: 10,
    bounds: { min: 1, max: 8 },
    demand: { dt: 1, values: [] },
    oracle: { ...fig('oracle', 100, 0), supply: { dt: 1, values: [] } },
    fixedAtMax: fig('fixed', 800, 0),
    policies: policies.map((p) => ({ ...p, supply: { dt: 1, values: [] }, queue: { dt: 1, values: [] } })),
  }) as TraceResult;

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
  it('predictive vs shipped is checked on the ramp trace only: ≥ 30 % lower p95 at ≤ 10 % more cost', () => {
    const policies = [fig('shipped', 100, 4), fig('predictive', 108, 2.5)];
    expect(checkGoals(result(policies)).some((c) => c.goal.startsWith('predictive'))).toBe(false);
    const check = checkGoals(result(policies, 'diurnal')).find((c) => c.goal.startsWith('predictive'))!;
    expect([check.met, check.detail]).toEqual([true, 'p95 2.50 s vs 4.00 s (0.63×), cost 1.08×']);
    const dear = checkGoals(result([fig('shipped', 100, 4), fig('predictive', 115, 2.5)], 'diurnal')).find((c) =>
      c.goal.startsWith('predictive'),
    )!;
    expect(dear.met).toBe(false);
  });
  it('scale to zero on the idle trace: idle cost 0 and the first job started within 2 × the reaction floor', () => {
    const zero = (idleCostS: number, wakeS: number | null) => ({ ...fig('zero', 90, 9), idleCostS, wakeS });
    const verdicts = (z: Figures) =>
      checkGoals(result([fig('shipped', 100, 4), z], 'idle-burst'))
        .filter((c) => c.goal.startsWith('zero'))
        .map((c) => [c.met, c.detail]);
    const within = GOALS.wakeS - 0.5;
    expect(verdicts(zero(0, within))).toEqual([
      [true, '0 worker-s'],
      [true, `${within.toFixed(2)} s`],
    ]);
    expect(verdicts(zero(12, GOALS.wakeS + 1))).toEqual([
      [false, '12 worker-s'],
      [false, `${(GOALS.wakeS + 1).toFixed(2)} s (1.00 s over)`],
    ]);
    expect(verdicts(zero(0, null))).toEqual([
      [true, '0 worker-s'],
      [false, 'never at zero'],
    ]);
  });
  it('no shipped policy in the run → nothing to check', () => {
    expect(checkGoals(result([fig('hpa', 1, 1)]))).toEqual([]);
  });
});

describe('common window', () => {
  it('stretches the trace + tail to the last completion of any policy', async () => {
    const { commonWindowS } = await import('../../bench/quality/figures.js');
    const run = (policy: string, lastDoneS: number) => ({
      policy,
      t0: 1000,
      windowS: 50,
      jobs: [{ id: 'a', enqueuedAt: 1000, startedAt: 1000, doneAt: 1000 + lastDoneS * 1000 }],
      samples: [],
      tally: {} as never,
      scaleActions: 0,
    });
    expect(commonWindowS([run('fast', 20), run('slow', 70.2)])).toBe(71);
    expect(commonWindowS([run('fast', 20)])).toBe(50);
  });
});

describe('idle cost and wake latency', () => {
  it('counts workers only after 20 s without demand', async () => {
    const { idleCost } = await import('../../bench/quality/figures.js');
    const demand = { dt: 1, values: [1, ...Array(30).fill(0)] };
    // One worker throughout: grid points 0..20 are within the grace (the demand at 0 and 20 s after), 21..30 idle.
    expect(idleCost(demand, { dt: 1, values: Array(31).fill(1) })).toBe(10);
    expect(idleCost(demand, { dt: 1, values: [1, ...Array(20).fill(1), ...Array(10).fill(0)] })).toBe(0);
  });
  it('takes, per stretch at zero, the first job enqueued in it; the worst stretch', async () => {
    const { wakeLatency } = await import('../../bench/quality/figures.js');
    const s = (at: number, workers: number) => ({ at, queue: 0, workers });
    const samples = [s(0, 0), s(1000, 0), s(2000, 1), s(3000, 1), s(4000, 0), s(5000, 0), s(9000, 2)];
    const jobs = [
      { id: 'a', enqueuedAt: 500, startedAt: 2500 }, // first of the first stretch: 2 s
      { id: 'b', enqueuedAt: 900, startedAt: 2600 }, // not the first
      { id: 'c', enqueuedAt: 2100, startedAt: 2200 }, // workers alive: no wake
      { id: 'd', enqueuedAt: 4200, startedAt: 9500 }, // first of the second stretch: 5.3 s
    ];
    expect(wakeLatency(samples, jobs)).toBeCloseTo(5.3);
    expect(wakeLatency([s(0, 1), s(1000, 1)], jobs)).toBeNull();
  });
});

describe('repetitions', () => {
  it('medians of every figure, the worst lost and run twice, each run kept for the spread', async () => {
    const { combineRepetitions } = await import('../../bench/quality/repeat.js');
    const rep = (costS: number, p95: number, lost: number) => result([{ ...fig('shipped', costS, p95), lost }]);
    const r = combineRepetitions([rep(100, 5, 0), rep(130, 9, 1), rep(110, 6, 0)]);
    const p = r.policies[0]!;
    expect([r.repetitions, p.costS, p.wait.p95, p.lost]).toEqual([3, 110, 6, 1]);
    expect(p.perRun).toEqual({ costS: [100, 130, 110], p95: [5, 9, 6], wakeS: [null, null, null] });
  });
  it('a pointwise median curve', async () => {
    const { pointwiseMedian } = await import('../../bench/quality/repeat.js');
    expect(
      pointwiseMedian([
        { dt: 1, values: [1, 5, 2] },
        { dt: 1, values: [3, 1, 2] },
        { dt: 1, values: [2, 2, 8] },
      ]).values,
    ).toEqual([2, 2, 2]);
  });
});
