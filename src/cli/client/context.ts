import { existsSync, readFileSync } from 'node:fs';
import { ConfigError, formatProblem, loadConfig, readToken, type Config } from '../../config/index.js';
import { parseListen } from '../../config/listen.js';
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
  /** undefined only when `--url` was given and there is no config file. */
  config?: Config;
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

function loadOpsConfig(opts: ApiOptions): Config | undefined {
  // With --url a local config is optional: an operator may talk to a remote receiver.
  if (opts.url && !existsSync(opts.config)) return undefined;
  try {
    return loadConfig(opts.config);
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

function loadToken(opts: ApiOptions, config: Config | undefined): string | undefined {
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
  if (!config) return undefined;
  try {
    return readToken(config.receiver);
  } catch (err) {
    throw new CliError(`${(err as Error).message} (from ${opts.config}); fix it there or pass --token-file FILE`);
  }
}

export function resolveContext(opts: ApiOptions): OpsContext {
  const config = loadOpsConfig(opts);
  const baseUrl = opts.url ?? listenUrl(config!.receiver.listen);
  return {
    api: createApiClient({ baseUrl, token: loadToken(opts, config), configFile: opts.config, timeoutMs: opts.timeout }),
    config,
    configFile: opts.config,
    exporterUrl: config ? listenUrl(config.exporter.listen) : undefined,
    alertmanagerUrl: config?.alertmanager.url,
  };
}
