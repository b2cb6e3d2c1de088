import { dirname, isAbsolute, resolve } from 'node:path';
import { isMap, isScalar, type Document, type LineCounter } from 'yaml';
import type { z } from 'zod';
import { parseConfigDocument, position, readConfigText, section } from './document.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import { configSchema, type Config } from './schema.js';

/** Parse and validate alertscale.yml text; `file` names it in every error. */
export function parseConfig(text: string, file: string): Config {
  const { doc, lc, raw } = parseConfigDocument(text, file);
  const result = configSchema.safeParse(raw);
  // Cross-checks read the raw document, so they are reported with the schema's problems: one run shows every mistake.
  const problems = [
    ...(result.success ? [] : result.error.issues.map((issue) => toProblem(issue, doc, lc, file))),
    ...crossCheck(raw, doc, lc, file),
  ];
  if (!result.success || problems.length > 0) throw new ConfigError(file, problems);
  return resolvePaths(result.data, dirname(file));
}

/** Read, parse and validate alertscale.yml. */
export function loadConfig(file: string): Config {
  return parseConfig(readConfigText(file), file);
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
