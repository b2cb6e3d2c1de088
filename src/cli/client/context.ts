import { existsSync, readFileSync } from 'node:fs';
// Not config/index.js: that loads the schema (zod), which these commands do not need (endpoints.ts says why).
import { loadEndpoints, type Endpoints } from '../../config/endpoints.js';
import { ConfigError, formatProblem } from '../../config/errors.js';
import { parseListen } from '../../config/listen.js';
import { readToken } from '../../config/token.js';
import { CliError } from './errors.js';
import { createApiClient, type ApiClient } from './http.js';

/** The options every operator command takes (see `withApi`). */
export interface ApiOptions {
  config: string;
  url?: string;
  tokenFile?: string;
  /** Milliseconds (parsed by `withApi`). */
  timeout?: number;
}

/** What an operator command talks to. */
export interface OpsContext {
  api: ApiClient;
  configFile: string;
  exporterUrl?: string;
  alertmanagerUrl?: string;
}

/** `http://host:port` for a listen address; a wildcard listen is reached on loopback. */
export function listenUrl(listen: string): string {
  const { host, port } = parseListen(listen);
  const reach = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reach.includes(':') ? `[${reach}]` : reach}:${port}`;
}

/** undefined only when `--url` was given and there is no config file. */
function loadOpsEndpoints(opts: ApiOptions): Endpoints | undefined {
  // With --url a local config is optional: an operator may talk to a remote receiver.
  if (opts.url && !existsSync(opts.config)) return undefined;
  try {
    return loadEndpoints(opts.config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const [first, ...more] = err.problems;
    const problem = first ? formatProblem(first).trim() : err.message;
    if (first && /cannot read the configuration/.test(first.message)) {
      throw new CliError(`${problem}; pass --config FILE (or set ALERTSCALE_CONFIG), or --url to reach a receiver without a local config`);
    }
    const rest = more.length > 0 ? ` (and ${more.length} more problem(s))` : '';
    throw new CliError(`${problem}${rest}; see every problem with: alertscale check --config ${opts.config}`);
  }
}

function loadToken(opts: ApiOptions, endpoints: Endpoints | undefined): string | undefined {
  if (opts.tokenFile) {
    let token: string;
    try {
      token = readFileSync(opts.tokenFile, 'utf8').trim();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
      throw new CliError(`--token-file ${opts.tokenFile}: ${why}; pass the file the receiver reads its token from (receiver.tokenFile)`);
    }
    if (!token) throw new CliError(`--token-file ${opts.tokenFile} is empty; pass the file the receiver reads its token from`);
    return token;
  }
  if (!endpoints) return undefined;
  try {
    return readToken(endpoints.receiver);
  } catch (err) {
    throw new CliError(`${(err as Error).message} (from ${opts.config}); fix it there or pass --token-file FILE`);
  }
}

export function resolveContext(opts: ApiOptions): OpsContext {
  const endpoints = loadOpsEndpoints(opts);
  const baseUrl = opts.url ?? listenUrl(endpoints!.receiver.listen);
  return {
    api: createApiClient({ baseUrl, token: loadToken(opts, endpoints), configFile: opts.config, timeoutMs: opts.timeout }),
    configFile: opts.config,
    exporterUrl: endpoints ? listenUrl(endpoints.exporter.listen) : undefined,
    alertmanagerUrl: endpoints?.alertmanager.url,
  };
}
