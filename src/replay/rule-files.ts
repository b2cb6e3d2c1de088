/**
 * Alerting rules as replay evaluates them, from the rule-file reader `alertscale check` uses
 * (cli/check/rules.ts). A file promtool rejects is an error in promtool's words (it knows the
 * grammar); without promtool, a YAML syntax error is reported from the parser.
 */
import { readFileSync } from 'node:fs';
import { parsePrometheusDuration } from '../config/index.js';
import { parseRuleFile, type Located, type RuleModel } from '../cli/check/rules.js';
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
  /** The rule as the reader gave it (lines, located values): what `check`'s cross-checks read. */
  source: RuleModel;
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
      throw new RuleFileError(
        file,
        `cannot read the rule file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); check the --rules path`,
      );
    }
    if (promtool) {
      const run = await promtoolCheckRules(promtool, file);
      if (!run.ok) {
        const first = run.findings[0]!;
        const where = first.line ? `line ${first.line}: ` : '';
        throw new RuleFileError(file, `${where}${first.message}; fix it until \`promtool check rules ${file}\` passes`);
      }
    }
    rules.push(...parseAlertRules(text, file));
  }
  return rules;
}

const duration = (file: string, what: string, text: Located | undefined): number => {
  if (!text) return 0;
  const ms = parsePrometheusDuration(text.value);
  if (ms === undefined) throw new RuleFileError(file, `line ${text.line}: ${what}: "${text.value}" is not a duration`);
  return ms;
};

const values = (located: Record<string, Located>): Record<string, string> =>
  Object.fromEntries(Object.entries(located).map(([k, v]) => [k, v.value]));

/** The alerting rules of one file's text (recording rules are Prometheus' business: their series are stored). Pure. */
export function parseAlertRules(text: string, file: string): AlertRule[] {
  const model = parseRuleFile(text, file);
  const syntax = model.syntaxErrors[0];
  if (syntax) throw new RuleFileError(file, `line ${syntax.line}: YAML syntax: ${syntax.message}`);
  return model.rules
    .filter((rule) => rule.kind === 'alert')
    .map((rule) => {
      const where = `group ${rule.group}, alert ${rule.name}`;
      return {
        file,
        group: rule.group,
        name: rule.name,
        expr: rule.expr,
        forMs: duration(file, `${where}: for`, rule.for),
        keepFiringForMs: duration(file, `${where}: keep_firing_for`, rule.keepFiringFor),
        labels: values(rule.labels),
        annotations: values(rule.annotations),
        ...(rule.groupInterval ? { intervalMs: duration(file, `group ${rule.group} interval`, rule.groupInterval) } : {}),
        source: rule,
      };
    });
}

/** A scaling rule sets `scale` itself, or leaves it to the series with a template. */
export function isScalingRule(rule: AlertRule): boolean {
  return rule.labels.scale !== undefined;
}
