import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import { ConfigError } from './errors.js';

/** alertscale.yml parsed as YAML (not yet validated), with what is needed to point at a line. */
export interface ConfigDocument {
  file: string;
  doc: Document;
  lc: LineCounter;
  /** The document as plain data. */
  raw: unknown;
}

/** The text of alertscale.yml, or a ConfigError saying why it cannot be read. */
export function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError(file, [{ file, path: '', message: `cannot read the configuration: ${reason}` }]);
  }
}

/** Parse alertscale.yml text as YAML; a syntax error is a ConfigError with its line. */
export function parseConfigDocument(text: string, file: string): ConfigDocument {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => {
        // linePos is only filled with prettyErrors; the offset in e.pos always is.
        const pos = e.linePos?.[0] ?? lc.linePos(e.pos[0]);
        return { file, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}`, line: pos.line, column: pos.col };
      }),
    );
  }
  return { file, doc, lc, raw: toJS(doc, lc, file) ?? {} };
}

/**
 * The document as plain data. YAML that parses can still fail here (an alias with no anchor, an
 * alias bomb past the yaml package's maxAliasCount): reported at the first alias, not thrown.
 */
function toJS(doc: Document, lc: LineCounter, file: string): unknown {
  try {
    return doc.toJS();
  } catch (err) {
    let at: number | undefined;
    visit(doc, {
      Alias(_, node) {
        at = node.range?.[0];
        return visit.BREAK;
      },
    });
    const { line, col } = lc.linePos(at ?? 0);
    throw new ConfigError(file, [{ file, path: '', message: `YAML: ${(err as Error).message}`, line, column: col }]);
  }
}

/** Where the node at `path` (or its nearest ancestor) is written. */
export function position(doc: Document, lc: LineCounter, path: readonly string[]): { line?: number; column?: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) {
      const { line, col } = lc.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  // No node at all (an empty file, or only comments): the problem is the whole file, from its top.
  return { line: 1, column: 1 };
}

/** A mapping in the raw document, or an empty one when that part is missing or malformed (the schema reports that). */
export function section(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
