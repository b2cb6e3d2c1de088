/**
 * "Dashboards can't rot": run every query of every dashboard JSON in a directory against a real
 * Prometheus, with Grafana's variables substituted, and report PromQL errors and queries that find
 * no series. Used by test/integration/dashboards-prometheus.test.ts (synthetic series) and by the
 * end-to-end suite against the live stack.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { metricNames } from '../promql/selectors.js';
import { createPrometheusApi, type PrometheusApi, PromqlError, type Series } from './prometheus-api.js';
import {
  type Builtins,
  type DashboardQuery,
  extractQueries,
  formatVariable,
  parseVariableQuery,
  substitute,
  type TemplateVariable,
  templateVariables,
} from './queries.js';

export type ProblemKind =
  /** Prometheus rejected the query (parse or execution error). */
  | 'error'
  /** The query returned no series over the checked range. */
  | 'empty'
  /** The query returned data, but a metric it reads has no series at all (e.g. hidden behind `or`). */
  | 'missing-metric'
  /** A `$variable` that is neither a dashboard variable nor a Grafana built-in. */
  | 'unresolved'
  /** A variable query form the checker does not know how to run. */
  | 'unsupported'
  /** A dashboard file that is not JSON. */
  | 'invalid';

export interface QueryProblem {
  kind: ProblemKind;
  file: string;
  dashboard: string;
  where: string;
  /** The query as sent (variables substituted); the raw text when it could not be sent. */
  expr: string;
  message: string;
  /** Metrics the query reads that have no series in the checked range. */
  missingMetrics?: string[];
}

export interface CheckOptions {
  /** The range checked ends now and starts this many seconds earlier. Default 900 (15 min). */
  lookbackSeconds?: number;
  /** Range query resolution. Default lookback / 200, at least 1 s. */
  stepSeconds?: number;
  /** `$__rate_interval`. Default `1m`. */
  rateInterval?: string;
  /** `$__interval`. Default the step. */
  interval?: string;
  /** Fixed values for dashboard variables (e.g. `{ pool: ['demo'] }`); the rest come from their queries. */
  variables?: Record<string, string[]>;
  /**
   * Metric names (or patterns) whose queries may legitimately be empty on this stack, e.g.
   * `alertscale_queue_oldest_job_age_seconds` when every queue is a list. A query is excused when
   * any metric it reads matches.
   */
  allowEmpty?: (string | RegExp)[];
  /** Unix milliseconds taken as "now". Default Date.now(). */
  now?: number;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

interface Context {
  api: PrometheusApi;
  start: number;
  end: number;
  step: number;
  builtins: Builtins;
  allowed: (metric: string) => boolean;
  /** metric name -> has at least one series in [start, end] */
  metricSeen: Map<string, Promise<boolean>>;
}

function matcher(patterns: (string | RegExp)[]): (metric: string) => boolean {
  return (metric) => patterns.some((p) => (typeof p === 'string' ? p === metric : p.test(metric)));
}

function hasSeries(ctx: Context, metric: string): Promise<boolean> {
  let seen = ctx.metricSeen.get(metric);
  if (!seen) {
    seen = ctx.api.series(metric, ctx.start, ctx.end).then((s) => s.length > 0);
    ctx.metricSeen.set(metric, seen);
  }
  return seen;
}

async function missingMetrics(ctx: Context, expr: string): Promise<string[]> {
  const names = metricNames(expr);
  const seen = await Promise.all(names.map((n) => hasSeries(ctx, n)));
  return names.filter((_, i) => !seen[i]);
}

/** Runs a variable query the way Grafana's Prometheus datasource does; returns its values. */
async function variableValues(ctx: Context, query: string): Promise<string[] | 'unsupported'> {
  const parsed = parseVariableQuery(query);
  if (!parsed) return 'unsupported';
  switch (parsed.kind) {
    case 'label_values':
      return ctx.api.labelValues(parsed.label, parsed.match, ctx.start, ctx.end);
    case 'label_names':
      return ctx.api.labelNames(parsed.match, ctx.start, ctx.end);
    case 'metrics': {
      const re = new RegExp(parsed.regex);
      return (await ctx.api.labelValues('__name__', undefined, ctx.start, ctx.end)).filter((n) => re.test(n));
    }
    case 'query_result':
      return (await ctx.api.query(parsed.expr, ctx.end)).map((s: Series) => JSON.stringify(s.metric));
  }
}

/**
 * Resolves the dashboard's variables in order (a variable may use the ones before it) into the
 * PromQL text each `$name` becomes. Problems with variable queries are appended to `problems`.
 */
async function resolveVariables(
  ctx: Context,
  file: string,
  dashboard: string,
  variables: TemplateVariable[],
  fixed: Record<string, string[]>,
  problems: QueryProblem[],
): Promise<Record<string, string>> {
  const formatted: Record<string, string> = {};
  for (const v of variables) {
    const where = `variable $${v.name}`;
    const report = (kind: ProblemKind, expr: string, message: string, extra: Partial<QueryProblem> = {}) =>
      problems.push({ kind, file, dashboard, where, expr, message, ...extra });
    let values: string[] = [];
    if (Object.hasOwn(fixed, v.name)) {
      values = fixed[v.name] ?? [];
    } else if (v.type === 'query' && v.query) {
      const { expr, unresolved } = substitute(v.query, formatted, ctx.builtins);
      if (unresolved.length > 0) {
        report('unresolved', v.query, `unknown variable(s) ${unresolved.map((u) => `$${u}`).join(', ')}`);
      } else {
        try {
          const result = await variableValues(ctx, expr);
          if (result === 'unsupported') report('unsupported', expr, 'not label_values(), label_names(), metrics() or query_result()');
          else if (result.length === 0) {
            const missing = await missingMetrics(ctx, expr);
            if (!metricNames(expr).some(ctx.allowed)) {
              report(
                'empty',
                expr,
                'the variable has no values: every panel filtered by it would be empty',
                missing.length ? { missingMetrics: missing } : {},
              );
            }
          } else values = [...new Set(result)].sort();
        } catch (err) {
          if (!(err instanceof PromqlError)) throw err;
          report('error', expr, `${err.errorType}: ${err.message}`);
        }
      }
    } else {
      values = v.stored;
    }
    // No values: fall back to what "All" means for this variable, so the panels are still checked.
    formatted[v.name] = values.length > 0 ? formatVariable(v, values) : (v.allValue ?? '.*');
  }
  return formatted;
}

async function checkQuery(
  ctx: Context,
  file: string,
  q: DashboardQuery,
  values: Record<string, string>,
): Promise<QueryProblem | undefined> {
  const base = { file, dashboard: q.dashboard, where: q.where };
  const { expr, unresolved } = substitute(q.expr, values, ctx.builtins);
  if (unresolved.length > 0) {
    return { ...base, kind: 'unresolved', expr: q.expr, message: `unknown variable(s) ${unresolved.map((u) => `$${u}`).join(', ')}` };
  }
  let series: Series[];
  try {
    series = q.instant ? await ctx.api.query(expr, ctx.end) : await ctx.api.queryRange(expr, ctx.start, ctx.end, ctx.step);
  } catch (err) {
    if (!(err instanceof PromqlError)) throw err;
    return { ...base, kind: 'error', expr, message: `${err.errorType}: ${err.message}` };
  }
  const excused = metricNames(expr).some(ctx.allowed);
  const missing = await missingMetrics(ctx, expr);
  if (series.length === 0) {
    if (excused) return undefined;
    const message = missing.length
      ? `no series; no data at all for ${missing.join(', ')}`
      : 'no series, although every metric it reads has data: its selectors or arithmetic filter everything out';
    return { ...base, kind: 'empty', expr, message, ...(missing.length ? { missingMetrics: missing } : {}) };
  }
  const unexcused = missing.filter((m) => !ctx.allowed(m));
  if (unexcused.length > 0) {
    return {
      ...base,
      kind: 'missing-metric',
      expr,
      message: `returns data, but ${unexcused.join(', ')} has no series`,
      missingMetrics: unexcused,
    };
  }
  return undefined;
}

/**
 * Checks every `*.json` dashboard in `dashboardsDir` against the Prometheus at `prometheusUrl`.
 * Resolves to the problems found (empty = every query parses and finds data). Throws when
 * Prometheus cannot be reached or answers with something other than a PromQL verdict.
 */
export async function checkDashboardQueries(
  prometheusUrl: string,
  dashboardsDir: string,
  opts: CheckOptions = {},
): Promise<QueryProblem[]> {
  const lookback = opts.lookbackSeconds ?? 900;
  const endMs = opts.now ?? Date.now();
  // Not rounded down: the newest samples (a rule evaluated half a second ago) must be inside.
  const end = endMs / 1000;
  const start = end - lookback;
  const step = opts.stepSeconds ?? Math.max(1, Math.ceil(lookback / 200));
  const ctx: Context = {
    api: createPrometheusApi({
      baseUrl: prometheusUrl,
      ...(opts.fetch ? { fetch: opts.fetch } : {}),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    }),
    start,
    end,
    step,
    builtins: {
      rateInterval: opts.rateInterval ?? '1m',
      interval: opts.interval ?? `${step}s`,
      rangeSeconds: lookback,
      fromMs: start * 1000,
      toMs: end * 1000,
    },
    allowed: matcher(opts.allowEmpty ?? []),
    metricSeen: new Map(),
  };

  const files = (await readdir(dashboardsDir)).filter((f) => f.endsWith('.json')).sort();
  const problems: QueryProblem[] = [];
  for (const name of files) {
    const file = join(dashboardsDir, name);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      problems.push({ kind: 'invalid', file, dashboard: name, where: 'file', expr: '', message: (err as Error).message });
      continue;
    }
    const queries = extractQueries(json);
    const dashboard = queries[0]?.dashboard ?? name;
    const values = await resolveVariables(ctx, file, dashboard, templateVariables(json), opts.variables ?? {}, problems);
    for (const q of queries.filter((q) => q.source !== 'variable')) {
      const problem = await checkQuery(ctx, file, q, values);
      if (problem) problems.push(problem);
    }
  }
  return problems;
}

/** One line per problem, for an assertion message. */
export function formatProblems(problems: QueryProblem[]): string {
  return problems.map((p) => `${p.kind}: ${p.dashboard} — ${p.where}: ${p.message}\n    ${p.expr}`).join('\n');
}
