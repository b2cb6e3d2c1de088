import { elasticSpeedup } from './metrics.js';
import type { Figures, TraceResult } from './figures.js';

/** Issue 10's goals for the shipped rules, checked on one trace's figures. */
export const GOALS = { p95WaitS: 10, costVsOracle: 1.4, betterBy: 0.2, speedupVsHpa: 1.25 } as const;

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
    { goal: `p95 queue wait ≤ ${GOALS.p95WaitS} s`, met: p.wait.p95 <= GOALS.p95WaitS, detail: `${p.wait.p95.toFixed(2)} s${p.wait.p95 > GOALS.p95WaitS ? ` (${(p.wait.p95 - GOALS.p95WaitS).toFixed(2)} s over)` : ''}` },
    { goal: `cost ≤ ${GOALS.costVsOracle} × oracle`, met: cost <= GOALS.costVsOracle, detail: `${x(cost)}${cost > GOALS.costVsOracle ? ` (${(((cost / GOALS.costVsOracle) - 1) * 100).toFixed(0)} % over)` : ''}` },
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
