import type { TraceJob } from './trace.js';

/** mulberry32: a small seeded PRNG, so the committed traces regenerate byte for byte. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Arrival rate (jobs/s) at t seconds, and a job duration drawn with `rand`. */
export interface Shape {
  seconds: number;
  rate: (t: number) => number;
  durationMs: (rand: () => number) => number;
}

/**
 * A non-homogeneous Poisson arrival process by thinning (Lewis & Shedler): candidates at the
 * peak rate, each kept with probability rate(t)/peak.
 */
export function generateTrace(shape: Shape, seed: number): TraceJob[] {
  const rand = seededRandom(seed);
  let peak = 0;
  for (let t = 0; t <= shape.seconds; t += 0.1) peak = Math.max(peak, shape.rate(t));
  const jobs: TraceJob[] = [];
  if (peak <= 0) return jobs;
  for (let t = -Math.log(1 - rand()) / peak; t < shape.seconds; t += -Math.log(1 - rand()) / peak) {
    if (rand() * peak < shape.rate(t)) jobs.push({ atS: Math.round(t * 1000) / 1000, durationMs: shape.durationMs(rand) });
  }
  return jobs;
}

export const fixedMs = (ms: number) => () => ms;

/** Lognormal durations (heavy right tail) with the given median, capped so one job cannot dominate. */
export const lognormalMs = (medianMs: number, sigma: number, capMs: number) => (rand: () => number) => {
  const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return Math.min(capMs, Math.round(medianMs * Math.exp(sigma * z)));
};

/** The shipped traces (compressed seconds). Peak demand is sized for the demo pool (max 8). */
export const SHAPES: Record<string, Shape> = {
  // 20 s of light load, a 40 s step to ~3 jobs/s of 2 s (d ≈ 6), then light again.
  step: { seconds: 100, rate: (t) => (t >= 20 && t < 60 ? 3 : 0.4), durationMs: fixedMs(2000) },
  // Four 15 s bursts at 4 jobs/s of 1.5 s, 15 s apart.
  sawtooth: { seconds: 120, rate: (t) => (t % 30 < 15 ? 4 : 0.3), durationMs: fixedMs(1500) },
  // One compressed "day": a sine² ramp from 0.3 to 3 jobs/s and back; lognormal durations (median 1.5 s).
  diurnal: { seconds: 150, rate: (t) => 0.3 + 2.7 * Math.sin((Math.PI * t) / 150) ** 2, durationMs: lognormalMs(1500, 0.8, 20_000) },
  // Nothing for 40 s, a 20 s burst of 4 jobs/s of 2 s, nothing for 40 s (scale to zero and back).
  'idle-burst': { seconds: 100, rate: (t) => (t >= 40 && t < 60 ? 4 : 0), durationMs: fixedMs(2000) },
  // Three 15 s bursts at 2 jobs/s, 35 s apart, one job in 10 of 75 s (longer than the demo pm2
  // kill_timeout of 30 s), the rest 1.5 s: a scale-down after a burst meets workers still busy.
  'long-tail': { seconds: 130, rate: (t) => (t % 50 < 15 ? 2 : 0.1), durationMs: (rand) => (rand() < 0.1 ? 75_000 : 1500) },
};

/** `--quick`: a 45 s step, small enough for a run of a few minutes. */
export const QUICK_SHAPE: Shape = { seconds: 45, rate: (t) => (t >= 5 && t < 25 ? 3 : 0.3), durationMs: fixedMs(2000) };
