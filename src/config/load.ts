import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
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
        const pos = e.linePos?.[0];
        return { file, path: '', message: `YAML syntax: ${e.message.split('\n')[0]}`, line: pos?.line, column: pos?.col };
      }),
    );
  }
  const result = configSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    throw new ConfigError(file, result.error.issues.map((issue) => toProblem(issue, doc, lineCounter, file)));
  }
  const problems = crossCheck(result.data, doc, lineCounter, file);
  if (problems.length > 0) throw new ConfigError(file, problems);
  return resolvePaths(result.data, dirname(file));
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
  const at = keys.length > 0 ? [...path, keys[0]!] : path;
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown key(s) ${keys.map((k) => `"${k}"`).join(', ')}; check the spelling against the documented keys`
      : issue.code === 'invalid_key'
        ? `"${path.at(-1)}" is not a valid name here: ${issue.issues.map((i) => i.message).join('; ')}`
        : issue.message;
  return { file, path: path.join('.'), message, ...position(doc, lc, at) };
}

function position(doc: Document, lc: LineCounter, path: string[]): { line?: number; column?: number } {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) {
      const { line, col } = lc.linePos(node.range[0]);
      return { line, column: col };
    }
  }
  return {};
}

function crossCheck(config: Config, doc: Document, lc: LineCounter, file: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [name, queue] of Object.entries(config.queues)) {
    if (queue.pool !== undefined && !(queue.pool in config.pools)) {
      const path = ['queues', name, 'pool'];
      problems.push({
        file,
        path: path.join('.'),
        message: `pool "${queue.pool}" is not defined under pools (defined: ${Object.keys(config.pools).join(', ') || 'none'})`,
        ...position(doc, lc, path),
      });
    }
  }
  if (config.receiver.tokenFile && config.receiver.tokenEnv) {
    problems.push({ file, path: 'receiver', message: 'set tokenFile or tokenEnv, not both', ...position(doc, lc, ['receiver']) });
  }
  return problems;
}

/** Paths in the file are relative to the file, as operators expect when they move it around. */
function resolvePaths(config: Config, base: string): Config {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  if (config.receiver.tokenFile) config.receiver.tokenFile = abs(config.receiver.tokenFile);
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
