import { DEMO_ALERTMANAGER_TIMINGS } from '../../alertmanager/demo.js';
import { DEMO_TIMINGS } from '../../prometheus/demo.js';
import { parsePrometheusDuration } from '../../src/config/duration.js';
import { elasticSpeedup } from './metrics.js';
import type { Figures, TraceResult } from './figures.js';

const seconds = (d: string) => (parsePrometheusDuration(d) ?? Number.NaN) / 1000;
/** The demo's reaction floor: scrape + evaluation + the up rule's `for:` + Alertmanager group_wait (as bench/reaction.ts). */
export const REACTION_FLOOR_S =
  seconds(DEMO_TIMINGS.scrapeInterval) +
  seconds(DEMO_TIMINGS.evaluationInterval) +
  seconds(DEMO_TIMINGS.scaleUpFor) +
  seconds(DEMO_ALERTMANAGER_TIMINGS.groupWait);

/** Issue 10's goals, checked on one trace's figures. */
export const GOALS = {
  p95WaitS: 10,
  costVsOracle: 1.4,
  betterBy: 0.2,
  speedupVsHpa: 1.25,
  /** predictive vs reactive (shipped), on the ramp trace. */
  predictiveP95: 0.7,
  predictiveCost: 1.1,
  /** scale to zero (policy `zero`), on the idle → burst trace: first job started ≤ 2 × the reaction floor. */
  wakeS: 2 * REACTION_FLOOR_S,
} as const;

/** The traces a goal is about: the slow ramp (predictive) and idle → burst → idle (scale to zero). */
export const RAMP_TRACE = 'diurnal';
export const IDLE_TRACE = 'idle-burst';

export interface GoalCheck {
  goal: string;
  met: boolean;
  /** The measured value and, when missed, by how much. */
  detail: string;
}

const x = (n: number) => `${n.toFixed(2)}×`;

/** "Better than" = no more cost at no worse p95, and ≥ 20 % better on at least one of the two. */
function better(p: Figures, b: Figures): GoalCheck {
  const cost = p.costS / b.costS;
  const wait = b.wait.p95 > 0 ? p.wait.p95 / b.wait.p95 : p.wait.p95 > 0 ? Infinity : 1;
  const met = cost <= 1 && wait <= 1 && (cost <= 1 - GOALS.betterBy || wait <= 1 - GOALS.betterBy);
  return { goal: `better than ${b.policy} (cost ≤ 1, p95 ≤ 1, one ≤ 0.8)`, met, detail: `cost ${x(cost)}, p95 wait ${x(wait)}` };
}

export function checkGoals(r: TraceResult, policy = 'shipped'): GoalCheck[] {
  const p = r.policies.find((f) => f.policy === policy);
  if (!p) return [];
  const cost = p.costS / r.oracle.costS;
  const checks: GoalCheck[] = [
    {
      goal: `p95 queue wait ≤ ${GOALS.p95WaitS} s`,
      met: p.wait.p95 <= GOALS.p95WaitS,
      detail: `${p.wait.p95.toFixed(2)} s${p.wait.p95 > GOALS.p95WaitS ? ` (${(p.wait.p95 - GOALS.p95WaitS).toFixed(2)} s over)` : ''}`,
    },
    {
      goal: `cost ≤ ${GOALS.costVsOracle} × oracle`,
      met: cost <= GOALS.costVsOracle,
      detail: `${x(cost)}${cost > GOALS.costVsOracle ? ` (${((cost / GOALS.costVsOracle - 1) * 100).toFixed(0)} % over)` : ''}`,
    },
    { goal: '0 jobs lost, none run twice', met: p.lost === 0 && p.runTwice === 0, detail: `lost ${p.lost}, run twice ${p.runTwice}` },
  ];
  for (const id of ['seed-steps', 'hpa']) {
    const b = r.policies.find((f) => f.policy === id);
    if (b) checks.push(better(p, b));
  }
  const hpa = r.policies.find((f) => f.policy === 'hpa');
  if (hpa) {
    const e = elasticSpeedup(p.elasticity, hpa.elasticity);
    checks.push({ goal: `elastic speedup ε ≥ ${GOALS.speedupVsHpa} vs hpa`, met: e >= GOALS.speedupVsHpa, detail: `ε ${e.toFixed(2)}` });
  }
  const predictive = r.policies.find((f) => f.policy === 'predictive');
  if (r.trace === RAMP_TRACE && predictive) {
    const wait = predictive.wait.p95 / p.wait.p95;
    const c = predictive.costS / p.costS;
    checks.push({
      goal: `predictive vs ${policy}: p95 ≤ ${GOALS.predictiveP95}×, cost ≤ ${GOALS.predictiveCost}×`,
      met: wait <= GOALS.predictiveP95 && c <= GOALS.predictiveCost,
      detail: `p95 ${predictive.wait.p95.toFixed(2)} s vs ${p.wait.p95.toFixed(2)} s (${x(wait)}), cost ${x(c)}`,
    });
  }
  const zero = r.policies.find((f) => f.policy === 'zero');
  if (r.trace === IDLE_TRACE && zero) {
    checks.push({ goal: 'zero: 0 worker-seconds while idle', met: zero.idleCostS === 0, detail: `${zero.idleCostS.toFixed(0)} worker-s` });
    const w = zero.wakeS;
    checks.push({
      goal: `zero: first job started ≤ ${GOALS.wakeS} s after it came (2 × floor ${REACTION_FLOOR_S} s)`,
      met: w !== null && w <= GOALS.wakeS,
      detail: w === null ? 'never at zero' : `${w.toFixed(2)} s${w > GOALS.wakeS ? ` (${(w - GOALS.wakeS).toFixed(2)} s over)` : ''}`,
    });
  }
  return checks;
}

export function goalsTable(r: TraceResult, policy = 'shipped'): string {
  const checks = checkGoals(r, policy);
  if (checks.length === 0) return '';
  return [
    `Goals of issue 10 for \`${policy}\` on \`${r.trace}\`:`,
    '',
    '| goal | met | measured |',
    '|---|---|---|',
    ...checks.map((c) => `| ${c.goal} | ${c.met ? 'yes' : '**no**'} | ${c.detail} |`),
  ].join('\n');
}
