/**
 * The PromQL selectors behind `alertscale check`, as Prometheus' grammar reads them: which metrics
 * and pool matchers an expression has, and nothing that only looks like one (functions, grouping
 * labels, strings, durations, keywords).
 */
import { describe, expect, it } from 'vitest';
import { selectors } from '../../src/promql/selectors.js';

const summary = (expr: string) =>
  selectors(expr).map(
    (s) => `${s.metric ?? '∅'}${s.matchers.length > 0 ? `{${s.matchers.map((m) => `${m.label}${m.op}${m.value}`).join(',')}}` : ''}`,
  );

describe('selectors', () => {
  it.each<[string, string, string[]]>([
    ['bare metric', 'up', ['up']],
    ['matchers of every kind', 'a{pool="x", queue!="q", job=~"j.+", mode!~"idle|steal"}', ['a{pool=x,queue!=q,job=~j.+,mode!~idle|steal}']],
    ['no metric name, only matchers', '{pool="x"}', ['∅{pool=x}']],
    [
      '__name__ matcher names the metric',
      '{__name__="alertscale_queue_length", pool="x"}',
      ['alertscale_queue_length{__name__=alertscale_queue_length,pool=x}'],
    ],
    [
      'recording rule names have colons',
      'alertscale:pool_utilization:ratio{pool="demo"} < 0.5',
      ['alertscale:pool_utilization:ratio{pool=demo}'],
    ],
    ['functions and aggregations are not metrics', 'ceil(sum by (pool) (rate(m_total[5m])) / 10)', ['m_total']],
    ['grouping after the arguments', 'sum(m) by (pool, queue)', ['m']],
    ['on/ignoring/group_left label lists', 'a > on (pool) group_left (queue) b unless ignoring(x) c', ['a', 'b', 'c']],
    ['group_left without a list', 'a * on (pool) group_left b', ['a', 'b']],
    ['keywords, numbers, durations, offset', 'a offset 5m > bool 1e3 and b[1h:5m] or inf', ['a', 'b']],
    ['strings are skipped (label_replace args)', 'label_replace(m, "pool", "$1", "job", "(.*)")', ['m']],
    ['escaped quotes in values', 'm{pool="a\\"b"}', ['m{pool=a"b}']],
    ['single quotes and backticks', "m{pool='x', q=~`a|b`}", ['m{pool=x,q=~a|b}']],
    ['comments', 'a # b{pool="nope"}\n+ c', ['a', 'c']],
    ['space before the braces', 'm {pool="x"}', ['m{pool=x}']],
    ['scalar() and clamp with numbers', 'clamp(scalar(max(h)) - 2147483648, 1, 16)', ['h']],
    ['quoted names (Prometheus 3)', '{"my.metric", pool="x"} + m{"a.b"="c"}', ['my.metric{pool=x}', 'm{a.b=c}']],
  ])('%s', (_name, expr, expected) => {
    expect(summary(expr)).toEqual(expected);
  });

  it('gives the offset of each selector and matcher', () => {
    const expr = 'sum(a{pool="x"})\n  > b{queue="q", pool="y"}';
    const found = selectors(expr);
    expect(found.map((s) => expr.slice(s.offset, s.offset + 1))).toEqual(['a', 'b']);
    expect(found[1]!.matchers.map((m) => expr.slice(m.offset, m.offset + m.label.length))).toEqual(['queue', 'pool']);
  });
});
