/**
 * Just enough PromQL lexing to list the metric names an expression reads. The checker uses it to
 * say *which* metric is missing when a query comes back empty, and to catch a renamed metric
 * hidden behind `or` in a query that still returns data. Pure; no PromQL evaluation.
 */

/** Identifiers that are never metric names when they appear outside braces and brackets. */
const KEYWORDS = new Set([
  'and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right',
  'offset', 'bool', 'atan2', 'inf', 'nan', 'start', 'end',
]);

/** These take a parenthesised list of label names, which are not metrics either. */
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

const IDENT_START = /[A-Za-z_:]/;
const IDENT_PART = /[A-Za-z0-9_:]/;

/** Index just after the string literal that starts at `i` (quote at s[i]). */
function skipString(s: string, i: number): number {
  const quote = s[i];
  let j = i + 1;
  while (j < s.length && s[j] !== quote) j += s[j] === '\\' && quote !== '`' ? 2 : 1;
  return j + 1;
}

/** Index just after the bracket group that opens at `i`, skipping strings inside it. */
function skipGroup(s: string, i: number, open: string, close: string): number {
  let depth = 0;
  let j = i;
  while (j < s.length) {
    const c = s[j];
    if (c === '"' || c === "'" || c === '`') {
      j = skipString(s, j);
      continue;
    }
    if (c === open) depth++;
    else if (c === close && --depth === 0) return j + 1;
    j++;
  }
  return j;
}

function nextNonSpace(s: string, i: number): number {
  let j = i;
  while (j < s.length && /\s/.test(s[j] ?? '')) j++;
  return j;
}

/** `__name__="x"` inside a selector also names a metric. */
function namesInSelector(body: string): string[] {
  return [...body.matchAll(/__name__\s*=\s*"([A-Za-z_:][A-Za-z0-9_:]*)"/g)].map((m) => m[1] as string);
}

/** Metric names an expression selects, sorted, without duplicates. */
export function metricNames(expr: string): string[] {
  const found = new Set<string>();
  let i = 0;
  while (i < expr.length) {
    const c = expr[i] as string;
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(expr, i);
    } else if (c === '#') {
      while (i < expr.length && expr[i] !== '\n') i++;
    } else if (c === '{') {
      const end = skipGroup(expr, i, '{', '}');
      for (const n of namesInSelector(expr.slice(i, end))) found.add(n);
      i = end;
    } else if (c === '[') {
      i = skipGroup(expr, i, '[', ']');
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(expr[i + 1] ?? ''))) {
      // Numbers, durations, hex: 0.95, 1e3, 5m, 0x1f.
      while (i < expr.length && /[0-9A-Za-z_.]/.test(expr[i] as string)) i++;
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < expr.length && IDENT_PART.test(expr[j] as string)) j++;
      const word = expr.slice(i, j);
      const after = nextNonSpace(expr, j);
      const lower = word.toLowerCase();
      if (LABEL_LIST_KEYWORDS.has(lower)) {
        i = expr[after] === '(' ? skipGroup(expr, after, '(', ')') : j;
        continue;
      }
      // `sum by (x) (…)`: an aggregation whose grouping comes before its argument list.
      const groupingFollows = /^(by|without)\b/i.test(expr.slice(after));
      if (!KEYWORDS.has(lower) && expr[after] !== '(' && !groupingFollows) found.add(word);
      i = j;
    } else {
      i++;
    }
  }
  return [...found].sort();
}
