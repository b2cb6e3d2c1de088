import { describe, expect, it } from 'vitest';
import {
  adaptations,
  demandCurve,
  elasticity,
  elasticSpeedup,
  integral,
  percentile,
  sampledCurve,
  waitSummary,
  type Curve,
} from '../../bench/quality/metrics.js';
import { fcfsWaits, fixedAtMax, oracle } from '../../bench/quality/oracle.js';
import { interruptedJobs } from '../../bench/quality/figures.js';
import type { DemoTally } from '../../src/demo/tally.js';

const c = (values: number[]): Curve => ({ dt: 1, values });

describe('percentile (nearest rank)', () => {
  it.each([
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 95, 4],
    [[5], 99, 5],
    [[10, 1, 7, 3, 2, 9, 4, 8, 6, 5], 90, 9],
  ])('%j p%i = %i', (xs, p, want) => expect(percentile(xs, p)).toBe(want));
  it('is NaN for no values', () => expect(percentile([], 50)).toBeNaN());
});

describe('demand and supply curves', () => {
  it('d(t) counts jobs in service at each grid point if started on arrival', () => {
    // job A 0–2 s, job B 1–4 s, job C 1.5–1.7 s (between grid points: not counted)
    const jobs = [
      { atS: 0, durationMs: 2000 },
      { atS: 1, durationMs: 3000 },
      { atS: 1.5, durationMs: 200 },
    ];
    expect(demandCurve(jobs, 5).values).toEqual([1, 2, 1, 1, 0]);
  });
  it('sampledCurve holds the latest sample at or before each grid point', () => {
    expect(
      sampledCurve(
        [
          { t: 0.2, v: 1 },
          { t: 2, v: 3 },
          { t: 2.5, v: 2 },
        ],
        4,
      ).values,
    ).toEqual([1, 1, 3, 2]);
  });
  it('integral and adaptations', () => {
    expect(integral({ dt: 0.5, values: [2, 2, 4] })).toBe(4);
    expect(adaptations(c([1, 1, 2, 2, 1]))).toBe(2);
  });
});

describe('elasticity (SPEC RG metrics)', () => {
  it('a supply equal to demand is perfect', () => {
    expect(elasticity(c([1, 2, 3]), c([1, 2, 3]))).toEqual({ thetaU: 0, thetaO: 0, tauU: 0, tauO: 0, instability: 0, jitter: 0 });
  });
  it('hand-computed under- and over-provisioning', () => {
    // d = 2 2 4 4, s = 2 1 1 6: under 1/2 at k=1, 3/4 at k=2 → θU = 100/4·1.25 = 31.25; over 2/4 at k=3 → θO = 12.5
    // τU = 2 of 4 s = 50 %, τO = 25 %; Δd = 0 + 0 ; Δs = − 0 +: k=1 (s−, d0) 1, k=2 (s0, d+) 1, k=3 (s+, d0) 1 → 3/3 = 100 %
    // jitter: s adapts 2×, d 1× → (2 − 1)/4 s · 60 = 15 per minute
    const e = elasticity(c([2, 2, 4, 4]), c([2, 1, 1, 6]));
    expect(e.thetaU).toBeCloseTo(31.25);
    expect(e.thetaO).toBeCloseTo(12.5);
    expect(e.tauU).toBe(50);
    expect(e.tauO).toBe(25);
    expect(e.instability).toBeCloseTo(100);
    expect(e.jitter).toBeCloseTo(15);
  });
  it('an idle worker while nothing is demanded counts as 100 % over-provisioning', () => {
    expect(elasticity(c([0, 0]), c([1, 1])).thetaO).toBe(100);
  });
  it('elastic speedup is the geometric mean of the four base/policy ratios', () => {
    const base = { thetaU: 40, thetaO: 20, tauU: 10, tauO: 10, instability: 0, jitter: 0 };
    const policy = { thetaU: 10, thetaO: 20, tauU: 10, tauO: 40, instability: 5, jitter: 1 };
    // ratios 4, 1, 1, 0.25 → product 1 → ε = 1
    expect(elasticSpeedup(policy, base)).toBeCloseTo(1);
    expect(elasticSpeedup({ ...policy, tauO: 10 }, base)).toBeCloseTo(Math.SQRT2);
    expect(elasticSpeedup(base, base)).toBe(1);
  });
});

describe('oracle and references', () => {
  it('FCFS waits on always-ready workers', () => {
    // 2 workers; three jobs at 0 of 2 s and one at 1 s: the third waits 2 s, the fourth 1 s
    const jobs = [
      { atS: 0, durationMs: 2000 },
      { atS: 0, durationMs: 2000 },
      { atS: 0, durationMs: 2000 },
      { atS: 1, durationMs: 1000 },
    ];
    expect(fcfsWaits(jobs, 2)).toEqual([0, 0, 2, 1]);
  });
  it('oracle cost is ∫ clamp(d, min, max); fixed at max costs max × window', () => {
    const jobs = [
      { atS: 0, durationMs: 3000 },
      { atS: 0, durationMs: 3000 },
      { atS: 0, durationMs: 3000 },
    ];
    // d = 3 3 3 0 0 → clamp to [1, 2] = 2 2 2 1 1 → 8 worker-s
    const o = oracle(jobs, { min: 1, max: 2 }, 5);
    expect(o.supply.values).toEqual([2, 2, 2, 1, 1]);
    expect(o.costS).toBe(8);
    expect(o.waitsS).toEqual([0, 0, 3]);
    expect(fixedAtMax(jobs, 2, 5).costS).toBe(10);
  });
  it('wait summary counts the share over the SLO', () => {
    expect(waitSummary([1, 2, 11, 20], 10)).toEqual({ p50: 2, p95: 20, p99: 20, overSlo: 0.5 });
  });
});

describe('interrupted jobs (issue 13: scale-down that never interrupts work)', () => {
  const tally = (rerun: Record<string, number>) => ({ rerun }) as DemoTally;
  const job = (id: string, startedAt?: number, doneAt?: number) => ({ id, enqueuedAt: 0, startedAt, doneAt });
  it.each<[string, ReturnType<typeof job>[], Record<string, number>, number]>([
    ['started once and completed: none', [job('a', 1, 2), job('b', 1, 3)], {}, 0],
    ['never started (still waiting or lost in the queue): none', [job('a')], {}, 0],
    ['started twice (requeued after its worker stopped): one', [job('a', 1, 5)], { a: 2 }, 1],
    ['started and never completed: one', [job('a', 1)], {}, 1],
    ['started twice and never completed counts once', [job('a', 1)], { a: 3 }, 1],
  ])('%s', (_name, jobs, rerun, expected) => {
    expect(interruptedJobs({ jobs, tally: tally(rerun) })).toBe(expected);
  });
});
