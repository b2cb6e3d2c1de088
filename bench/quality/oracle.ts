import { clampCurve, demandCurve, integral, type Curve } from './metrics.js';
import type { TraceJob } from './trace.js';

/**
 * Queue waits (seconds) of jobs served first come, first served by `servers` workers that are
 * always there and start instantly: the waits no policy can avoid once demand exceeds the pool's max.
 */
export function fcfsWaits(jobs: readonly TraceJob[], servers: number): number[] {
  if (servers <= 0) throw new Error('fcfsWaits: servers must be ≥ 1');
  const freeAt = Array.from({ length: servers }, () => 0);
  return [...jobs]
    .sort((a, b) => a.atS - b.atS)
    .map((j) => {
      let w = 0;
      for (let i = 1; i < servers; i++) if (freeAt[i]! < freeAt[w]!) w = i;
      const start = Math.max(j.atS, freeAt[w]!);
      freeAt[w] = start + j.durationMs / 1000;
      return start - j.atS;
    });
}

export interface Reference {
  supply: Curve;
  costS: number;
  waitsS: number[];
}

/** The oracle: supply = clamp(d(t), min, max) with no start-up delay. */
export function oracle(jobs: readonly TraceJob[], bounds: { min: number; max: number }, windowS: number, dt = 1): Reference {
  const supply = clampCurve(demandCurve(jobs, windowS, dt), bounds.min, bounds.max);
  return { supply, costS: integral(supply), waitsS: fcfsWaits(jobs, bounds.max) };
}

/** A pool fixed at max for the whole window. */
export function fixedAtMax(jobs: readonly TraceJob[], max: number, windowS: number, dt = 1): Reference {
  const supply: Curve = { dt, values: Array.from({ length: Math.ceil(windowS / dt) }, () => max) };
  return { supply, costS: integral(supply), waitsS: fcfsWaits(jobs, max) };
}
