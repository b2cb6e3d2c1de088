import { demandCurve, elasticity, integral, sampledCurve, waitSummary, type Curve, type Elasticity, type WaitSummary } from './metrics.js';
import { fixedAtMax, oracle, type Reference } from './oracle.js';
import type { PolicyRun } from './runner.js';
import type { Trace } from './trace.js';

/** Grid of every curve, seconds. */
export const DT = 1;

export interface Figures {
  policy: string;
  costS: number;
  wait: WaitSummary;
  done: number;
  lost: number;
  runTwice: number;
  scaleActions: number;
  elasticity: Elasticity;
}

export interface PolicyResult extends Figures {
  supply: Curve;
  queue: Curve;
}

export function referenceFigures(name: string, ref: Reference, demand: Curve, jobs: number, sloS: number): Figures {
  return { policy: name, costS: ref.costS, wait: waitSummary(ref.waitsS, sloS), done: jobs, lost: 0, runTwice: 0, scaleActions: 0, elasticity: elasticity(demand, ref.supply) };
}

/** A policy run's figures, over the window [t0, t0 + windowS] (the trace's common window). */
export function policyFigures(run: PolicyRun, demand: Curve, sloS: number, windowS = run.windowS): PolicyResult {
  const rel = run.samples.map((s) => ({ t: (s.at - run.t0) / 1000, workers: s.workers, queue: s.queue }));
  const supply = sampledCurve(rel.map((s) => ({ t: s.t, v: s.workers })), windowS, DT);
  const queue = sampledCurve(rel.map((s) => ({ t: s.t, v: s.queue })), windowS, DT);
  const waits = run.jobs.filter((j) => j.startedAt !== undefined).map((j) => (j.startedAt! - j.enqueuedAt) / 1000);
  return {
    policy: run.policy,
    costS: integral(supply),
    wait: waitSummary(waits, sloS),
    done: run.tally.completed,
    lost: run.tally.lost,
    runTwice: Object.keys(run.tally.rerun).length + Object.keys(run.tally.duplicated).length,
    scaleActions: run.scaleActions,
    elasticity: elasticity(demand, supply),
    supply,
    queue,
  };
}

export interface TraceResult {
  trace: string;
  jobs: number;
  windowS: number;
  bounds: { min: number; max: number };
  demand: Curve;
  oracle: Figures & { supply: Curve };
  fixedAtMax: Figures;
  policies: PolicyResult[];
}

/**
 * The window every policy of a trace is integrated over: the trace plus its tail, stretched to the
 * last completion of any policy, so a policy that is still draining a backlog at the end of the
 * tail pays for the workers that drain it (and the fast ones pay for the same stretch at min).
 */
export function commonWindowS(runs: readonly PolicyRun[]): number {
  const lastDone = (r: PolicyRun) => Math.max(0, ...r.jobs.map((j) => ((j.doneAt ?? r.t0) - r.t0) / 1000));
  return Math.ceil(Math.max(...runs.map((r) => Math.max(r.windowS, lastDone(r)))));
}

export function traceResult(trace: Trace, runs: PolicyRun[], bounds: { min: number; max: number }, sloS: number): TraceResult {
  const windowS = commonWindowS(runs);
  const demand = demandCurve(trace.jobs, windowS, DT);
  const o = oracle(trace.jobs, bounds, windowS, DT);
  const f = fixedAtMax(trace.jobs, bounds.max, windowS, DT);
  return {
    trace: trace.name,
    jobs: trace.jobs.length,
    windowS,
    bounds,
    demand,
    oracle: { ...referenceFigures('oracle', o, demand, trace.jobs.length, sloS), supply: o.supply },
    fixedAtMax: referenceFigures(`fixed at max (${bounds.max}, computed)`, f, demand, trace.jobs.length, sloS),
    policies: runs.map((r) => policyFigures(r, demand, sloS, windowS)),
  };
}
