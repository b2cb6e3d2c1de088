import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replayHints } from '../../src/cli/check/replay-hint.js';
import { parseRuleFile } from '../../src/cli/check/rules.js';

const ROOT = resolve(import.meta.dirname, '../..');
const alerting = (file: string) =>
  parseRuleFile('groups: [{ name: g, rules: [{ alert: A, expr: x > 1, labels: { pool: demo, scale: up } }] }]', file);
const recording = (file: string) => parseRuleFile('groups: [{ name: g, rules: [{ record: "r:x", expr: sum(x) }] }]', file);
const hints = (...models: ReturnType<typeof parseRuleFile>[]) => replayHints(models, ROOT);

// `alertscale check` names, per case, the files replay should read and where they run.
describe("check's replay hint", () => {
  it("the operator's rules replay against their Prometheus; recording-only files are left out, and said so", () => {
    expect(hints(alerting('prometheus/rules/alerts.yml'), recording('prometheus/rules/recording.yml'))).toEqual([
      'next: see what these rules would have done yesterday, against the Prometheus that runs them: ' +
        'alertscale replay --from 24h --rules prometheus/rules/alerts.yml [--prometheus URL]',
      '  (not prometheus/rules/recording.yml: replay reads the series recording rules stored, ' +
        'so an edit there shows once Prometheus has run it)',
    ]);
  });

  it("the demo rules replay against the local stack with its config, apart from the operator's", () => {
    const out = hints(
      alerting('prometheus/rules/alerts.yml'),
      alerting('prometheus/rules-demo/demo.yml'),
      alerting(`${ROOT}/prometheus/rules-demo/web.yml`),
    );
    expect(out).toEqual([
      expect.stringMatching(/--rules prometheus\/rules\/alerts\.yml \[--prometheus URL\]$/),
      'next: replay the demo rules against the local stack (alertscale stack): alertscale replay --config ' +
        `.stack/alertscale.yml --from 1h --rules prometheus/rules-demo/demo.yml ${ROOT}/prometheus/rules-demo/web.yml`,
    ]);
  });

  it("only demo rules: no hint about the operator's Prometheus; only recording rules: no hint", () => {
    expect(hints(alerting('prometheus/rules-demo/demo.yml'))).toEqual([
      expect.stringMatching(/^next: replay the demo rules against the local stack/),
    ]);
    expect(hints(recording('prometheus/rules/recording.yml'))).toEqual([]);
  });
});
