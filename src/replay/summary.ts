/**
 * What a replayed window adds up to for one pool: actions up and down, time at max and at min,
 * worker-seconds replayed beside those really run, and the longest stretch with jobs waiting and
 * no scale-up. Pure.
 */
import type { PoolPolicy } from '../policy/types.js';
import type { PoolReplay } from './decisions.js';

export interface Stretch {
  start: number;
  end: number;
  ms: number;
}

export interface PoolSummary {
  ups: number;
  downs: number;
  atMaxMs: number;
  atMinMs: number;
  replayedWorkerSeconds: number;
  /** From alertscale_pool_processes; null when the pool has no such series in the window. */
  realWorkerSeconds: number | null;
  /** null when the pool has no queue series (nothing to call backlog). */
  longestBacklogWithoutScaleUp: Stretch | null;
}

/** Samples of a gauge at a fixed step: [ms, value]. */
export type Samples = readonly (readonly [number, number])[];

export function summarise(
  replay: PoolReplay,
  policy: Pick<PoolPolicy, 'min' | 'max'>,
  window: { from: number; to: number },
  real: { processes?: Samples; queue?: Samples; stepMs: number },
): PoolSummary {
  const scaled = replay.decisions.filter((d) => d.outcome === 'scaled');
  let atMaxMs = 0;
  let atMinMs = 0;
  let workerMs = 0;
  replay.replicas.forEach(([at, n], i) => {
    const end = replay.replicas[i + 1]?.[0] ?? window.to;
    const span = Math.max(0, Math.min(end, window.to) - Math.max(at, window.from));
    if (n >= policy.max) atMaxMs += span;
    if (n <= policy.min) atMinMs += span;
    workerMs += n * span;
  });
  return {
    ups: scaled.filter((d) => d.scale === 'up').length,
    downs: scaled.filter((d) => d.scale === 'down').length,
    atMaxMs,
    atMinMs,
    replayedWorkerSeconds: Math.round(workerMs / 1000),
    realWorkerSeconds:
      real.processes && real.processes.length > 0 ? Math.round(integrate(real.processes, real.stepMs, window.to) / 1000) : null,
    longestBacklogWithoutScaleUp:
      real.queue && real.queue.length > 0
        ? longestBacklog(
            real.queue,
            real.stepMs,
            scaled.filter((d) => d.scale === 'up').map((d) => d.time),
          )
        : null,
  };
}

/** ∫ value dt (value·ms), each sample holding for one step (never past `until`). */
function integrate(samples: Samples, stepMs: number, until: number): number {
  return samples.reduce((sum, [t, v]) => sum + v * Math.max(0, Math.min(stepMs, until - t)), 0);
}

/** The longest run of samples with jobs waiting, cut wherever a replayed scale-up happened. */
export function longestBacklog(queue: Samples, stepMs: number, scaleUps: readonly number[]): Stretch | null {
  let best: Stretch | null = null;
  let start: number | undefined;
  let last = -Infinity;
  const close = (end: number) => {
    if (start !== undefined && (!best || end - start > best.ms)) best = { start, end, ms: end - start };
    start = undefined;
  };
  for (const [t, v] of queue) {
    // A missing sample (no data) or an empty queue ends a stretch, and so does a scale-up within it.
    if (start !== undefined && (t - last > stepMs * 1.5 || scaleUps.some((u) => u > last && u <= t)))
      close(scaleUps.find((u) => u > last && u <= t) ?? last + stepMs);
    if (v > 0) {
      start ??= t;
      last = t;
    } else close(t);
  }
  close(last + stepMs);
  return best;
}
