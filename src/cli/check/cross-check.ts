/**
 * Names that must agree between alertscale.yml and the Prometheus rules: the pools rules name, the
 * pools the config defines, the metrics rules read, and the scaling-alert contract (docs/ARCHITECTURE.md).
 * Pure: rules, pools and published names in, findings out.
 *
 * What is an error and what a warning:
 * - a rule that names a literal pool alertscale.yml lacks is an ERROR: the exporter publishes pool
 *   series only for configured pools, so the rule can never fire (and if it did, the receiver would
 *   reject the pool) — almost always a typo or a pool removed from one file and not the other;
 * - a rule reading an `alertscale_*` metric nobody publishes is an ERROR, for the same reason;
 * - a configured pool no scaling alert can reach, or that can only grow (or only shrink), is a
 *   WARNING: a generic rule may cover it, or it may be scaled by hand on purpose.
 */
import { COUNT_ANNOTATIONS, isScaleDirection, MAX_COUNT, readCount, type CountAnnotation } from '../../alerts/signal.js';
import { isPoolName, POOL_NAME } from '../../config/names.js';
import type { Finding } from './findings.js';
import { selectors, type Matcher } from '../../promql/selectors.js';
import { isCheckedMetric, type PublishedMetrics } from './published.js';
import { exprLineAt, type RuleModel } from './rules.js';

export interface ConfigPool {
  name: string;
  /** Line of the pool in alertscale.yml, when known. */
  line?: number;
}

export interface CrossCheckInput {
  configFile: string;
  /** Pools of alertscale.yml; undefined when it did not load (pool checks are skipped then). */
  pools?: readonly ConfigPool[];
  rules: readonly RuleModel[];
  /**
   * True when there were rule files and every one parsed. Otherwise "no rule covers pool X" and
   * "no recording rule defines alertscale:x:y" may only mean the rule is in the unreadable file,
   * so those are not judged.
   */
  rulesRead: boolean;
  published: PublishedMetrics;
  /** Globs (`*`, `?`) of pools that rules may name without alertscale.yml defining them. */
  allowPools: readonly string[];
}

export interface CrossCheckResult {
  findings: Finding[];
  /** Pools rules name that alertscale.yml lacks but --allow-pool allows (sorted). */
  allowedPools: string[];
}

const templated = (value: string) => value.includes('{{');
const list = (names: readonly string[]) => (names.length > 0 ? names.join(', ') : 'none');

export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** A PromQL regex value (fully anchored, RE2) as a JS RegExp; undefined if JS cannot read it. */
function promRegExp(value: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${value})$`);
  } catch {
    return undefined;
  }
}

/** `a|b|c` of plain pool-name characters: a list of literal pools, not a pattern. */
const literalAlternatives = (value: string) => (/^[A-Za-z0-9_-]+(\|[A-Za-z0-9_-]+)*$/.test(value) ? value.split('|') : undefined);

interface PoolRef {
  pool: string;
  line: number;
  /** How the rule names it, for the message. */
  how: string;
  /** From the alert's `pool` label (whose form the contract check judges) rather than a matcher. */
  fromLabel: boolean;
}

interface PoolPattern {
  regex: string;
  line: number;
}

/** The pools a rule names literally (label or matcher) and the regex matchers it filters pools with. */
export function poolReferences(rule: RuleModel): { refs: PoolRef[]; patterns: PoolPattern[] } {
  const refs: PoolRef[] = [];
  const patterns: PoolPattern[] = [];
  const label = rule.labels.pool;
  if (label && label.value !== '' && !templated(label.value))
    refs.push({ pool: label.value, line: label.line, how: `label pool: ${label.value}`, fromLabel: true });
  for (const selector of selectors(rule.expr)) {
    for (const m of selector.matchers.filter(isPositivePoolMatcher)) {
      const line = exprLineAt(rule, m.offset);
      const shown = `{pool${m.op}"${m.value}"}`;
      const alternatives = m.op === '=' ? [m.value] : literalAlternatives(m.value);
      if (alternatives) for (const pool of alternatives) refs.push({ pool, line, how: shown, fromLabel: false });
      else patterns.push({ regex: m.value, line });
    }
  }
  return { refs, patterns };
}

/** `pool="x"` and `pool=~"…"` select pools; `pool=""` (no pool label) and negative matchers do not. */
const isPositivePoolMatcher = (m: Matcher) => m.label === 'pool' && (m.op === '=' || m.op === '=~') && m.value !== '';

/** Directions a scaling alert asks for; empty for alerts outside the contract and for recording rules. */
function directions(rule: RuleModel): ('up' | 'down')[] {
  const scale = rule.labels.scale?.value;
  if (rule.kind !== 'alert' || scale === undefined) return [];
  if (scale === 'up' || scale === 'down') return [scale];
  return templated(scale) ? ['up', 'down'] : [];
}

/** Which configured pools a rule's alerts can carry: all of them when nothing in it selects a pool. */
export function coveredPools(rule: RuleModel, pools: readonly string[]): string[] {
  const { refs, patterns } = poolReferences(rule);
  const label = rule.labels.pool;
  if (label && !templated(label.value)) return pools.filter((p) => p === label.value);
  if (refs.length === 0 && patterns.length === 0) return [...pools];
  const regexes = patterns.map((p) => promRegExp(p.regex)).filter((r): r is RegExp => r !== undefined);
  return pools.filter((p) => refs.some((r) => r.pool === p) || regexes.some((r) => r.test(p)));
}

export function crossCheck(input: CrossCheckInput): CrossCheckResult {
  const findings: Finding[] = [];
  const allowed = new Set<string>();
  const allow = input.allowPools.map(globToRegExp);
  const poolNames = input.pools?.map((p) => p.name);
  const recorded = new Set(input.rules.filter((r) => r.kind === 'record').map((r) => r.name));

  for (const rule of input.rules) {
    const what = `${rule.kind === 'alert' ? 'alert' : 'recording rule'} ${rule.name}`;
    findings.push(...contractFindings(rule, what));
    findings.push(...metricFindings(rule, what, input.published, input.rulesRead ? recorded : undefined));
    if (!poolNames) continue;
    const { refs, patterns } = poolReferences(rule);
    for (const ref of refs) {
      if (poolNames.includes(ref.pool) || (ref.fromLabel && !POOL_NAME.test(ref.pool))) continue;
      if (allow.some((a) => a.test(ref.pool))) {
        allowed.add(ref.pool);
        continue;
      }
      findings.push({
        severity: 'error',
        file: rule.file,
        line: ref.line,
        message:
          `${what} names pool "${ref.pool}" (${ref.how}), which ${input.configFile} does not define ` +
          `(pools: ${list(poolNames)}); the exporter publishes no series for it, so the rule never fires`,
        fix:
          `add pool ${ref.pool} to ${input.configFile}, correct the name, ` +
          `or pass --allow-pool ${ref.pool} if another alertscale.yml owns it`,
      });
    }
    for (const pattern of patterns) {
      const regex = promRegExp(pattern.regex);
      if (!regex || poolNames.some((p) => regex.test(p))) continue;
      findings.push({
        severity: 'warning',
        file: rule.file,
        line: pattern.line,
        message: `${what} selects pool=~"${pattern.regex}", which matches no pool of ${input.configFile} (pools: ${list(poolNames)})`,
        fix: 'check the pattern (PromQL regexes are anchored at both ends)',
      });
    }
  }

  if (input.pools && input.rulesRead) findings.push(...coverageFindings(input.pools, input.rules, input.configFile));
  return { findings, allowedPools: [...allowed].sort() };
}

function coverageFindings(pools: readonly ConfigPool[], rules: readonly RuleModel[], configFile: string): Finding[] {
  const names = pools.map((p) => p.name);
  const reach = { up: new Set<string>(), down: new Set<string>() };
  for (const rule of rules) {
    for (const direction of directions(rule)) for (const pool of coveredPools(rule, names)) reach[direction].add(pool);
  }
  const findings: Finding[] = [];
  for (const pool of pools) {
    const up = reach.up.has(pool.name);
    const down = reach.down.has(pool.name);
    if (up && down) continue;
    const where = { severity: 'warning' as const, file: configFile, ...(pool.line ? { line: pool.line } : {}) };
    if (!up && !down) {
      findings.push({
        ...where,
        message:
          `pool "${pool.name}" is reached by no scaling alert (no rule with a scale label names it, ` +
          'and none leaves the pool open with a generic by (pool) rule): it never scales from alerts',
        fix: 'add rules for it (prometheus/rules/alerts.yml has examples), or ignore this if it is scaled only by hand',
      });
    } else {
      const has = up ? 'up' : 'down';
      const lacks = up ? 'down' : 'up';
      findings.push({
        ...where,
        message:
          `pool "${pool.name}" has scale: ${has} alerts but no scale: ${lacks} alert: ` +
          `it will ${up ? 'grow and never shrink back' : 'shrink and never grow back'}`,
        fix: `add a rule with scale: ${lacks} for it`,
      });
    }
  }
  return findings;
}

/** The labels and annotations the receiver reads, when they are literals it would reject (alerts/signal.ts judges both). */
function contractFindings(rule: RuleModel, what: string): Finding[] {
  if (rule.kind !== 'alert') return [];
  const findings: Finding[] = [];
  const at = (line: number) => ({ severity: 'error' as const, file: rule.file, line });
  const { pool, scale } = rule.labels;
  if (scale && !templated(scale.value) && !isScaleDirection(scale.value)) {
    findings.push({
      ...at(scale.line),
      message: `${what} has label scale: ${JSON.stringify(scale.value)}; the receiver accepts only up or down`,
      fix: 'write scale: up or scale: down',
    });
  }
  if (pool && pool.value !== '' && !templated(pool.value) && !isPoolName(pool.value)) {
    findings.push({
      ...at(pool.line),
      message: `${what} has label pool: ${JSON.stringify(pool.value)}, not a pool name (${POOL_NAME.source})`,
      fix: 'use the pool name as written in alertscale.yml',
    });
  }
  const fixes: Record<CountAnnotation, string> = {
    target: 'write a worker count or "{{ $value }}" of an expression that computes one',
    step: 'write how many workers to add or remove, e.g. step: "2"',
  };
  for (const name of ['target', 'step'] as const) {
    const annotation = rule.annotations[name];
    if (!annotation || templated(annotation.value)) continue;
    const read = readCount(annotation.value, name);
    if (!('problem' in read)) continue;
    const { round, min } = COUNT_ANNOTATIONS[name];
    const problem =
      read.problem === 'not_a_number'
        ? 'not a number'
        : `not a ${round ? 'number' : 'whole number'} of at least ${min}, at most ${MAX_COUNT}`;
    findings.push({
      ...at(annotation.line),
      message: `${what} has annotation ${name}: ${JSON.stringify(annotation.value)}, ${problem}`,
      fix: fixes[name],
    });
  }
  return findings;
}

/** `recorded` undefined: some rule file did not parse, so recording-rule names (with a colon) are not judged. */
function metricFindings(rule: RuleModel, what: string, published: PublishedMetrics, recorded: ReadonlySet<string> | undefined): Finding[] {
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const selector of selectors(rule.expr)) {
    const name = selector.metric;
    if (!name || !isCheckedMetric(name) || published.names.has(name) || reported.has(name)) continue;
    if (recorded ? recorded.has(name) : name.includes(':')) continue;
    reported.add(name);
    const line = exprLineAt(rule, selector.offset);
    if (published.histograms.has(name)) {
      findings.push({
        severity: 'error',
        file: rule.file,
        line,
        message: `${what} reads ${name}, a histogram: Prometheus stores only ${name}_bucket, _sum and _count`,
        fix: `use ${name}_bucket with histogram_quantile(), or ${name}_sum / ${name}_count`,
      });
      continue;
    }
    const near = closest(name, [...published.names, ...(recorded ?? [])]);
    findings.push({
      severity: 'error',
      file: rule.file,
      line,
      message:
        `${what} reads ${name}, which neither the exporter nor the receiver ` +
        'publishes and no recording rule defines: it matches nothing',
      fix: `${near ? `did you mean ${near}? ` : ''}see docs/METRICS.md for the names`,
    });
  }
  return findings;
}

/** The known name nearest to `name`, if it is close enough to be a likely typo. */
export function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(name.length / 5)) + 1;
  for (const candidate of known) {
    const d = distance(name, candidate);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
