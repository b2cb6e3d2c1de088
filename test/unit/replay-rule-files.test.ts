import { describe, expect, it } from 'vitest';
import { parseRuleFile } from '../../src/cli/check/rules.js';
import { parseAlertRules, RuleFileError } from '../../src/replay/rule-files.js';

const file = (rules: string, group = '  - name: g\n    interval: 30s\n') => `groups:\n${group}    rules:\n${rules}`;
const backlog =
  '      - alert: Backlog\n        expr: x > 1\n        for: 2m\n        keep_firing_for: 1m\n' +
  '        labels: { scale: up }\n        annotations: { target: "{{ $value }}" }\n';

// One reader for `check` and `replay` (src/cli/check/rules.ts): replay takes its alerting rules.
describe('rule files as replay reads them', () => {
  it('alerting rules with group, interval, for and keep_firing_for; recording rules left to Prometheus', () => {
    const rules = parseAlertRules(file(`      - record: r\n        expr: sum(x)\n${backlog}`), 'r.yml');
    expect(rules).toMatchObject([
      {
        file: 'r.yml',
        group: 'g',
        name: 'Backlog',
        expr: 'x > 1',
        forMs: 120_000,
        keepFiringForMs: 60_000,
        labels: { scale: 'up' },
        annotations: { target: '{{ $value }}' },
        intervalMs: 30_000,
      },
    ]);
    // The same reader gives check the lines.
    const [, alert] = parseRuleFile(file(`      - record: r\n        expr: sum(x)\n${backlog}`), 'r.yml').rules;
    expect(alert).toMatchObject({
      kind: 'alert',
      group: 'g',
      line: 7,
      for: { value: '2m', line: 9 },
      groupInterval: { value: '30s', line: 3 },
    });
    expect(rules[0]!.source).toEqual(alert);
  });

  it.each([
    [
      'a for: that is not a duration',
      file(backlog.replace('for: 2m', 'for: soon')),
      /r\.yml: line 7: group g, alert Backlog: for: "soon" is not a duration/,
    ],
    [
      'a group interval that is not a duration',
      file(backlog, '  - name: g\n    interval: often\n'),
      /r\.yml: line 3: group g interval: "often" is not a duration/,
    ],
    ['YAML that does not parse', 'groups:\n  - name: g\n   rules: [\n', /r\.yml: line \d+: YAML syntax: /],
  ])('%s: an error naming the file and line', (_name, text, message) => {
    expect(() => parseAlertRules(text, 'r.yml')).toThrow(RuleFileError);
    expect(() => parseAlertRules(text, 'r.yml')).toThrow(message);
  });
});
