/**
 * The vector selectors of a PromQL expression — metric name and label matchers, with where they
 * are — read with Prometheus' own PromQL grammar (@prometheus-io/lezer-promql, the parser of its
 * web UI), so `alertscale check` and the dashboard checker see selectors exactly as Prometheus
 * does. Pure. Syntax errors are promtool's to report; on an expression it refuses, the selectors
 * found are those the parser recovered.
 */
import { parser } from '@prometheus-io/lezer-promql';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  label: string;
  op: MatchOp;
  value: string;
  /** Index of the label name in the expression. */
  offset: number;
}

export interface Selector {
  /** The metric name: before the braces, a quoted name inside them, or a `__name__="…"` matcher; undefined for `{job=~".+"}`. */
  metric?: string;
  matchers: Matcher[];
  /** Index of the selector's first character in the expression. */
  offset: number;
}

/** Every vector selector of `expr`, in order. */
export function selectors(expr: string): Selector[] {
  const found: Selector[] = [];
  const text = (node: SyntaxNode) => expr.slice(node.from, node.to);
  parser.parse(expr).iterate({
    enter: (ref) => {
      if (ref.name !== 'VectorSelector') return;
      const node = ref.node;
      const matchers: Matcher[] = [];
      let metric = node.getChild('Identifier') ? text(node.getChild('Identifier')!) : undefined;
      // `{"my.metric"}`: the metric name quoted among the matchers
      for (const child of node.getChild('LabelMatchers')?.getChildren('QuotedLabelName') ?? []) metric ??= unquote(text(child));
      for (const m of node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? [])
        matchers.push(matcher(m, m.getChild('LabelName')!, text(m.getChild('LabelName')!)));
      for (const m of node.getChild('LabelMatchers')?.getChildren('QuotedLabelMatcher') ?? [])
        matchers.push(matcher(m, m.getChild('QuotedLabelName')!, unquote(text(m.getChild('QuotedLabelName')!))));
      matchers.sort((a, b) => a.offset - b.offset);
      metric ??= matchers.find((m) => m.label === '__name__' && m.op === '=')?.value;
      found.push({ ...(metric ? { metric } : {}), matchers, offset: node.from });
      return false;
    },
  });
  return found;

  function matcher(node: SyntaxNode, name: SyntaxNode, label: string): Matcher {
    const op = text(node.getChild('MatchOp')!) as MatchOp;
    return { label, op, value: unquote(text(node.getChild('StringLiteral')!)), offset: name.from };
  }
}

/** Metric names an expression selects, sorted, without duplicates. */
export function metricNames(expr: string): string[] {
  return [...new Set(selectors(expr).flatMap((s) => (s.metric ? [s.metric] : [])))].sort();
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** A PromQL string literal's value: Go's quoting (backticks raw; `\n`, `\"`, `\x41`, `\u00e9`… in quotes). */
function unquote(literal: string): string {
  const body = literal.slice(1, literal.endsWith(literal[0]!) && literal.length > 1 ? -1 : undefined);
  if (literal[0] === '`') return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/g, (_, e: string) => {
    if (e.length === 1) return ESCAPES[e] ?? e;
    if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return String.fromCodePoint(parseInt(e.slice(1), 16));
  });
}
