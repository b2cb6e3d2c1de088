import { dirname, isAbsolute, resolve } from 'node:path';
import { parseConfigDocument, position, readConfigText, section, type ConfigDocument } from './document.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import { isListenAddress } from './listen.js';

/** The defaults of the addresses below; the schema (schema.ts) uses the same. */
export const DEFAULT_RECEIVER_LISTEN = '127.0.0.1:9460';
export const DEFAULT_EXPORTER_LISTEN = '127.0.0.1:9464';
export const DEFAULT_ALERTMANAGER_URL = 'http://127.0.0.1:9093';

/** What a client of the receiver reads of alertscale.yml: where to reach it, its exporter and Alertmanager. */
export interface Endpoints {
  receiver: { listen: string; tokenFile?: string; tokenEnv?: string };
  exporter: { listen: string };
  alertmanager: { url: string };
}

/**
 * The endpoint keys of alertscale.yml, checked as the schema checks them, without the schema.
 * The operator commands (`status`, `why`, `audit`, …) are clients of the receiver: they read these
 * five keys and nothing else, and validating every pool (zod and the whole schema) cost most of
 * their start-up. The receiver validated the whole file when it started; `alertscale check`
 * reports every problem of it.
 */
export function loadEndpoints(file: string): Endpoints {
  const d = parseConfigDocument(readConfigText(file), file);
  const problems: ConfigProblem[] = [];
  const read = reader(d, problems);
  const root = section(d.raw);
  const receiver = section(root.receiver);
  const endpoints: Endpoints = {
    receiver: { listen: read(['receiver', 'listen'], DEFAULT_RECEIVER_LISTEN, listenProblem) },
    exporter: { listen: read(['exporter', 'listen'], DEFAULT_EXPORTER_LISTEN, listenProblem) },
    alertmanager: { url: read(['alertmanager', 'url'], DEFAULT_ALERTMANAGER_URL, urlProblem) },
  };
  const tokenFile = read(['receiver', 'tokenFile'], undefined);
  const tokenEnv = read(['receiver', 'tokenEnv'], undefined);
  if (receiver.tokenFile !== undefined && receiver.tokenEnv !== undefined) {
    problems.push({ file, path: 'receiver', message: 'set tokenFile or tokenEnv, not both', ...position(d.doc, d.lc, ['receiver']) });
  }
  if (problems.length > 0) throw new ConfigError(file, problems);
  // Relative to the file, as the full config resolves it.
  if (tokenFile !== undefined) endpoints.receiver.tokenFile = isAbsolute(tokenFile) ? tokenFile : resolve(dirname(file), tokenFile);
  if (tokenEnv !== undefined) endpoints.receiver.tokenEnv = tokenEnv;
  return endpoints;
}

/** Reads one string key (its default when absent), noting a problem at its line when it is wrong. */
function reader(d: ConfigDocument, problems: ConfigProblem[]) {
  const malformed = new Set<string>();
  return <T extends string | undefined>(path: [string, string], fallback: T, check?: (v: string) => string | undefined): string | T => {
    const [parent, key] = path;
    const problem = (message: string) => problems.push({ file: d.file, path: path.join('.'), message, ...position(d.doc, d.lc, path) });
    const holder = section(d.raw)[parent];
    if (holder !== undefined && (typeof holder !== 'object' || holder === null || Array.isArray(holder))) {
      if (!malformed.has(parent))
        problems.push({ file: d.file, path: parent, message: 'expected a mapping', ...position(d.doc, d.lc, [parent]) });
      malformed.add(parent);
      return fallback;
    }
    const value = section(holder)[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'string') {
      problem(`expected a string, got ${value === null ? 'null' : typeof value}`);
      return fallback;
    }
    const wrong = check?.(value);
    if (wrong) problem(wrong);
    return value;
  };
}

const listenProblem = (v: string) => (isListenAddress(v) ? undefined : 'write host:port, e.g. 127.0.0.1:9460');
const urlProblem = (v: string) => (URL.canParse(v) ? undefined : `not a URL: "${v}"`);
