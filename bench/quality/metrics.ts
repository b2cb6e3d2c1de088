import type { TraceJob } from './trace.js';

/** A step function sampled on a uniform grid: values[k] holds on [k·dt, (k+1)·dt). */
export interface Curve {
  dt: number;
  values: number[];
}

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** d(t): jobs that would be in service at t = k·dt if each started on arrival. */
export function demandCurve(jobs: readonly TraceJob[], windowS: number, dt = 1): Curve {
  const n = Math.ceil(windowS / dt);
  const values = Array.from({ length: n }, (_, k) => {
    const t = k * dt;
    return jobs.filter((j) => j.atS <= t && t < j.atS + j.durationMs / 1000).length;
  });
  return { dt, values };
}

/** A curve from (t, value) samples: at each grid point, the latest sample at or before it (0 before the first). */
export function sampledCurve(samples: readonly { t: number; v: number }[], windowS: number, dt = 1): Curve {
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  const values: number[] = [];
  let i = -1;
  for (let k = 0; k < Math.ceil(windowS / dt); k++) {
    while (i + 1 < sorted.length && sorted[i + 1]!.t <= k * dt) i++;
    values.push(i < 0 ? (sorted[0]?.v ?? 0) : sorted[i]!.v);
  }
  return { dt, values };
}

/** ∫ curve dt (e.g. worker-seconds of a supply curve). */
export function integral(c: Curve): number {
  return c.values.reduce((a, v) => a + v * c.dt, 0);
}

export function clampCurve(c: Curve, min: number, max: number): Curve {
  return { dt: c.dt, values: c.values.map((v) => Math.min(max, Math.max(min, v))) };
}

/** SPEC RG elasticity metrics (Herbst et al., SPEC-RG-2016-01), in percent except jitter (adaptations per minute). */
export interface Elasticity {
  thetaU: number;
  thetaO: number;
  tauU: number;
  tauO: number;
  instability: number;
  jitter: number;
}

/** Number of changes of value along a curve. */
export function adaptations(c: Curve): number {
  let n = 0;
  for (let k = 1; k < c.values.length; k++) if (c.values[k] !== c.values[k - 1]) n++;
  return n;
}

/**
 * θU = 100/T ∫ max(d−s,0)/max(d,1) dt, θO = 100/T ∫ max(s−d,0)/max(d,1) dt,
 * τU = 100/T ∫ [s<d] dt, τO = 100/T ∫ [s>d] dt,
 * υ (instability) = 100/T ∫ min(1, |sgn Δs − sgn Δd|) dt, j (jitter) = (adaptations of s − of d) / T·60.
 * max(d,1) keeps θO defined while nothing is demanded (then each idle worker counts 100 %).
 */
export function elasticity(demand: Curve, supply: Curve): Elasticity {
  const n = Math.min(demand.values.length, supply.values.length);
  const dt = demand.dt;
  const T = n * dt;
  let thetaU = 0;
  let thetaO = 0;
  let tauU = 0;
  let tauO = 0;
  let unstable = 0;
  for (let k = 0; k < n; k++) {
    const d = demand.values[k]!;
    const s = supply.values[k]!;
    thetaU += (Math.max(d - s, 0) / Math.max(d, 1)) * dt;
    thetaO += (Math.max(s - d, 0) / Math.max(d, 1)) * dt;
    if (s < d) tauU += dt;
    if (s > d) tauO += dt;
    if (k > 0) {
      const ds = Math.sign(s - supply.values[k - 1]!);
      const dd = Math.sign(d - demand.values[k - 1]!);
      unstable += Math.min(1, Math.abs(ds - dd)) * dt;
    }
  }
  const pct = (x: number) => (T > 0 ? (100 * x) / T : 0);
  const trim = (c: Curve): Curve => ({ dt, values: c.values.slice(0, n) });
  return {
    thetaU: pct(thetaU),
    thetaO: pct(thetaO),
    tauU: pct(tauU),
    tauO: pct(tauO),
    instability: T > dt ? (100 * unstable) / (T - dt) : 0,
    jitter: T > 0 ? ((adaptations(trim(supply)) - adaptations(trim(demand))) / T) * 60 : 0,
  };
}

/**
 * Elastic speedup of a policy over a baseline: geometric mean of base/policy for θU, θO, τU, τO
 * (> 1 = the policy is more elastic). A metric that is 0 for both counts as ratio 1; 0 for the
 * policy alone is floored at 0.01 % so the mean stays finite.
 */
export function elasticSpeedup(policy: Elasticity, base: Elasticity): number {
  const keys = ['thetaU', 'thetaO', 'tauU', 'tauO'] as const;
  const floor = 0.01;
  const ratios = keys.map((k) => (policy[k] === 0 && base[k] === 0 ? 1 : Math.max(base[k], floor) / Math.max(policy[k], floor)));
  return Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length);
}

/** Queue-wait summary in seconds; `over` = share of jobs waiting longer than sloS. */
export interface WaitSummary {
  p50: number;
  p95: number;
  p99: number;
  overSlo: number;
}

export function waitSummary(waitsS: readonly number[], sloS: number): WaitSummary {
  return {
    p50: percentile(waitsS, 50),
    p95: percentile(waitsS, 95),
    p99: percentile(waitsS, 99),
    overSlo: waitsS.length ? waitsS.filter((w) => w > sloS).length / waitsS.length : Number.NaN,
  };
}
