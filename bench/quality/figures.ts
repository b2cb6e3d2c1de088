import { demandCurve, elasticity, integral, sampledCurve, waitSummary, type Curve, type Elasticity, type WaitSummary } from './metrics.js';
import { fixedAtMax, oracle, type Reference } from './oracle.js';
import type { JobRecord, Sample } from './ledger.js';
import type { PolicyRun } from './runner.js';
import type { Trace } from './trace.js';

/** Grid of every curve, seconds. */
export const DT = 1;
/**
 * A worker counts as idle cost when nothing was demanded for this long: the rate windows (10 s) must
 * empty, the down rule's `for:` (5 s) pass and the workers stop before a pool can be at zero.
 */
export const IDLE_GRACE_S = 20;

export interface Figures {
  policy: string;
  costS: number;
  wait: WaitSummary;
  done: number;
  lost: number;
  runTwice: number;
  /** Jobs interrupted (by a scale-down: nothing else stops a worker in the bench): started more than once, or started and never completed. */
  interrupted: number;
  scaleActions: number;
  elasticity: Elasticity;
  /** Worker-seconds while idle (no demand for IDLE_GRACE_S). */
  idleCostS: number;
  /** First job started after a wake: the worst, over the times the pool was at zero, of start − enqueue of the first job enqueued then; null when it never was at zero. */
  wakeS: number | null;
}

export interface PolicyResult extends Figures {
  supply: Curve;
  queue: Curve;
  /** With several repetitions: each one's cost and p95 wait, in run order (the figures are their medians). */
  perRun?: { costS: number[]; p95: number[]; wakeS: (number | null)[] };
}

/** Σ supply over the grid points where the demand was 0 for the last IDLE_GRACE_S. */
export function idleCost(demand: Curve, supply: Curve): number {
  const grace = Math.round(IDLE_GRACE_S / demand.dt);
  let cost = 0;
  let quiet = 0;
  for (let i = 0; i < supply.values.length; i++) {
    quiet = (demand.values[i] ?? 0) === 0 ? quiet + 1 : 0;
    if (quiet > grace) cost += supply.values[i]! * supply.dt;
  }
  return cost;
}

/**
 * For each stretch of samples with no live worker, the first job enqueued during it and how long it
 * waited to start; the worst of those, or null when the pool was never at zero.
 */
export function wakeLatency(samples: readonly Sample[], jobs: readonly JobRecord[]): number | null {
  const byArrival = [...jobs].sort((a, b) => a.enqueuedAt - b.enqueuedAt);
  let worst: number | null = null;
  let next = 0;
  for (let i = 0; i < samples.length; i++) {
    if (samples[i]!.workers !== 0 || (i > 0 && samples[i - 1]!.workers === 0)) continue;
    // A stretch at zero starts at sample i; it ends at the first later sample with a worker.
    let end = i;
    while (end < samples.length && samples[end]!.workers === 0) end++;
    const until = end < samples.length ? samples[end]!.at : Infinity;
    while (next < byArrival.length && byArrival[next]!.enqueuedAt < samples[i]!.at) next++;
    const first = byArrival[next];
    if (first && first.enqueuedAt < until && first.startedAt !== undefined)
      worst = Math.max(worst ?? 0, (first.startedAt - first.enqueuedAt) / 1000);
  }
  return worst;
}

/** Jobs started more than once (the demo worker's starts counter) or seen started and never completed. */
export function interruptedJobs(run: Pick<PolicyRun, 'jobs' | 'tally'>): number {
  const ids = new Set(Object.keys(run.tally.rerun));
  for (const j of run.jobs) if (j.startedAt !== undefined && j.doneAt === undefined) ids.add(j.id);
  return ids.size;
}

export function referenceFigures(name: string, ref: Reference, demand: Curve, jobs: number, sloS: number): Figures {
  return {
    policy: name,
    costS: ref.costS,
    wait: waitSummary(ref.waitsS, sloS),
    done: jobs,
    lost: 0,
    runTwice: 0,
    interrupted: 0,
    scaleActions: 0,
    elasticity: elasticity(demand, ref.supply),
    idleCostS: idleCost(demand, ref.supply),
    wakeS: null,
  };
}

/** A policy run's figures, over the window [t0, t0 + windowS] (the trace's common window). */
export function policyFigures(run: PolicyRun, demand: Curve, sloS: number, windowS = run.windowS): PolicyResult {
  const rel = run.samples.map((s) => ({ t: (s.at - run.t0) / 1000, workers: s.workers, queue: s.queue }));
  const supply = sampledCurve(
    rel.map((s) => ({ t: s.t, v: s.workers })),
    windowS,
    DT,
  );
  const queue = sampledCurve(
    rel.map((s) => ({ t: s.t, v: s.queue })),
    windowS,
    DT,
  );
  const waits = run.jobs.filter((j) => j.startedAt !== undefined).map((j) => (j.startedAt! - j.enqueuedAt) / 1000);
  return {
    policy: run.policy,
    costS: integral(supply),
    wait: waitSummary(waits, sloS),
    done: run.tally.completed,
    // Not done when the run ended (60 s past the tail): vanished, still waiting, held or dead alike.
    lost: Math.max(0, run.jobs.length - run.tally.completed),
    runTwice: Object.keys(run.tally.rerun).length + Object.keys(run.tally.duplicated).length,
    interrupted: interruptedJobs(run),
    scaleActions: run.scaleActions,
    elasticity: elasticity(demand, supply),
    idleCostS: idleCost(demand, supply),
    wakeS: wakeLatency(run.samples, run.jobs),
    supply,
    queue,
  };
}

export interface TraceResult {
  trace: string;
  jobs: number;
  windowS: number;
  /** Repetitions the figures are medians of (1: one run). */
  repetitions?: number;
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

/** One repetition of a trace; `windowS` shared by all repetitions (commonWindowS over every run). */
export function traceResult(
  trace: Trace,
  runs: PolicyRun[],
  bounds: { min: number; max: number },
  sloS: number,
  windowS = commonWindowS(runs),
): TraceResult {
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
