/**
 * Scaling-quality benchmark (issue 10): each policy on a fresh real stack, a trace replayed into the
 * demo queue, against the oracle and the baselines. See bench/quality/ for the parts.
 *
 *   npx tsx bench/quality.ts [--runs N] [--lanes N] [--traces-at-once N] [--trace FILE]… [--policies a,b] [--json FILE] [--quick] [--with-web] [--no-write] [--from-json FILE]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { commonWindowS, DT, traceResult, type TraceResult } from './quality/figures.js';
import { generateTrace, QUICK_SHAPE } from './quality/generate.js';
import { POLICIES, policyById, poolBounds, type Policy } from './quality/policies.js';
import { load, machine } from './quality/report.js';
import { combineRepetitions } from './quality/repeat.js';
import { runPolicy, type PolicyRun } from './quality/runner.js';
import { readTrace, traceEndS, TraceError, type Trace } from './quality/trace.js';
import { chartOf, fromJson, renderBody, toJson, type RunMeta } from './quality/writer.js';
import { writeSection } from './results-file.js';

const HERE = import.meta.dirname;
const SHIPPED_TRACES = ['step', 'sawtooth', 'diurnal', 'idle-burst'].map((n) => join(HERE, 'traces', `${n}.csv`));
const SLO_S = 10;
const TAIL_S = 30;
const RUNS = 3;
/**
 * Repetitions of a trace run side by side by default: one. More do not pay on 2 cores: two (12
 * stacks, traces started together) on 2026-12-03 raised the diurnal p95 wait of hpa from 4.5 s
 * (one at a time, same session) to 12.0 s and halved its scale actions: the bench would measure
 * the machine, not the rules.
 */
const LANES = 1;
/**
 * Traces of a repetition run at the same time, each with all policies on their own stacks (see
 * groups()). One by default, for the same reason: two (12 stacks, different traces, so their bursts
 * fall apart) on 2026-12-04 took 1222 s for 3 repetitions (one at a time: 1998 s) but raised the
 * p95 wait of every policy on every trace (diurnal: shipped 3.2 → 5.5 s, hpa 4.3 → 7.7 s).
 */
const TRACES_AT_ONCE = 1;
/** Between stack boots in a round, and between their trace starts: spreads the CPU both take. */
const STAGGER_MS = 2000;
const SECTION = '## Scaling quality (trace replay vs oracle and baselines)';
const USAGE = `usage: npx tsx bench/quality.ts [--runs N] [--lanes N] [--traces-at-once N] [--trace FILE]... [--policies ${POLICIES.map((p) => p.id).join(',')}] [--json FILE] [--quick] [--with-web] [--no-write] [--from-json FILE]
  --runs N       repetitions of every policy × trace; the report states their medians (default ${RUNS}; --quick: 1)
  --lanes N      repetitions of a trace run side by side, their traces started together (default ${LANES})
  --traces-at-once N
                 traces of a repetition run side by side, longest with longest (default ${TRACES_AT_ONCE})
  --trace FILE   CSV with header at_s,duration_ms (repeatable; default: the traces in bench/traces/)
  --policies     comma-separated policy ids (default: all but the opt-in shipped-plain)
  --json FILE    write every figure (seconds) per trace and policy, oracle included
  --quick        a built-in 45 s step trace instead (a run of a few minutes; its chart goes to the temp dir, RESULTS.md is left alone)
  --with-web     run the web pool (gunicorn) in every stack too (default: left out, its CPU goes to the demo pool)
  --no-write     do not touch bench/RESULTS.md or the charts
  --from-json F  no run: re-render the charts and RESULTS.md section from a --json file`;

const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

function usage(msg: string): never {
  process.stderr.write(`${msg}\n${USAGE}\n`);
  process.exit(2);
}

function parse() {
  let args;
  try {
    args = parseArgs({
      options: {
        runs: { type: 'string' },
        lanes: { type: 'string' },
        'traces-at-once': { type: 'string' },
        'with-web': { type: 'boolean' },
        trace: { type: 'string', multiple: true },
        policies: { type: 'string' },
        json: { type: 'string' },
        quick: { type: 'boolean' },
        'no-write': { type: 'boolean' },
        'from-json': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (err) {
    usage((err as Error).message);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const runs = args.runs === undefined ? (args.quick ? 1 : RUNS) : Number(args.runs);
  if (!Number.isInteger(runs) || runs < 1) usage(`--runs must be a whole number ≥ 1, got ${JSON.stringify(args.runs)}`);
  const lanes = args.lanes === undefined ? LANES : Number(args.lanes);
  if (!Number.isInteger(lanes) || lanes < 1) usage(`--lanes must be a whole number ≥ 1, got ${JSON.stringify(args.lanes)}`);
  const atOnce = args['traces-at-once'] === undefined ? TRACES_AT_ONCE : Number(args['traces-at-once']);
  if (!Number.isInteger(atOnce) || atOnce < 1)
    usage(`--traces-at-once must be a whole number ≥ 1, got ${JSON.stringify(args['traces-at-once'])}`);
  let policies: Policy[];
  try {
    policies = args.policies ? args.policies.split(',').map((id) => policyById(id.trim())) : POLICIES.filter((p) => !p.optIn);
  } catch (err) {
    usage((err as Error).message);
  }
  let traces: Trace[];
  try {
    traces = args.quick ? [{ name: 'quick', jobs: generateTrace(QUICK_SHAPE, 1) }] : (args.trace ?? SHIPPED_TRACES).map(readTrace);
  } catch (err) {
    if (err instanceof TraceError) usage(err.message);
    throw err;
  }
  return {
    policies,
    traces,
    runs,
    lanes,
    atOnce,
    web: Boolean(args['with-web']),
    json: args.json,
    write: !args['no-write'],
    quick: Boolean(args.quick),
    fromJsonFile: args['from-json'],
  };
}

/** Charts, the RESULTS.md section and --json, from a run or from a --json file read back. */
function output(meta: RunMeta, results: TraceResult[], to: { json?: string; write: boolean; quick: boolean }) {
  // --quick is a smoke run: its chart must not replace a committed one.
  const chartsDir = to.quick ? join(tmpdir(), 'alertscale-quality-charts') : join(HERE, 'quality', 'charts');
  const chartFile = (trace: string) => join(chartsDir, `${trace}.svg`);
  if (to.write) {
    mkdirSync(chartsDir, { recursive: true });
    for (const r of results) writeFileSync(chartFile(r.trace), chartOf(r));
  }
  const body = renderBody(meta, results, (t) => relative(HERE, chartFile(t)));
  process.stdout.write(`${body}\n`);
  if (to.json) {
    writeFileSync(to.json, toJson(meta, results, DT));
    log(`wrote ${to.json}`);
  }
  if (to.write && !to.quick) {
    writeSection(join(HERE, 'RESULTS.md'), SECTION, body);
    log(`wrote the "${SECTION}" section of bench/RESULTS.md and ${results.length} chart(s) in ${relative(process.cwd(), chartsDir)}`);
  } else if (to.write) log(`--quick: RESULTS.md left alone; chart(s) in ${chartsDir}`);
}

const describePolicy = (p: Policy) =>
  `\`${p.id}\`: ${p.description}; rules ${p.ruleFiles.map((f) => `\`${relative(join(HERE, '..'), f)}\``).join(', ')}; pool overrides \`${JSON.stringify(p.pool)}\``;

const { policies, traces, runs, lanes, atOnce, web, json, write, quick, fromJsonFile } = parse();
if (fromJsonFile) {
  const { meta, results } = fromJson(readFileSync(fromJsonFile, 'utf8'));
  output(meta, results, { write, quick: false });
  process.exit(0);
}
const command = `npx tsx bench/quality.ts ${process.argv.slice(2).join(' ')}`.trim();
const loadStart = load();
const wallStart = Date.now();
const results: TraceResult[] = [];
const metaNow = (): RunMeta => ({
  command,
  date: new Date(wallStart).toISOString().slice(0, 16),
  wallS: (Date.now() - wallStart) / 1000,
  machine: machine(),
  loadStart,
  loadEnd: load(),
  sloS: SLO_S,
  tailS: TAIL_S,
  runs,
  lanes: Math.min(lanes, runs),
  tracesAtOnce: Math.min(atOnce, traces.length),
  web,
  policies: policies.map(describePolicy),
});
/** `arrive()` resolves once all `n` parties have arrived; a party that fails before it got there arrives by failing. */
function meetingPoint(n: number): () => Promise<void> {
  let left = n;
  let open!: () => void;
  const all = new Promise<void>((resolve) => {
    open = resolve;
  });
  return () => {
    left -= 1;
    if (left === 0) open();
    return all;
  };
}

/**
 * One policy's run in a round: it boots, waits at the round's meeting point, then replays the trace
 * `offsetMs` later (offsets spread the runs' bursts, and the scale-ups they cause, over a few seconds).
 * A boot that fails (a port taken between its pick and its bind) is tried once more while the others
 * wait; a run that fails after the meeting point fails the round.
 */
async function runInRound(p: Policy, trace: Trace, arrive: () => Promise<void>, offsetMs: number, boots = 2): Promise<PolicyRun> {
  let arrived = false;
  const started = async () => {
    arrived = true;
    await arrive();
    await sleep(offsetMs);
  };
  try {
    return await runPolicy(p, trace, { tailS: TAIL_S, drainS: 60, web, log, started });
  } catch (err) {
    if (arrived) throw err;
    if (boots > 1) {
      log(`${trace.name}/${p.id}: boot failed (${String(err)}); booting again`);
      return runInRound(p, trace, arrive, offsetMs, boots - 1);
    }
    void arrive();
    throw err;
  }
}

/**
 * A round: `k` repetitions of each of `group`'s traces, each all policies side by side on their own
 * stacks. Boots are staggered so they do not pile up, and no trace starts before every stack is up:
 * no stack boots while another is measured. Every stack is let finish (and stopped by its run)
 * before a failure is looked at; a round with a failed run is run once more, whole, so its
 * policies share it. Returns, per trace of the group, its `k` repetitions.
 */
async function round(group: readonly Trace[], k: number, retries = 1): Promise<PolicyRun[][][]> {
  const slots = group.flatMap((trace) => Array.from({ length: k }, () => policies.map((p) => ({ trace, p }))).flat());
  const arrive = meetingPoint(slots.length);
  const settled = await Promise.allSettled(
    slots.map(async ({ trace, p }, i) => {
      await sleep(i * STAGGER_MS);
      return runInRound(p, trace, arrive, i * STAGGER_MS);
    }),
  );
  const failed = settled.flatMap((s, i) =>
    s.status === 'rejected' ? [`${slots[i]!.trace.name}/${slots[i]!.p.id}: ${String(s.reason)}`] : [],
  );
  const names = group.map((t) => t.name).join(' + ');
  if (failed.length > 0) {
    if (retries <= 0) throw new Error(`${names}: a round failed twice: ${failed.join('; ')}`);
    log(`${names}: round failed (${failed.join('; ')}); running it again`);
    return round(group, k, retries - 1);
  }
  const done = settled.map((s) => (s as PromiseFulfilledResult<PolicyRun>).value);
  const n = policies.length;
  return group.map((_, t) => Array.from({ length: k }, (_, r) => done.slice((t * k + r) * n, (t * k + r + 1) * n)));
}

/**
 * The traces in groups of `atOnce` to run side by side: longest with longest, so a round lasts as
 * long as its longest trace and the short ones share a round (4 shipped traces, 2 at once: 312 s of
 * trace windows a repetition instead of 553 s). Different traces side by side put their bursts,
 * and the worker boots they cause, at different times.
 */
function groups(all: readonly Trace[], atOnce: number): Trace[][] {
  const byLength = [...all].sort((a, b) => traceEndS(b.jobs) - traceEndS(a.jobs));
  return Array.from({ length: Math.ceil(byLength.length / atOnce) }, (_, i) => byLength.slice(i * atOnce, (i + 1) * atOnce));
}

const bounds = poolBounds(policies.find((p) => p.id === 'shipped') ?? policies[0]!);
const repsOf = new Map<Trace, PolicyRun[][]>(traces.map((t) => [t, []]));

/** The trace's figures once all its repetitions are in (medians), logged and kept. */
function finishTrace(trace: Trace): void {
  const reps = repsOf.get(trace)!;
  const windowS = commonWindowS(reps.flat());
  const r = combineRepetitions(reps.map((rep) => traceResult(trace, rep, bounds, SLO_S, windowS)));
  results.push(r);
  for (const p of r.policies) {
    log(
      `${trace.name}/${p.policy}: cost ${p.costS.toFixed(0)} worker-s (oracle ${r.oracle.costS.toFixed(0)}), wait p95 ${p.wait.p95.toFixed(2)} s, done ${p.done}, lost ${p.lost}, twice ${p.runTwice}, interrupted ${p.interrupted}, ${p.scaleActions} scale actions (medians of ${runs})`,
    );
  }
  // A trace done is kept even if a later one fails.
  if (json) writeFileSync(json, toJson(metaNow(), results, DT));
}

/**
 * Every repetition of every trace, `lanes` of a trace and `atOnce` traces in each round. One
 * repetition per round (the default) runs round 1 of every trace, then round 2…, so a trace's
 * repetitions are spread over time and the medians do not all see the same neighbour.
 */
for (let r = 0; r * lanes < runs; r++) {
  for (const group of groups(traces, atOnce)) {
    const k = Math.min(lanes, runs - r * lanes);
    const which = k === 1 ? `run ${r * lanes + 1}/${runs}` : `runs ${r * lanes + 1}–${r * lanes + k}/${runs} side by side`;
    const what = group.map((t) => `${t.name} (${t.jobs.length} jobs)`).join(' beside ');
    log(`${what} (${which}, load ${load()}): policies ${policies.map((p) => p.id).join(', ')}`);
    const perTrace = await round(group, k);
    for (const [t, trace] of group.entries()) {
      const reps = repsOf.get(trace)!;
      reps.push(...perTrace[t]!);
      if (reps.length === runs) finishTrace(trace);
    }
  }
}
results.sort((a, b) => traces.findIndex((t) => t.name === a.trace) - traces.findIndex((t) => t.name === b.trace));
output(metaNow(), results, { json, write, quick });
