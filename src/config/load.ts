import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, isMap, isScalar, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from './errors.js';
import { configSchema, type Config } from './schema.js';

/** Parse and validate alertscale.yml text; `file` names it in every error. */
export function parseConfig(text: string, file: string): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => {
        // linePos is only filled with prettyErrors; the offset in e.pos always is.
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        return { file, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}`, line: pos.line, column: pos.col };
      }),
    );
  }
  const raw: unknown = toJS(doc, lineCounter, file) ?? {};
  const result = configSchema.safeParse(raw);
  // Cross-checks read the raw document, so they are reported with the schema's problems: one run shows every mistake.
  const problems = [
    ...(result.success ? [] : result.error.issues.map((issue) => toProblem(issue, doc, lineCounter, file))),
    ...crossCheck(raw, doc, lineCounter, file),
  ];
  if (!result.success || problems.length > 0) throw new ConfigError(file, problems);
  return resolvePaths(result.data, dirname(file));
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

/** Read, parse and validate alertscale.yml. */
export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError(file, [{ file, path: '', message: `cannot read the configuration: ${reason}` }]);
  }
  return parseConfig(text, file);
}

function toProblem(issue: z.core.$ZodIssue, doc: Document, lc: LineCounter, file: string): ConfigProblem {
  const path = issue.path.map(String);
  // Unknown keys are reported on their parent; point at the key itself.
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  // An unknown or badly named key is shown on its own line, not on its value's (a block value starts a line later).
  const where =
    keys.length > 0
      ? keyPosition(doc, lc, path, keys[0]!)
      : issue.code === 'invalid_key' && path.length > 0
        ? keyPosition(doc, lc, path.slice(0, -1), path.at(-1)!)
        : position(doc, lc, path);
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown key(s) ${keys.map((k) => `"${k}"`).join(', ')}; check the spelling against the documented keys`
      : issue.code === 'invalid_key'
        ? `"${path.at(-1)}" is not a valid name here: ${issue.issues.map((i) => i.message).join('; ')}`
        : issue.message;
  return { file, path: path.join('.'), message, ...where };
}

/** Where `key` itself is written in the mapping at `parent`. */
function keyPosition(doc: Document, lc: LineCounter, parent: string[], key: string): { line?: number; column?: number } {
  const map = doc.getIn(parent, true);
  if (isMap(map)) {
    const pair = map.items.find((item) => String(isScalar(item.key) ? item.key.value : item.key) === key);
    const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
    if (range) {
      const { line, col } = lc.linePos(range[0]);
      return { line, column: col };
    }
  }
  return position(doc, lc, [...parent, key]);
}

function position(doc: Document, lc: LineCounter, path: string[]): { line?: number; column?: number } {
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
function section(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function crossCheck(raw: unknown, doc: Document, lc: LineCounter, file: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const config = section(raw);
  const pools = section(config.pools);
  const receiver = section(config.receiver);
  for (const [name, queue] of Object.entries(section(config.queues))) {
    const pool = section(queue).pool;
    // Object.hasOwn, not `in`: a queue naming pool "constructor" must not find Object.prototype.
    if (typeof pool === 'string' && !Object.hasOwn(pools, pool)) {
      const path = ['queues', name, 'pool'];
      problems.push({
        file,
        path: path.join('.'),
        message: `pool "${pool}" is not defined under pools (defined: ${Object.keys(pools).join(', ') || 'none'})`,
        ...position(doc, lc, path),
      });
    }
  }
  if (receiver.tokenFile && receiver.tokenEnv) {
    problems.push({ file, path: 'receiver', message: 'set tokenFile or tokenEnv, not both', ...position(doc, lc, ['receiver']) });
  }
  return problems;
}

/** Paths in the file are relative to the file, as operators expect when they move it around. */
function resolvePaths(config: Config, base: string): Config {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  if (config.receiver.tokenFile) config.receiver.tokenFile = abs(config.receiver.tokenFile);
  if (config.redis.passwordFile) config.redis.passwordFile = abs(config.redis.passwordFile);
  for (const pool of Object.values(config.pools)) {
    if (pool.executor.kind === 'gunicorn') pool.executor.pidfile = abs(pool.executor.pidfile);
    if (pool.executor.kind === 'compose' && pool.executor.file) pool.executor.file = abs(pool.executor.file);
    // A preset's `bin` with a slash is a path (e.g. node_modules/.bin/pm2); a bare name is looked up in PATH.
    if ('bin' in pool.executor && typeof pool.executor.bin === 'string' && pool.executor.bin.includes('/')) {
      pool.executor.bin = abs(pool.executor.bin);
    }
  }
  return config;
}
