/**
 * What `alertscale check` suggests next once the rules are well-formed: replay them, each against
 * the Prometheus that runs them. The demo rules (prometheus/rules-demo, what `alertscale stack`
 * loads) replay against the local stack with its config; any other rule file against the operator's
 * Prometheus. Files with only recording rules are left out: replay reads the series Prometheus
 * recorded, so an edit to them shows only once Prometheus has run it. Pure.
 */
import { resolve } from 'node:path';
import { DEMO_RULE_FILES } from '../../../prometheus/demo.js';
import type { RuleFileModel } from './rules.js';

const DEMO = new Set(DEMO_RULE_FILES.map((f) => resolve(f)));

export function replayHints(models: readonly RuleFileModel[], cwd = process.cwd()): string[] {
  const alerting = models.filter((m) => m.rules.some((r) => r.kind === 'alert'));
  const demo = alerting.filter((m) => DEMO.has(resolve(cwd, m.file))).map((m) => m.file);
  const operator = alerting.filter((m) => !DEMO.has(resolve(cwd, m.file))).map((m) => m.file);
  const hints: string[] = [];
  if (operator.length > 0)
    hints.push(
      'next: see what these rules would have done yesterday, against the Prometheus that runs them: ' +
        `alertscale replay --from 24h --rules ${operator.join(' ')} [--prometheus URL]`,
    );
  if (demo.length > 0)
    hints.push(
      'next: replay the demo rules against the local stack (alertscale stack): ' +
        `alertscale replay --config .stack/alertscale.yml --from 1h --rules ${demo.join(' ')}`,
    );
  const recordingOnly = models.filter((m) => !alerting.includes(m) && m.rules.length > 0).map((m) => m.file);
  if (hints.length > 0 && recordingOnly.length > 0)
    hints.push(
      `  (not ${recordingOnly.join(', ')}: replay reads the series recording rules stored, ` +
        'so an edit there shows once Prometheus has run it)',
    );
  return hints;
}
