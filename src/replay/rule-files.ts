/**
 * Alerting rules as replay evaluates them, read from Prometheus rule files with the `yaml`
 * package. A file promtool rejects is an error in promtool's words (it knows the grammar); without
 * promtool, a YAML syntax error is reported from the parser.
 */
import { readFileSync } from 'node:fs';
import { parse, parseDocument } from 'yaml';
import { parsePrometheusDuration } from '../config/index.js';
import { findOnPath, promtoolCheckRules } from '../cli/check/tools.js';

export interface AlertRule {
  file: string;
  group: string;
  name: string;
  expr: string;
  /** `for:` in ms (0 = fires at the first true evaluation). */
  forMs: number;
  keepFiringForMs: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The group's `interval:`, when it sets one (else Prometheus' evaluation_interval applies). */
  intervalMs?: number;
}

export class RuleFileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'RuleFileError';
  }
}

/** Every alerting rule of the files, in file and group order; throws RuleFileError on the first bad file. */
export async function loadAlertRules(files: readonly string[], path = process.env.PATH): Promise<AlertRule[]> {
  const promtool = findOnPath('promtool', path);
  const rules: AlertRule[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new RuleFileError(file, `cannot read the rule file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the --rules path`);
    }
    if (promtool) {
      const run = await promtoolCheckRules(promtool, file);
      if (!run.ok) {
        const first = run.findings[0]!;
        const where = first.line ? `line ${first.line}: ` : '';
        throw new RuleFileError(file, `${where}${first.message}; fix it until \`promtool check rules ${file}\` passes`);
      }
    } else {
      const doc = parseDocument(text);
      if (doc.errors.length > 0) throw new RuleFileError(file, `YAML syntax: ${doc.errors[0]!.message.split('\n')[0]}`);
    }
    rules.push(...parseAlertRules(text, file));
  }
  return rules;
}

const duration = (file: string, what: string, text: unknown): number => {
  if (text === undefined || text === null) return 0;
  const ms = parsePrometheusDuration(String(text));
  if (ms === undefined) throw new RuleFileError(file, `${what}: "${String(text)}" is not a duration`);
  return ms;
};

const strings = (value: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries((value ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v ?? '')]));

/** The alerting rules of one file's text (recording rules are Prometheus' business: their series are stored). Pure. */
export function parseAlertRules(text: string, file: string): AlertRule[] {
  const doc = (parse(text) ?? {}) as { groups?: { name?: string; interval?: string; rules?: Record<string, unknown>[] }[] };
  const rules: AlertRule[] = [];
  for (const group of doc.groups ?? []) {
    const intervalMs = group.interval === undefined ? undefined : duration(file, `group ${group.name} interval`, group.interval);
    for (const rule of group.rules ?? []) {
      if (typeof rule.alert !== 'string') continue;
      const where = `group ${group.name}, alert ${rule.alert}`;
      rules.push({
        file,
        group: String(group.name),
        name: rule.alert,
        expr: String(rule.expr),
        forMs: duration(file, `${where}: for`, rule.for),
        keepFiringForMs: duration(file, `${where}: keep_firing_for`, rule.keep_firing_for),
        labels: strings(rule.labels),
        annotations: strings(rule.annotations),
        ...(intervalMs === undefined ? {} : { intervalMs }),
      });
    }
  }
  return rules;
}

/** A scaling rule sets `scale` itself, or leaves it to the series with a template. */
export function isScalingRule(rule: AlertRule): boolean {
  return rule.labels.scale !== undefined;
}
