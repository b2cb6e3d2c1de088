import { PALETTE, renderChart, type Series } from './chart.js';
import type { TraceResult } from './figures.js';
import { goalsTable } from './goals.js';
import type { Curve } from './metrics.js';
import { COMPRESSION, FORMULAS, traceSection } from './report.js';

/** What a report states about its run besides the figures. */
export interface RunMeta {
  command: string;
  date: string;
  wallS: number;
  machine: string;
  loadStart: string;
  loadEnd: string;
  sloS: number;
  tailS: number;
  /** Repetitions of every policy × trace (the figures are their medians). */
  runs: number;
  /** Repetitions run at the same time (each: all policies of one trace side by side). */
  lanes: number;
  /** Traces run at the same time (each with all its policies and lanes). */
  tracesAtOnce: number;
  /** Whether the stacks ran the web pool (gunicorn) beside the demo pool. */
  web: boolean;
  /** `id: description; rules …; overrides …` per policy. */
  policies: string[];
}

export const BASELINES = ['fixed', 'seed-steps', 'hpa'];

export function chartOf(r: TraceResult): string {
  const workers: Series[] = [
    { label: 'demand d(t)', curve: r.demand, color: '#000', width: 2.5 },
    { label: 'oracle', curve: r.oracle.supply, color: '#888', dash: '5 4', width: 1.5 },
    ...r.policies.map((p, i) => ({ label: p.policy, curve: p.supply, color: PALETTE[i % PALETTE.length]! })),
  ];
  const queues = r.policies.map((p, i) => ({ label: p.policy, curve: p.queue, color: PALETTE[i % PALETTE.length]! }));
  const of = (r.repetitions ?? 1) > 1 ? `, pointwise medians of ${r.repetitions} runs` : '';
  return renderChart(`${r.trace}: demand, workers and queue per policy (bench/quality.ts${of})`, workers, queues);
}

/** What ran at the same time, in words. */
function sideBySide({ lanes, tracesAtOnce, policies }: RunMeta): string {
  const stacks = lanes * tracesAtOnce * policies.length;
  const reps = lanes > 1 ? `${lanes} repetitions of a trace side by side` : 'one repetition at a time';
  if (tracesAtOnce === 1 && lanes === 1) return reps;
  const traces = tracesAtOnce > 1 ? `, ${tracesAtOnce} traces at a time (longest with longest)` : '';
  return `${reps}${traces}, so up to ${stacks} stacks at once, every trace of a round started once all its stacks were up`;
}

/** The RESULTS.md section; `chartPath(trace)` is the chart's path relative to bench/. */
export function renderBody(meta: RunMeta, results: TraceResult[], chartPath: (trace: string) => string): string {
  return [
    `Command: \`${meta.command}\` — ${meta.date} UTC, ${meta.runs} repetition(s) per policy and trace (figures are medians), ${meta.wallS.toFixed(0)} s wall.`,
    `Machine: ${meta.machine}. Load average at start ${meta.loadStart}, at end ${meta.loadEnd} (other sessions may share the 2 cores; all policies of a repetition of a trace ran side by side, each on its own stack, ${sideBySide(meta)}${meta.web ? ', web pool (gunicorn) included' : ', without the web pool (no gunicorn)'}).`,
    '',
    `Compression: ${COMPRESSION.text}`,
    `SLO for queue wait: ${meta.sloS} s. Window (cost, curves, elasticity; the same for every policy and the oracle of a trace): until the last job would end if started on arrival plus a ${meta.tailS} s tail, stretched to the last completion of any policy so no policy drains its backlog outside it (a policy whose run ended earlier is held at its last sampled worker count); jobs not done 60 s after the tail count as lost.`,
    '',
    'Policies:',
    ...meta.policies.map((p) => `- ${p}`),
    '',
    FORMULAS,
    '',
    ...results.flatMap((r) => [traceSection(r, chartPath(r.trace), BASELINES), '', goalsTable(r), '']),
  ].join('\n');
}

type CurveJson = number[];
const values = (c: Curve): CurveJson => c.values;
const curve = (v: CurveJson, dt: number): Curve => ({ dt, values: v });

/** --json: every figure in seconds, curves as arrays on the dtS grid. */
export function toJson(meta: RunMeta, results: TraceResult[], dtS: number): string {
  const traces = results.map((r) => ({
    ...r,
    demand: values(r.demand),
    oracle: { ...r.oracle, supply: values(r.oracle.supply) },
    policies: r.policies.map((p) => ({ ...p, supply: values(p.supply), queue: values(p.queue) })),
  }));
  return `${JSON.stringify({ ...meta, dtS, traces }, null, 1)}\n`;
}

/** Read back what toJson wrote (to re-render the report and charts without a run). */
export function fromJson(text: string): { meta: RunMeta; results: TraceResult[] } {
  const doc = JSON.parse(text);
  const dt: number = doc.dtS ?? 1;
  const results: TraceResult[] = doc.traces.map((t: any) => ({
    ...t,
    demand: curve(t.demand, dt),
    oracle: { ...t.oracle, supply: curve(t.oracle.supply, dt) },
    policies: t.policies.map((p: any) => ({ ...p, supply: curve(p.supply, dt), queue: curve(p.queue, dt) })),
  }));
  const meta: RunMeta = {
    command: doc.command,
    date: doc.date ?? '',
    wallS: doc.wallS ?? Number.NaN,
    machine: doc.machine,
    loadStart: doc.loadStart ?? doc.load,
    loadEnd: doc.loadEnd ?? '–',
    sloS: doc.sloS,
    tailS: doc.tailS,
    runs: doc.runs ?? 1,
    lanes: doc.lanes ?? 1,
    tracesAtOnce: doc.tracesAtOnce ?? 1,
    web: doc.web ?? true,
    policies: doc.policies ?? [],
  };
  return { meta, results };
}
