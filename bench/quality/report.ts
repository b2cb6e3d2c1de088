import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { elasticSpeedup, type Elasticity } from './metrics.js';
import type { Figures, TraceResult } from './figures.js';

/** One set of demo timings for every policy, stated against production's. */
export const COMPRESSION = {
  factor: 30,
  text:
    "every policy runs at the demo's timings (`for:` and cooldowns 30× shorter than production, rate windows by scrape count): scrape and rule evaluation every 1 s (production 15 s–30 s), " +
    "the shipped rules' 1m windows 5 s (five 1 s scrapes, as 1m holds four 15 s ones), their job duration's 5m 30 s, their backlog drain time 120 s → 10 s, their `for:` 1 s up / 2 s down (production 30 s / 1 m), Alertmanager group_wait 0 s / group_interval 1 s / repeat_interval 1 s (a changed target reaches the receiver on a repeat); the baselines' production " +
    'durations are divided by 30 (seed-steps `for:` 3 m → 6 s, 15 m → 30 s; HPA stabilization 300 s → 10 s, rate-limit period 15 s → 0.5 s, rounded up to 1 s).',
};

export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform} ${execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim()}`;
}

export const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : '–');
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}×` : '–');

function row(f: Figures, r: TraceResult): string {
  const e = f.elasticity;
  return `| ${f.policy} | ${f1(f.costS)} | ${ratio(f.costS, r.oracle.costS)} | ${f2(f.wait.p50)} | ${f2(f.wait.p95)} | ${f2(f.wait.p99)} | ${pct(f.wait.overSlo)} | ${f.done} | ${f.lost} | ${f.runTwice} | ${f.interrupted ?? '–'} | ${f.scaleActions} | ${f1(f.idleCostS ?? Number.NaN)} | ${f2(f.wakeS ?? Number.NaN)} | ${f1(e.thetaU)} | ${f1(e.thetaO)} | ${f1(e.tauU)} | ${f1(e.tauO)} | ${f1(e.instability)} | ${f2(e.jitter)} |`;
}

function speedups(r: TraceResult, baselines: string[]): string[] {
  const byId = new Map(r.policies.map((p) => [p.policy, p.elasticity] as [string, Elasticity]));
  const bases = baselines.filter((b) => byId.has(b));
  if (bases.length === 0) return [];
  const lines = [
    '',
    `Ratios to each baseline (cost ratio / p95-wait ratio / elastic speedup ε; < 1 cost or wait = cheaper or faster, ε > 1 = more elastic):`,
    '',
    `| policy | ${bases.map((b) => `vs ${b}`).join(' | ')} |`,
    `|---|${bases.map(() => '---').join('|')}|`,
  ];
  for (const p of r.policies) {
    const cells = bases.map((b) => {
      const base = r.policies.find((x) => x.policy === b)!;
      return p.policy === b
        ? '—'
        : `${ratio(p.costS, base.costS)} / ${ratio(p.wait.p95, base.wait.p95)} / ε ${elasticSpeedup(p.elasticity, base.elasticity).toFixed(2)}`;
    });
    lines.push(`| ${p.policy} | ${cells.join(' | ')} |`);
  }
  return lines;
}

export function traceSection(r: TraceResult, chartPath: string, baselines: string[]): string {
  return [
    `### Trace \`${r.trace}\` (${r.jobs} jobs, window ${r.windowS.toFixed(0)} s, pool ${r.bounds.min}–${r.bounds.max}, medians of ${r.repetitions ?? 1} run(s))`,
    '',
    `![${r.trace}](${chartPath})`,
    '',
    '| policy | cost (worker-s) | cost / oracle | wait p50 (s) | p95 | p99 | > SLO | done | lost | run twice | interrupted | scale actions | idle cost (worker-s) | first job after wake (s) | θU % | θO % | τU % | τO % | instability % | jitter /min |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    row(r.oracle, r),
    row(r.fixedAtMax, r),
    ...r.policies.map((p) => row(p, r)),
    ...spread(r),
    ...speedups(r, baselines),
  ].join('\n');
}

/** Each repetition's cost and p95 wait, so a reader sees how far the medians above spread. */
function spread(r: TraceResult): string[] {
  if ((r.repetitions ?? 1) < 2) return [];
  const list = (xs: readonly (number | null)[], f: (x: number) => string) => xs.map((v) => (v === null ? '–' : f(v))).join(' · ');
  return [
    '',
    `Per repetition (run order; the table above holds their medians, lost, run twice and interrupted the worst):`,
    '',
    '| policy | cost (worker-s) | p95 wait (s) | first job after wake (s) |',
    '|---|---|---|---|',
    ...r.policies.map(
      (p) =>
        `| ${p.policy} | ${list(p.perRun?.costS ?? [], (v) => v.toFixed(0))} | ${list(p.perRun?.p95 ?? [], (v) => v.toFixed(2))} | ${list(p.perRun?.wakeS ?? [], (v) => v.toFixed(2))} |`,
    ),
  ];
}

export const FORMULAS = [
  'Formulas (grid Δt = 1 s over the window T = trace + tail; d = demand, s = supply = live worker processes):',
  '- d(t) = number of trace jobs with at ≤ t < at + duration (each job started on arrival);',
  '- cost = Σ s(t)·Δt (worker-seconds; s from the pm2 pid files of live worker processes, polled every 250 ms);',
  "- queue wait = start − enqueue per job (start = first 250 ms poll that sees it in a worker's processing list), p50/p95/p99 nearest rank;",
  '- θU = 100/T · Σ max(d − s, 0)/max(d, 1)·Δt, θO = 100/T · Σ max(s − d, 0)/max(d, 1)·Δt (max(d,1): an idle worker while nothing is demanded counts 100 %);',
  '- τU = 100/T · Σ [s < d]·Δt, τO = 100/T · Σ [s > d]·Δt;',
  '- instability υ = 100/(T − Δt) · Σ min(1, |sgn Δs − sgn Δd|)·Δt; jitter = (adaptations of s − adaptations of d)/T, per minute;',
  '- elastic speedup ε(p vs b) = (θU_b/θU_p · θO_b/θO_p · τU_b/τU_p · τO_b/τO_p)^¼ (a metric 0 for both counts 1; 0 for p alone floored at 0.01 %);',
  "- idle cost = Σ s(t)·Δt over the t where d was 0 for the last 20 s (IDLE_GRACE_S, unchanged since the first run: long enough for a rule's rate window to empty, its down `for:` to pass and the workers to stop); first job after wake = for each stretch of polls with no live worker, start − enqueue of the first job enqueued in it, the worst stretch;",
  "- interrupted = jobs started more than once (the demo worker's starts counter) or seen started and never completed; only a scale-down stops a worker in the bench;",
  '- several repetitions: every figure is the median over the repetitions (lost, run twice and interrupted: the worst), curves in the charts the pointwise median; all repetitions of a trace share one window;',
  '- oracle: s = clamp(d, min, max) with no start-up delay; its waits are FCFS on `max` always-ready workers (non-zero only where d > max); "fixed at max" = max workers for all of T with the same waits.',
].join('\n');
