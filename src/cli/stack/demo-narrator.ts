/**
 * What `alertscale demo` tells the audience, as a pure function of what it observes: each poll's
 * alerts, new decisions, workers, queue and jobs done become the lines to print, and the figures
 * accumulate. No I/O and no clock: `at` is milliseconds since the burst was enqueued.
 */

export interface SeenDecision {
  id: string;
  /** When the receiver decided, ms since the burst (the command ran right after). */
  at: number;
  scale: string;
  outcome: string;
  from: number;
  to: number;
  reason: string;
  alerts: string[];
}

export interface Observation {
  at: number;
  /** Prometheus alerts of the pool now: name → pending or firing. */
  alerts: Record<string, 'pending' | 'firing'>;
  /** When each alert became active (pending), ms since the burst, where known. */
  activeAt?: Record<string, number>;
  /** Completed audit entries not shown before, oldest first. */
  decisions: SeenDecision[];
  workers: number;
  queue: number;
  done: number;
}

export interface DemoFigures {
  jobs: number;
  done: number;
  peakWorkers: number;
  /** From the burst to the first executed scale-up; undefined if none happened. */
  firstScaleMs?: number;
  /** Workers × seconds they ran, from the burst to the last observation. */
  workerSeconds: number;
  elapsedMs: number;
}

export type Phase = 'loaded' | 'scaled-up' | 'drained' | 'at-rest';

export interface Narrator {
  observe(o: Observation): string[];
  readonly phase: Phase;
  figures(): DemoFigures;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function createNarrator(opts: { jobs: number; min: number; startWorkers: number }): Narrator {
  let alerts: Record<string, string> = {};
  let workers = opts.startWorkers;
  let peakWorkers = opts.startWorkers;
  let lastAt = 0;
  let workerMs = 0;
  let done = 0;
  let firstScaleMs: number | undefined;
  let phase: Phase = 'loaded';
  let scaledDown = false;
  let lastDecision = '';

  function alertLines(now: Observation['alerts'], activeAt: Record<string, number>): string[] {
    const lines: string[] = [];
    for (const [name, state] of Object.entries(now)) {
      if (alerts[name] === state) continue;
      // Pending for less than a poll (or a slow poll) is still a phase the audience should hear of.
      if (state === 'firing' && alerts[name] === undefined && activeAt[name] !== undefined)
        lines.push(`alert ${name} was pending from +${secs(activeAt[name])} (the rule's for:)`);
      lines.push(
        state === 'pending'
          ? `alert ${name} is pending (the rule's for: is running)`
          : `alert ${name} is firing: Alertmanager sends it to the receiver`,
      );
    }
    for (const name of Object.keys(alerts)) if (!(name in now)) lines.push(`alert ${name} resolved`);
    alerts = { ...now };
    return lines;
  }

  /** A cooldown repeats with every resend of the alert: told once until something else happens. */
  function decisionLines(decisions: SeenDecision[]): string[] {
    const lines: string[] = [];
    for (const d of decisions) {
      if (d.outcome === 'scaled' && d.scale === 'up') firstScaleMs ??= d.at;
      if (d.outcome === 'scaled' && d.scale === 'down') scaledDown = true;
      const kind = `${d.outcome} ${d.scale}`;
      if (d.outcome === 'cooldown' && kind === lastDecision) continue;
      lastDecision = kind;
      lines.push(`decision ${d.outcome}: ${d.reason}`);
    }
    return lines;
  }

  function workerLines(now: number, o: Observation): string[] {
    if (now === workers) return [];
    const line = now > workers ? `workers growing: ${workers} → ${now}` : `pool shrinking: ${workers} → ${now}`;
    workers = now;
    peakWorkers = Math.max(peakWorkers, now);
    if (phase === 'loaded' && now > opts.min) phase = 'scaled-up';
    return [`${line} (queue ${o.queue}, ${o.done}/${opts.jobs} done)`];
  }

  return {
    get phase() {
      return phase;
    },
    observe(o) {
      workerMs += workers * Math.max(0, o.at - lastAt);
      lastAt = o.at;
      done = o.done;
      const lines = [...alertLines(o.alerts, o.activeAt ?? {}), ...decisionLines(o.decisions), ...workerLines(o.workers, o)];
      if (phase !== 'drained' && phase !== 'at-rest' && o.queue === 0 && o.done >= opts.jobs) {
        phase = 'drained';
        lines.push(`queue drained: all ${opts.jobs} jobs done at +${secs(o.at)}`);
      }
      // After a scale-up, rest is the scale-down's decision seen through, not just the count.
      if (phase === 'drained' && o.workers <= opts.min && (scaledDown || peakWorkers <= opts.min)) {
        phase = 'at-rest';
        lines.push(`pool back at rest: ${o.workers} worker(s)`);
      }
      return lines.map((l) => `[+${secs(o.at).padStart(7)}] ${l}`);
    },
    figures: () => ({
      jobs: opts.jobs,
      done,
      peakWorkers,
      ...(firstScaleMs !== undefined ? { firstScaleMs } : {}),
      workerSeconds: workerMs / 1000,
      elapsedMs: lastAt,
    }),
  };
}

export function formatFigures(f: DemoFigures): string {
  return [
    'final figures:',
    `  jobs done            ${f.done}/${f.jobs}`,
    `  peak workers         ${f.peakWorkers}`,
    `  time to first scale  ${f.firstScaleMs === undefined ? 'none (no scale-up happened)' : secs(f.firstScaleMs)}`,
    `  worker-seconds       ${f.workerSeconds.toFixed(1)} (over ${secs(f.elapsedMs)})`,
  ].join('\n');
}
