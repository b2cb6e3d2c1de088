/**
 * The "Idle-first scale-down on the bursty trace" section of bench/RESULTS.md (issue 13) from a
 * quality bench `--json` file of `shipped` (idle-first victims, drain) and `shipped-plain`
 * (`victims: executor`, plain `pm2 scale`):
 *
 *   npx tsx bench/quality.ts --trace bench/traces/long-tail.csv --policies shipped,shipped-plain --runs 3 --json F --no-write
 *   npx tsx bench/quality-victims.ts F… [--no-write]
 *
 * Only what those runs measured: each run's command, machine, load, medians and each repetition.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicyResult, TraceResult } from './quality/figures.js';
import { fromJson, type RunMeta } from './quality/writer.js';
import { writeSection } from './results-file.js';

const HEADING = '## Idle-first scale-down on the bursty trace';
const IDLE_FIRST = 'shipped';
const PLAIN = 'shipped-plain';

const each = (xs: readonly number[] | undefined, digits: number) => (xs ?? []).map((x) => x.toFixed(digits)).join(' · ');
const row = (p: PolicyResult) =>
  `| ${p.policy} | ${p.interrupted ?? '–'} | ${p.runTwice} | ${p.lost} | ${p.done} | ${p.costS.toFixed(1)} (${each(p.perRun?.costS, 0)}) | ${p.wait.p95.toFixed(2)} (${each(p.perRun?.p95, 2)}) | ${p.scaleActions} |`;

function traceTable(r: TraceResult): string[] {
  const idleFirst = r.policies.find((p) => p.policy === IDLE_FIRST);
  const plain = r.policies.find((p) => p.policy === PLAIN);
  if (!idleFirst || !plain) throw new Error(`trace ${r.trace}: the json needs both ${IDLE_FIRST} and ${PLAIN}`);
  return [
    `### Trace \`${r.trace}\` (${r.jobs} jobs, window ${r.windowS.toFixed(0)} s, medians of ${r.repetitions ?? 1} run(s))`,
    '',
    '| policy | interrupted (worst run) | run twice (worst) | lost (worst) | done | cost worker-s, median (each run) | wait p95 s, median (each run) | scale actions |',
    '|---|---|---|---|---|---|---|---|',
    row(idleFirst),
    row(plain),
    '',
    `Idle-first vs plain: cost ${(idleFirst.costS / plain.costS).toFixed(2)}×, p95 wait ${plain.wait.p95 > 0 ? `${(idleFirst.wait.p95 / plain.wait.p95).toFixed(2)}×` : '–'}.`,
  ];
}

function runPart(meta: RunMeta, results: readonly TraceResult[]): string[] {
  return [
    `Command: \`${meta.command}\` — ${meta.date} UTC, ${meta.runs} repetition(s) per policy (figures are medians; interrupted, run twice and lost the worst repetition), ${meta.wallS.toFixed(0)} s wall.`,
    `Machine: ${meta.machine}. Load average at start ${meta.loadStart}, at end ${meta.loadEnd}.`,
    '',
    ...results.flatMap((r) => [...traceTable(r), '']),
  ];
}

function victimsSection(runs: readonly { meta: RunMeta; results: TraceResult[] }[]): string {
  return [
    "Both policies of a repetition ran side by side, each on its own stack (real Redis, Prometheus, Alertmanager, exporter, receiver, pm2 demo pool with its 30 s kill_timeout; no web pool). Rendered by `npx tsx bench/quality-victims.ts bench/quality/victims/*.json` from the runs' `--json` files, kept there (each command below names the path it wrote; the file was then copied in). The `long-tail` trace (bench/traces/, seeded) is the one whose jobs outlast the kill_timeout: one job in ten runs 75 s.",
    '',
    `- \`${IDLE_FIRST}\`: the demo pool as shipped (\`victims: idle-first\`): a scale-down removes idle workers first and drains busy ones (README "Scale-down that never interrupts work").`,
    `- \`${PLAIN}\`: the same rules and pool with \`victims: executor\`: a scale-down is \`pm2 scale demo N\` (the first processes in its list, the lowest ids, get SIGINT, busy or not).`,
    "- interrupted = jobs started more than once (the demo worker's starts counter) or seen started and never completed; run twice = started or completed more than once; lost = enqueued and never accounted for; cost = worker-seconds of live worker processes over the window (bench/quality/README.md).",
    '',
    ...runs.flatMap((r) => runPart(r.meta, r.results)),
  ].join('\n');
}

const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0 || args.includes('--help') || args.includes('-h')) {
  process.stdout.write('usage: npx tsx bench/quality-victims.ts RESULTS.json... [--no-write]\n');
  process.exit(files.length === 0 && !args.includes('--help') && !args.includes('-h') ? 2 : 0);
}
const body = victimsSection(files.map((f) => fromJson(readFileSync(f, 'utf8'))));
if (args.includes('--no-write')) process.stdout.write(`${HEADING}\n\n${body}`);
else writeSection(join(import.meta.dirname, 'RESULTS.md'), HEADING, body);
