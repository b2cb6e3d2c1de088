import type { Figures, PolicyResult, TraceResult } from './figures.js';
import { median, type Curve } from './metrics.js';

/**
 * Several repetitions of one trace → one TraceResult of medians. The repetitions share the window,
 * demand and oracle (traceResult with one commonWindowS), so only the policies' figures differ.
 * Lost, run-twice and interrupted take the worst repetition, not the median: one lost job in any run is a miss.
 */
export function combineRepetitions(reps: readonly TraceResult[]): TraceResult {
  const first = reps[0];
  if (!first) throw new Error('combineRepetitions: no repetition');
  if (reps.length === 1) return { ...first, repetitions: 1 };
  const policies = first.policies.map((p) => {
    const runs = reps.map((r) => {
      const found = r.policies.find((x) => x.policy === p.policy);
      if (!found) throw new Error(`combineRepetitions: trace ${r.trace}: policy ${p.policy} missing from a repetition`);
      return found;
    });
    return medianPolicy(runs);
  });
  return { ...first, repetitions: reps.length, policies };
}

const med = <T>(xs: readonly T[], f: (x: T) => number) => median(xs.map(f));

function medianPolicy(runs: readonly PolicyResult[]): PolicyResult {
  const wakes = runs.map((r) => r.wakeS).filter((w): w is number => w !== null);
  const figures: Figures = {
    policy: runs[0]!.policy,
    costS: med(runs, (r) => r.costS),
    wait: {
      p50: med(runs, (r) => r.wait.p50),
      p95: med(runs, (r) => r.wait.p95),
      p99: med(runs, (r) => r.wait.p99),
      overSlo: med(runs, (r) => r.wait.overSlo),
    },
    done: med(runs, (r) => r.done),
    lost: Math.max(...runs.map((r) => r.lost)),
    runTwice: Math.max(...runs.map((r) => r.runTwice)),
    interrupted: Math.max(...runs.map((r) => r.interrupted)),
    scaleActions: med(runs, (r) => r.scaleActions),
    elasticity: {
      thetaU: med(runs, (r) => r.elasticity.thetaU),
      thetaO: med(runs, (r) => r.elasticity.thetaO),
      tauU: med(runs, (r) => r.elasticity.tauU),
      tauO: med(runs, (r) => r.elasticity.tauO),
      instability: med(runs, (r) => r.elasticity.instability),
      jitter: med(runs, (r) => r.elasticity.jitter),
    },
    idleCostS: med(runs, (r) => r.idleCostS),
    wakeS: wakes.length > 0 ? median(wakes) : null,
  };
  return {
    ...figures,
    supply: pointwiseMedian(runs.map((r) => r.supply)),
    queue: pointwiseMedian(runs.map((r) => r.queue)),
    perRun: { costS: runs.map((r) => r.costS), p95: runs.map((r) => r.wait.p95), wakeS: runs.map((r) => r.wakeS) },
  };
}

/** The chart's curve of several runs: at each grid point the median of the runs' values. */
export function pointwiseMedian(curves: readonly Curve[]): Curve {
  const n = Math.max(...curves.map((c) => c.values.length));
  return { dt: curves[0]!.dt, values: Array.from({ length: n }, (_, i) => median(curves.map((c) => c.values[i] ?? c.values.at(-1) ?? 0))) };
}
