import { describe, expect, it } from 'vitest';
import { metricNames } from '../../src/promql/selectors.js';
import {
  type Builtins,
  extractQueries,
  formatVariable,
  parseVariableQuery,
  substitute,
  templateVariables,
} from '../../src/dashboards/queries.js';
import { renderDashboards } from '../../src/dashboards/render.js';

const PROM = { type: 'prometheus', uid: 'alertscale-prometheus' };

const dashboard = {
  title: 'T',
  panels: [
    {
      id: 1,
      title: 'plain',
      type: 'timeseries',
      datasource: PROM,
      targets: [
        { refId: 'A', expr: 'up' },
        { refId: 'B', expr: 'x', instant: true },
      ],
    },
    {
      id: 2,
      title: 'collapsed row',
      type: 'row',
      panels: [{ id: 3, title: 'nested', targets: [{ refId: 'A', expr: 'nested_metric' }] }],
    },
    { id: 4, title: 'text', type: 'text' },
    { id: 5, title: 'other datasource', datasource: { type: 'loki', uid: 'l' }, targets: [{ refId: 'A', expr: '{job="x"}' }] },
    {
      id: 6,
      title: 'mixed',
      datasource: { type: 'datasource', uid: '-- Mixed --' },
      targets: [{ refId: 'A', datasource: PROM, expr: 'mixed_prom' }],
    },
    {
      id: 7,
      title: 'both',
      targets: [
        { refId: 'A', expr: 'r', instant: true, range: true },
        { refId: 'B', expr: '' },
      ],
    },
  ],
  annotations: {
    list: [
      { name: 'builtin', datasource: { type: 'grafana', uid: '-- Grafana --' }, enable: true },
      { name: 'legacy', datasource: PROM, expr: 'legacy_expr' },
      { name: 'both', datasource: PROM, expr: 'same', target: { expr: 'same', refId: 'Anno' } },
      { name: 'new', datasource: PROM, target: { expr: 'target_expr' } },
    ],
  },
  templating: {
    list: [
      {
        name: 'pool',
        type: 'query',
        datasource: PROM,
        query: 'label_values(alertscale_pool_replicas, pool)',
        multi: true,
        includeAll: true,
        allValue: '.*',
        current: { value: ['$__all'] },
      },
      {
        name: 'queue',
        type: 'query',
        datasource: PROM,
        query: { query: 'label_values(alertscale_queue_length{pool=~"$pool"}, queue)', refId: 'q' },
      },
      { name: 'env', type: 'custom', query: 'a,b', current: { value: 'b' }, options: [{ value: 'a' }, { value: 'b' }] },
    ],
  },
};

const builtins: Builtins = { rateInterval: '1m', interval: '15s', rangeSeconds: 900, fromMs: 1000, toMs: 901_000 };

describe('extractQueries', () => {
  it('finds panel targets (nested rows too), annotations and query variables, Prometheus only', () => {
    expect(extractQueries(dashboard).map((q) => [q.source, q.where, q.expr, q.instant])).toEqual([
      ['panel', 'panel 1 "plain" target A', 'up', false],
      ['panel', 'panel 1 "plain" target B', 'x', true],
      ['panel', 'panel 3 "nested" target A', 'nested_metric', false],
      ['panel', 'panel 6 "mixed" target A', 'mixed_prom', false],
      ['panel', 'panel 7 "both" target A', 'r', false],
      ['annotation', 'annotation "legacy"', 'legacy_expr', false],
      ['annotation', 'annotation "both"', 'same', false],
      ['annotation', 'annotation "new"', 'target_expr', false],
      ['variable', 'variable $pool', 'label_values(alertscale_pool_replicas, pool)', false],
      ['variable', 'variable $queue', 'label_values(alertscale_queue_length{pool=~"$pool"}, queue)', false],
    ]);
  });

  it('tolerates junk', () => {
    expect(extractQueries(null)).toEqual([]);
    expect(extractQueries({ panels: 'no', annotations: [], templating: 3 })).toEqual([]);
  });

  it('finds every query of the generated dashboards, each reading at least one metric', () => {
    for (const d of renderDashboards()) {
      const queries = extractQueries(JSON.parse(d.json));
      expect(queries.length, d.file).toBeGreaterThan(10);
      for (const q of queries.filter((q) => q.source !== 'variable')) expect(metricNames(q.expr), q.where).not.toEqual([]);
    }
  });
});

describe('templateVariables', () => {
  it('reads multi/includeAll/allValue and stored values, without $__all', () => {
    expect(templateVariables(dashboard)).toEqual([
      {
        name: 'pool',
        type: 'query',
        query: 'label_values(alertscale_pool_replicas, pool)',
        multi: true,
        includeAll: true,
        allValue: '.*',
        stored: [],
      },
      {
        name: 'queue',
        type: 'query',
        query: 'label_values(alertscale_queue_length{pool=~"$pool"}, queue)',
        multi: false,
        includeAll: false,
        stored: [],
      },
      { name: 'env', type: 'custom', query: 'a,b', multi: false, includeAll: false, stored: ['b'] },
    ]);
  });
});

describe('parseVariableQuery', () => {
  it.each([
    ['label_values(alertscale_pool_replicas, pool)', { kind: 'label_values', label: 'pool', match: 'alertscale_pool_replicas' }],
    ['label_values(up{job="a,b", x=~"1|2"}, instance)', { kind: 'label_values', label: 'instance', match: 'up{job="a,b", x=~"1|2"}' }],
    ['label_values(pool)', { kind: 'label_values', label: 'pool' }],
    [' label_names() ', { kind: 'label_names' }],
    ['label_names(up)', { kind: 'label_names', match: 'up' }],
    ['metrics(alertscale_.*)', { kind: 'metrics', regex: 'alertscale_.*' }],
    ['query_result(topk(3, sum by (pool) (x)))', { kind: 'query_result', expr: 'topk(3, sum by (pool) (x))' }],
  ])('%s', (q, expected) => {
    expect(parseVariableQuery(q)).toEqual(expected);
  });

  it.each(['up', 'label_values()', 'label_values(a b)', 'query_result()'])('unsupported: %s', (q) => {
    expect(parseVariableQuery(q)).toBeUndefined();
  });
});

describe('formatVariable', () => {
  const multi = { multi: true, includeAll: true };
  it.each([
    [multi, ['demo'], 'demo'],
    [multi, ['a', 'b-c'], '(a|b-c)'],
    [multi, ['a.b', 'x|y'], '(a\\\\.b|x\\\\|y)'],
    [{ multi: false, includeAll: false }, ['a.b'], 'a.b'],
    [{ multi: false, includeAll: false }, ["it's"], "it\\\\'s"],
  ])('%j %j -> %s', (v, values, expected) => {
    expect(formatVariable(v, values)).toBe(expected);
  });
});

describe('substitute', () => {
  it.each([
    ['x{pool=~"$pool"}', 'x{pool=~"(a|b)"}', []],
    ['x{pool=~"${pool}"}[$__rate_interval]', 'x{pool=~"(a|b)"}[1m]', []],
    ['x{pool=~"${pool:regex}"} [[pool]]', 'x{pool=~"(a|b)"} (a|b)', []],
    ['increase(x[$__range]) / $__range_s', 'increase(x[900s]) / 900', []],
    ['rate(x[$__interval]) $__interval_ms $__range_ms $__rate_interval_ms', 'rate(x[15s]) 15000 900000 60000', []],
    ['x @ $__to', 'x @ 901000', []],
    ['label_replace(x, "d", "$1", "s", "(.*)")', 'label_replace(x, "d", "$1", "s", "(.*)")', []],
    ['x{pool=~"$poool"}[$__nope]', 'x{pool=~"$poool"}[$__nope]', ['__nope', 'poool']],
    ['pool=~"$pool_name"', 'pool=~"$pool_name"', ['pool_name']],
  ])('%s', (expr, want, unresolved) => {
    expect(substitute(expr, { pool: '(a|b)' }, builtins)).toEqual({ expr: want, unresolved });
  });
});

describe('metricNames', () => {
  it.each([
    ['up', ['up']],
    ['max by (pool) (alertscale_pool_replicas{pool=~"(a|b)"})', ['alertscale_pool_replicas']],
    ['sum(rate(a_total[5m])) by (pool, le) / on (instance) group_left (x) max without (y) (b)', ['a_total', 'b']],
    ['histogram_quantile(0.95, sum by (le) (rate(h_bucket[1m])))', ['h_bucket']],
    ['alertscale:pool_cpu_per_worker:ratio > 0.75 and bool c offset 5m', ['alertscale:pool_cpu_per_worker:ratio', 'c']],
    ['ALERTS{a="firing"} * 2 or ALERTS{a="pending"} unless d', ['ALERTS', 'd']],
    ['{__name__="named", x="y"} + count_values("v", e) + label_replace(f, "d", "$1", "s", "(.*)")', ['e', 'f', 'named']],
    ['max_over_time(g[5m:1m]) + 1e3 + 0x1f + Inf + NaN + .5', ['g']],
    ['vector(1) + time()', []],
    ['x # a comment with y\n+ z', ['x', 'z']],
  ])('%s', (expr, names) => {
    expect(metricNames(expr)).toEqual(names);
  });
});
