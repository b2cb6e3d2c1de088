import { join } from 'node:path';
import { DEMO_RULE_FILES } from '../../prometheus/demo.js';

const RULES = join(import.meta.dirname, 'rules');

/**
 * A scaling policy as data: the rule files the demo Prometheus loads and the overrides merged over
 * the demo pool of alertscale.yml (min, max, maxStep, cooldown, stepInterval, victims). Every policy runs
 * at the demo's compression (see COMPRESSION in report.ts).
 */
export interface Policy {
  id: string;
  description: string;
  ruleFiles: readonly string[];
  /** Run only when `--policies` names it (a baseline of one question, not of the whole bench). */
  optIn?: true;
  pool: {
    min?: number;
    max?: number;
    maxStep?: number;
    cooldown?: { up: string; down: string };
    stepInterval?: string;
    victims?: 'idle-first' | 'executor';
  };
}

/** The demo pool's bounds in alertscale.yml (what `shipped` runs with). */
export const DEMO_POOL = { min: 1, max: 8 } as const;

export const POLICIES: readonly Policy[] = [
  {
    id: 'shipped',
    description:
      "the demo's compressed rules as shipped (DEMO_RULE_FILES) with alertscale.yml's demo pool (maxStep 8, cooldown 1 s up / 2 s down)",
    ruleFiles: DEMO_RULE_FILES,
    pool: {},
  },
  // shipped's twin without idle-first victims: the baseline of "Idle-first scale-down" (issue 13).
  {
    id: 'shipped-plain',
    description:
      'shipped with victims: executor (a scale-down is plain `pm2 scale`: ' +
      'the first processes in its list (lowest ids) go, busy or not, no drain)',
    ruleFiles: DEMO_RULE_FILES,
    optIn: true,
    pool: { victims: 'executor' },
  },
  {
    id: 'fixed',
    description: `no scaling rules, min = max = ${DEMO_POOL.max}`,
    ruleFiles: [join(RULES, 'none.yml')],
    pool: { min: DEMO_POOL.max, max: DEMO_POOL.max },
  },
  {
    id: 'seed-steps',
    description: 'static queue tiers (> 10 → 4, > 20 → 6, > 30 → 8; < 5 → 4, < 2 → 2), for: 6 s up / 30 s down',
    ruleFiles: [join(RULES, 'seed-steps.yml')],
    pool: { maxStep: 8, cooldown: { up: '0s', down: '0s' } },
  },
  {
    id: 'hpa',
    description: 'HPA on waiting jobs per worker (target 2, tolerance 0.1), down stabilization 10 s, up ≤ 4 per 1 s',
    ruleFiles: [join(RULES, 'hpa.yml')],
    pool: { maxStep: 4, cooldown: { up: '1s', down: '0s' } },
  },
  // The shipped rules' twins, as data: the predictive up rule, and scale to zero.
  {
    id: 'predictive',
    description:
      'shipped with DemoQueueBacklog fed by the larger of current arrivals and those predicted 10 s ahead (rules/predictive.yml)',
    ruleFiles: [DEMO_RULE_FILES[0]!, join(RULES, 'predictive.yml')],
    pool: {},
  },
  {
    id: 'zero',
    description: 'shipped with min 0 (scale to zero, woken by DemoQueueWaitingNoWorkers)',
    ruleFiles: DEMO_RULE_FILES,
    pool: { min: 0 },
  },
];

export function policyById(id: string): Policy {
  const p = POLICIES.find((x) => x.id === id);
  if (!p) throw new Error(`unknown policy "${id}" (known: ${POLICIES.map((x) => x.id).join(', ')})`);
  return p;
}

export function poolBounds(p: Policy): { min: number; max: number } {
  return { min: p.pool.min ?? DEMO_POOL.min, max: p.pool.max ?? DEMO_POOL.max };
}
