import { describe, expect, it } from 'vitest';
import { evaluateRule, type RuleSeries } from '../../src/replay/alert-state.js';
import { parseRuleFile } from '../../src/cli/check/rules.js';
import type { AlertRule } from '../../src/replay/rule-files.js';

const rule = (over: Partial<AlertRule> = {}): AlertRule => ({
  file: 'r.yml',
  group: 'g',
  name: 'Backlog',
  expr: 'x',
  forMs: 2_000,
  keepFiringForMs: 0,
  labels: { scale: 'up' },
  annotations: { target: '{{ $value }}' },
  source: parseRuleFile('groups: [{ name: g, rules: [{ alert: Backlog, expr: x }] }]', 'r.yml').rules[0]!,
  ...over,
});
const S = 1_000;
const times = (n: number) => Array.from({ length: n }, (_, i) => i * S);
/** One series present at the given evaluations (index → value). */
const series = (values: (number | null)[]): RuleSeries[] => [
  {
    labels: { __name__: 'x', pool: 'demo' },
    points: new Map(values.flatMap((v, i) => (v === null ? [] : [[i * S, v] as [number, number]]))),
  },
];
const summary = (sends: ReturnType<typeof evaluateRule>) =>
  sends.map((s) => `${s.at / S}:${s.resolvedAt === undefined ? 'firing' : 'resolved'}@${s.firedAt / S}:${s.annotations.target}`);

// Cases checked against `promtool test rules` (Prometheus 2.42): for: 2s at a 1s interval fires at the third true evaluation.
describe('Prometheus alert state machine', () => {
  it.each([
    { name: 'pending → firing after for:', values: [3, 3, 3, 3], expected: ['2:firing@2:3', '3:firing@2:3'] },
    { name: 'one false evaluation restarts for:', values: [3, 3, null, 3, 3, 3], expected: ['5:firing@5:3'] },
    { name: 'resolved when the series disappears', values: [3, 3, 4, null, null], expected: ['2:firing@2:4', '3:resolved@2:4'] },
    {
      name: 'a new firing after a resolve has a new startsAt',
      values: [3, 3, 3, null, 5, 5, 5],
      expected: ['2:firing@2:3', '3:resolved@2:3', '6:firing@6:5'],
    },
  ])('$name', ({ values, expected }) => {
    expect(summary(evaluateRule(rule(), series(values), times(values.length), { resendDelayMs: 0 }))).toEqual(expected);
  });

  it('for: 0 fires at the first true evaluation', () => {
    expect(summary(evaluateRule(rule({ forMs: 0 }), series([1, null]), times(2), { resendDelayMs: 0 }))).toEqual([
      '0:firing@0:1',
      '1:resolved@0:1',
    ]);
  });

  it('keep_firing_for holds a firing alert through a gap, and resolves after it', () => {
    const r = rule({ forMs: 0, keepFiringForMs: 2 * S });
    // Gap of 1 evaluation: still firing, same firing (startsAt 0).
    expect(summary(evaluateRule(r, series([1, null, 1]), times(3), { resendDelayMs: 0 }))).toEqual([
      '0:firing@0:1',
      '1:firing@0:1',
      '2:firing@0:1',
    ]);
    // Gap longer than keep_firing_for: resolved at the evaluation 2s after the series went away.
    expect(summary(evaluateRule(r, series([1, null, null, null]), times(4), { resendDelayMs: 0 }))).toEqual([
      '0:firing@0:1',
      '1:firing@0:1',
      '2:firing@0:1',
      '3:resolved@0:1',
    ]);
  });

  it('re-sends a firing alert only once the resend delay has passed (strictly), with the current annotations', () => {
    const sends = evaluateRule(rule({ forMs: 0 }), series([1, 2, 3, 4, 5]), times(5), { resendDelayMs: S });
    expect(summary(sends)).toEqual(['0:firing@0:1', '2:firing@0:3', '4:firing@0:5']);
  });

  it('alert labels: series labels without __name__, rule labels, alertname', () => {
    const [send] = evaluateRule(rule({ forMs: 0 }), series([1]), times(1), { resendDelayMs: 0 });
    expect(send!.labels).toEqual({ pool: 'demo', scale: 'up', alertname: 'Backlog' });
  });

  it('a summary replay cannot expand (a query template) keeps its raw text; an unexpandable target stops the replay', () => {
    const query = '{{ with printf `x{pool="%s"}` $labels.pool | query }}{{ . | first | value }}{{ end }}';
    const [send] = evaluateRule(rule({ forMs: 0, annotations: { target: '{{ $value }}', summary: query } }), series([3]), times(1), {
      resendDelayMs: 0,
    });
    expect(send!.annotations).toEqual({ target: '3', summary: query });
    expect(() => evaluateRule(rule({ forMs: 0, annotations: { target: query } }), series([3]), times(1), { resendDelayMs: 0 })).toThrow(
      /annotation target/,
    );
  });
});
