/**
 * Prometheus rule files, read once for `alertscale check` and `alertscale replay`: each rule's
 * group, name, expression, `for:`, labels and annotations, with the line of everything, so a
 * finding or a bad duration can point at the exact line. Lenient on structure (promtool judges
 * that); only YAML syntax errors are reported from here. Pure.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Scalar, type YAMLMap } from 'yaml';

export interface Located {
  value: string;
  line: number;
}

export interface RuleModel {
  file: string;
  /** The rule's group, and the group's `interval:` as written (absent: Prometheus' evaluation_interval). */
  group: string;
  groupInterval?: Located;
  kind: 'alert' | 'record';
  /** The alert or record name. */
  name: string;
  /** Line of the rule's first key. */
  line: number;
  expr: string;
  /** Line of the expression's first character. */
  exprLine: number;
  /**
   * True when the expression's lines are the file's lines (a `|` block, or one line), so an
   * offset in it maps to a line exactly; folded scalars map to exprLine.
   */
  exprExact: boolean;
  /** `for:` and `keep_firing_for:` as written, when present. */
  for?: Located;
  keepFiringFor?: Located;
  labels: Record<string, Located>;
  annotations: Record<string, Located>;
}

export interface RuleFileModel {
  file: string;
  rules: RuleModel[];
  /** YAML syntax errors (1-based lines). */
  syntaxErrors: { line: number; column: number; message: string }[];
}

/** The file line of `offset` in the rule's expression. */
export function exprLineAt(rule: RuleModel, offset: number): number {
  if (!rule.exprExact) return rule.exprLine;
  let newlines = 0;
  for (let i = 0; i < offset && i < rule.expr.length; i++) if (rule.expr[i] === '\n') newlines++;
  return rule.exprLine + newlines;
}

export function parseRuleFile(text: string, file: string): RuleFileModel {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      file,
      rules: [],
      syntaxErrors: doc.errors.map((e) => {
        const pos = lc.linePos(e.pos[0]);
        return { line: pos.line, column: pos.col, message: e.message.split('\n')[0]! };
      }),
    };
  }
  const read = reader(lc, file);
  const rules: RuleModel[] = [];
  const groups = doc.get('groups', true);
  for (const group of isSeq(groups) ? groups.items : []) {
    if (!isMap(group)) continue;
    const name = String((group.get('name', true) as Scalar | undefined)?.value ?? '');
    const interval = read.located(group.get('interval', true), read.lineOf(group as Node, 1));
    const list = group.get('rules', true);
    for (const rule of isSeq(list) ? list.items : []) {
      const model = isMap(rule) ? read.rule(rule, name, interval) : undefined;
      if (model) rules.push(model);
    }
  }
  return { file, rules, syntaxErrors: [] };
}

function reader(lc: LineCounter, file: string) {
  const lineOf = (node: Node | null | undefined, fallback: number) => (node?.range ? lc.linePos(node.range[0]).line : fallback);
  const located = (node: unknown, fallback: number): Located | undefined =>
    isScalar(node) && node.value !== null && node.value !== undefined
      ? { value: String(node.value), line: lineOf(node, fallback) }
      : undefined;
  /** One rule of a group; undefined when it has no name or no expression (promtool says why). */
  function rule(node: YAMLMap, group: string, groupInterval: Located | undefined): RuleModel | undefined {
    const alert = node.get('alert', true);
    const record = node.get('record', true);
    const name = isScalar(alert) ? alert : isScalar(record) ? record : undefined;
    const expr = node.get('expr', true);
    if (!name || !isScalar(expr)) return undefined;
    const line = lineOf(node as Node, 1);
    const forText = located(node.get('for', true), line);
    const keepFiringFor = located(node.get('keep_firing_for', true), line);
    return {
      file,
      group,
      ...(groupInterval ? { groupInterval } : {}),
      kind: isScalar(alert) ? 'alert' : 'record',
      name: String(name.value),
      line,
      expr: String(expr.value),
      ...exprPosition(expr, lc, line),
      ...(forText ? { for: forText } : {}),
      ...(keepFiringFor ? { keepFiringFor } : {}),
      labels: locatedMap(node.get('labels', true), lc, line),
      annotations: locatedMap(node.get('annotations', true), lc, line),
    };
  }
  return { lineOf, located, rule };
}

function exprPosition(expr: Scalar, lc: LineCounter, fallback: number): { exprLine: number; exprExact: boolean } {
  if (!expr.range) return { exprLine: fallback, exprExact: false };
  const start = lc.linePos(expr.range[0]).line;
  // A literal block's header (`|`) is on the key's line; its content starts on the next one and keeps its newlines.
  if (expr.type === 'BLOCK_LITERAL') return { exprLine: start + 1, exprExact: true };
  if (expr.type === 'BLOCK_FOLDED') return { exprLine: start + 1, exprExact: false };
  return { exprLine: start, exprExact: !String(expr.value).includes('\n') && lc.linePos(expr.range[1]).line === start };
}

function locatedMap(node: unknown, lc: LineCounter, fallback: number): Record<string, Located> {
  const out: Record<string, Located> = {};
  if (!isMap(node)) return out;
  for (const pair of node.items) {
    if (!isScalar(pair.key)) continue;
    const value = pair.value;
    const where = (isScalar(value) && value.range ? value.range[0] : (pair.key as Scalar).range?.[0]) ?? undefined;
    out[String(pair.key.value)] = {
      value: isScalar(value) ? String(value.value ?? '') : '',
      line: where === undefined ? fallback : lc.linePos(where).line,
    };
  }
  return out;
}
