/**
 * Just enough PromQL lexing to find the vector selectors of an expression — metric name and label
 * matchers, with where they are — so `alertscale check` can say which pool or metric a rule names.
 * No evaluation and no full grammar: promtool checks the syntax; this only has to be right on
 * expressions promtool accepts. Pure.
 */

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  label: string;
  op: MatchOp;
  value: string;
  /** Index of the label name in the expression. */
  offset: number;
}

export interface Selector {
  /** The metric name, from before the braces or from a `__name__="…"` matcher; undefined for `{job=~".+"}`. */
  metric?: string;
  matchers: Matcher[];
  /** Index of the selector's first character in the expression. */
  offset: number;
}

/** Words that are never metric names outside braces (operators, modifiers, literals). */
const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'inf', 'nan', 'atan2']);
/** These may be followed by a parenthesised list of label names, which are not metrics either. */
const LABEL_LISTS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

const IDENT_START = /[A-Za-z_:]/;
const IDENT_PART = /[A-Za-z0-9_:]/;
const LABEL_START = /[A-Za-z_]/;
const LABEL_PART = /[A-Za-z0-9_]/;

/** Index just after the string literal that starts at `i`, and its value (Go escapes of " and ' strings). */
function readString(s: string, i: number): { end: number; value: string } {
  const quote = s[i];
  let j = i + 1;
  let value = '';
  while (j < s.length && s[j] !== quote) {
    if (s[j] === '\\' && quote !== '`' && j + 1 < s.length) {
      const next = s[j + 1]!;
      value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
      j += 2;
    } else {
      value += s[j];
      j++;
    }
  }
  return { end: j + 1, value };
}

/** Index just after the bracket group opening at `i`, skipping strings inside it. */
function skipGroup(s: string, i: number, open: string, close: string): number {
  let depth = 0;
  let j = i;
  while (j < s.length) {
    const c = s[j];
    if (c === '"' || c === "'" || c === '`') {
      j = readString(s, j).end;
      continue;
    }
    if (c === open) depth++;
    else if (c === close && --depth === 0) return j + 1;
    j++;
  }
  return j;
}

const skipSpace = (s: string, i: number) => {
  let j = i;
  while (j < s.length && /\s/.test(s[j]!)) j++;
  return j;
};

/** The matchers of the brace group opening at `open`; stops quietly at anything it does not understand. */
function readMatchers(s: string, open: number): { matchers: Matcher[]; end: number } {
  const end = skipGroup(s, open, '{', '}');
  const matchers: Matcher[] = [];
  let i = skipSpace(s, open + 1);
  while (i < end - 1) {
    if (!LABEL_START.test(s[i] ?? '')) break;
    const start = i;
    while (i < end && LABEL_PART.test(s[i]!)) i++;
    const label = s.slice(start, i);
    i = skipSpace(s, i);
    const op = (['=~', '!~', '!=', '='] as const).find((o) => s.startsWith(o, i));
    if (!op) break;
    i = skipSpace(s, i + op.length);
    if (!['"', "'", '`'].includes(s[i] ?? '')) break;
    const str = readString(s, i);
    matchers.push({ label, op, value: str.value, offset: start });
    i = skipSpace(s, str.end);
    if (s[i] === ',') i = skipSpace(s, i + 1);
  }
  return { matchers, end };
}

/** Every vector selector of `expr`, in order. */
export function selectors(expr: string): Selector[] {
  const found: Selector[] = [];
  const withMatchers = (offset: number, metric: string | undefined, open: number) => {
    const { matchers, end } = readMatchers(expr, open);
    const name = metric ?? matchers.find((m) => m.label === '__name__' && m.op === '=')?.value;
    found.push({ ...(name ? { metric: name } : {}), matchers, offset });
    return end;
  };
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '"' || c === "'" || c === '`') {
      i = readString(expr, i).end;
    } else if (c === '#') {
      while (i < expr.length && expr[i] !== '\n') i++;
    } else if (c === '{') {
      i = withMatchers(i, undefined, i);
    } else if (c === '[') {
      // Range or subquery: durations only, never a selector.
      i = skipGroup(expr, i, '[', ']');
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(expr[i + 1] ?? ''))) {
      // Numbers and durations: 0.95, 1e3, 5m, 0x1f.
      while (i < expr.length && /[0-9A-Za-z_.]/.test(expr[i]!)) i++;
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < expr.length && IDENT_PART.test(expr[j]!)) j++;
      const word = expr.slice(i, j);
      const after = skipSpace(expr, j);
      const lower = word.toLowerCase();
      if (LABEL_LISTS.has(lower)) {
        i = expr[after] === '(' ? skipGroup(expr, after, '(', ')') : j;
      } else if (KEYWORDS.has(lower) || expr[after] === '(' || /^(by|without)\b/i.test(expr.slice(after))) {
        // Operator, function call, or an aggregation whose grouping comes before its arguments.
        i = j;
      } else if (expr[after] === '{') {
        i = withMatchers(i, word, after);
      } else {
        found.push({ metric: word, matchers: [], offset: i });
        i = j;
      }
    } else {
      i++;
    }
  }
  return found;
}

/** Metric names an expression selects, sorted, without duplicates. */
export function metricNames(expr: string): string[] {
  return [...new Set(selectors(expr).flatMap((s) => (s.metric ? [s.metric] : [])))].sort();
}
