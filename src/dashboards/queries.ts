/**
 * Every PromQL query a dashboard runs, and the Grafana variable substitution that turns it into
 * something Prometheus accepts. Pure: the I/O lives in check.ts.
 */

export type QuerySource = 'panel' | 'annotation' | 'variable';

export interface DashboardQuery {
  /** Dashboard title. */
  dashboard: string;
  source: QuerySource;
  /** Human location, e.g. `panel 7 "Decisions by outcome" target A`. */
  where: string;
  /** As written in the dashboard, Grafana variables included. */
  expr: string;
  /** Grafana runs it as an instant query (stat and bar gauge panels). */
  instant: boolean;
}

export interface TemplateVariable {
  name: string;
  type: string;
  /** The variable query (query variables) or the comma list (custom variables). */
  query?: string;
  multi: boolean;
  includeAll: boolean;
  allValue?: string;
  /** Values stored in the dashboard: `current`, else `options` (custom, constant, interval…). */
  stored: string[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function datasourceType(v: unknown): string | undefined {
  return isObject(v) ? str(v.type) : undefined;
}

/** Only Prometheus queries are ours to check; a panel may also use -- Grafana -- or expressions. */
function isPrometheus(own: unknown, inherited: unknown): boolean {
  const type = datasourceType(own) ?? datasourceType(inherited);
  return type === undefined || type === 'prometheus';
}

function panelsOf(list: unknown): Json[] {
  const out: Json[] = [];
  for (const p of asArray(list)) {
    if (!isObject(p)) continue;
    out.push(p);
    // Collapsed rows keep their panels nested.
    out.push(...panelsOf(p.panels));
  }
  return out;
}

function variableQueryText(q: unknown): string | undefined {
  if (typeof q === 'string') return q;
  if (isObject(q)) return str(q.query);
  return undefined;
}

function valuesOf(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

export function templateVariables(dashboard: unknown): TemplateVariable[] {
  if (!isObject(dashboard) || !isObject(dashboard.templating)) return [];
  return asArray(dashboard.templating.list)
    .filter(isObject)
    .map((v) => {
      const current = isObject(v.current) ? valuesOf(v.current.value).filter((x) => x !== '$__all') : [];
      const options = asArray(v.options)
        .filter(isObject)
        .flatMap((o) => valuesOf(o.value))
        .filter((x) => x !== '$__all');
      const query = variableQueryText(v.query);
      return {
        name: str(v.name) ?? '',
        type: str(v.type) ?? 'query',
        ...(query !== undefined ? { query } : {}),
        multi: v.multi === true,
        includeAll: v.includeAll === true,
        ...(typeof v.allValue === 'string' && v.allValue !== '' ? { allValue: v.allValue } : {}),
        stored: current.length > 0 ? current : options,
      };
    });
}

/** Every Prometheus query in a dashboard: panel targets, annotations, query variables. */
export function extractQueries(dashboard: unknown): DashboardQuery[] {
  if (!isObject(dashboard)) return [];
  const title = str(dashboard.title) ?? '(untitled)';
  const out: DashboardQuery[] = [];

  for (const panel of panelsOf(dashboard.panels)) {
    const name = `panel ${String(panel.id ?? '?')} "${str(panel.title) ?? ''}"`;
    for (const t of asArray(panel.targets).filter(isObject)) {
      const expr = str(t.expr);
      if (!expr || !isPrometheus(t.datasource, panel.datasource)) continue;
      const instant = t.instant === true && t.range !== true;
      out.push({ dashboard: title, source: 'panel', where: `${name} target ${str(t.refId) ?? '?'}`, expr, instant });
    }
  }

  const annotations = isObject(dashboard.annotations) ? asArray(dashboard.annotations.list) : [];
  for (const a of annotations.filter(isObject)) {
    if (!isPrometheus(a.datasource, undefined)) continue;
    // Grafana ≥ 10 reads `target.expr`; older dashboards keep `expr` on the annotation. Both may be set.
    const exprs = new Set([str(a.expr), isObject(a.target) ? str(a.target.expr) : undefined].filter((e): e is string => !!e));
    for (const expr of exprs) {
      out.push({ dashboard: title, source: 'annotation', where: `annotation "${str(a.name) ?? ''}"`, expr, instant: false });
    }
  }

  const list = isObject(dashboard.templating) ? asArray(dashboard.templating.list) : [];
  for (const v of list.filter(isObject)) {
    if (v.type !== 'query' || !isPrometheus(v.datasource, undefined)) continue;
    const expr = variableQueryText(v.query);
    if (expr) out.push({ dashboard: title, source: 'variable', where: `variable $${str(v.name) ?? '?'}`, expr, instant: false });
  }
  return out;
}

/** How Grafana's Prometheus datasource runs a variable query. */
export type VariableQuery =
  | { kind: 'label_values'; label: string; match?: string }
  | { kind: 'label_names'; match?: string }
  | { kind: 'metrics'; regex: string }
  | { kind: 'query_result'; expr: string };

/** Splits `a, b` at the last top-level comma (a selector may contain commas inside braces). */
function splitLastArg(args: string): [string, string] | undefined {
  let depth = 0;
  let inString: string | undefined;
  for (let i = args.length - 1; i >= 0; i--) {
    const c = args[i] as string;
    if (inString) {
      if (c === inString && args[i - 1] !== '\\') inString = undefined;
    } else if (c === '"' || c === "'") inString = c;
    else if (c === ')' || c === '}' || c === ']') depth++;
    else if (c === '(' || c === '{' || c === '[') depth--;
    else if (c === ',' && depth === 0) return [args.slice(0, i).trim(), args.slice(i + 1).trim()];
  }
  return undefined;
}

export function parseVariableQuery(query: string): VariableQuery | undefined {
  const m = /^\s*(label_values|label_names|metrics|query_result)\s*\(([\s\S]*)\)\s*$/.exec(query);
  if (!m) return undefined;
  const [, fn, rawArgs] = m as unknown as [string, string, string];
  const args = rawArgs.trim();
  switch (fn) {
    case 'label_values': {
      const split = splitLastArg(args);
      if (!split) return /^[A-Za-z_][A-Za-z0-9_]*$/.test(args) ? { kind: 'label_values', label: args } : undefined;
      const [match, label] = split;
      return match ? { kind: 'label_values', label, match } : { kind: 'label_values', label };
    }
    case 'label_names':
      return args ? { kind: 'label_names', match: args } : { kind: 'label_names' };
    case 'metrics':
      return { kind: 'metrics', regex: args };
    default:
      return args ? { kind: 'query_result', expr: args } : undefined;
  }
}

/** Values Grafana puts into the time-dependent built-in variables. */
export interface Builtins {
  rateInterval: string;
  interval: string;
  rangeSeconds: number;
  /** Range start and end, unix milliseconds ($__from / $__to). */
  fromMs: number;
  toMs: number;
}

/** Grafana's escaping for a value interpolated into a Prometheus regex matcher. */
export function regexEscape(value: string): string {
  return value.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');
}

/** What `$var` becomes in PromQL, as Grafana formats multi-value and All for Prometheus. */
export function formatVariable(variable: Pick<TemplateVariable, 'multi' | 'includeAll'>, values: string[]): string {
  if (!variable.multi && !variable.includeAll) return (values[0] ?? '').replace(/\\/g, '\\\\').replace(/'/g, "\\\\'");
  const escaped = values.map(regexEscape);
  return escaped.length === 1 ? (escaped[0] as string) : `(${escaped.join('|')})`;
}

function durationMs(d: string): number | undefined {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
  let total = 0;
  let rest = d;
  while (rest.length > 0) {
    const m = /^(\d+)(ms|s|m|h|d|w|y)/.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * (units[m[2] as string] as number);
    rest = rest.slice(m[0].length);
  }
  return total;
}

function builtinValue(name: string, b: Builtins): string | undefined {
  switch (name) {
    case '__rate_interval':
      return b.rateInterval;
    case '__rate_interval_ms':
      return String(durationMs(b.rateInterval) ?? '');
    case '__interval':
      return b.interval;
    case '__interval_ms':
      return String(durationMs(b.interval) ?? '');
    case '__range':
      return `${b.rangeSeconds}s`;
    case '__range_s':
      return String(b.rangeSeconds);
    case '__range_ms':
      return String(b.rangeSeconds * 1000);
    case '__from':
      return String(b.fromMs);
    case '__to':
      return String(b.toMs);
    default:
      return undefined;
  }
}

export interface Substituted {
  expr: string;
  /** `$names` that are neither built-ins nor dashboard variables (a typo, or a missing variable). */
  unresolved: string[];
}

// Grafana's variable syntaxes: $name, ${name}, ${name:format}, [[name]], [[name:format]].
const VARIABLE = /\$(\w+)|\$\{(\w+)(?::[^}]*)?\}|\[\[(\w+)(?::[^\]]*)?\]\]/g;

/**
 * Replaces Grafana variables. `values` maps a dashboard variable to its formatted PromQL text
 * (see formatVariable). Digit-only names ($1 in label_replace) are left alone, as Grafana does.
 */
export function substitute(expr: string, values: Record<string, string>, builtins: Builtins): Substituted {
  const unresolved = new Set<string>();
  const out = expr.replace(VARIABLE, (whole, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c) as string;
    if (Object.hasOwn(values, name)) return values[name] as string;
    const builtin = builtinValue(name, builtins);
    if (builtin !== undefined && builtin !== '') return builtin;
    if (!/^\d+$/.test(name)) unresolved.add(name);
    return whole;
  });
  return { expr: out, unresolved: [...unresolved].sort() };
}
