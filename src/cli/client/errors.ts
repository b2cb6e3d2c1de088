import { oneLine } from '../render/format.js';

/**
 * A failure the operator can act on: one line, with the fix. `alertscale` prints it as
 * `alertscale: <message>` and exits with `exitCode` (1: the command failed).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(oneLine(message));
    this.name = 'CliError';
  }
}

/** Which server a request went to, and how an operator starts it. */
export interface Endpoint {
  /** `the receiver`, `the exporter`, `Alertmanager`. */
  name: string;
  url: string;
  /** e.g. `start it with: alertscale receiver --config alertscale.yml` */
  startHint: string;
}

/** The network-level reason a request never got an HTTP answer: `ECONNREFUSED`, `timeout`, … */
export function networkReason(err: unknown): string {
  const e = err as { name?: string; code?: string; cause?: { code?: string; message?: string; name?: string }; message?: string };
  if (e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError') return 'timeout';
  return e?.cause?.code ?? e?.code ?? oneLine(e?.cause?.message ?? e?.message ?? String(err));
}

export function unreachable(endpoint: Endpoint, err: unknown, timeoutMs: number): CliError {
  const reason = networkReason(err);
  if (reason === 'timeout') {
    return new CliError(
      `${endpoint.name} at ${endpoint.url} did not answer within ${timeoutMs / 1000}s; ` +
        `check that it is healthy (curl ${endpoint.url}/-/ready or /readyz) or pass --timeout`,
    );
  }
  return new CliError(`cannot reach ${endpoint.name} at ${endpoint.url} (${reason}); is it running? ${endpoint.startHint}`);
}

export interface RequestContext {
  endpoint: Endpoint;
  method: string;
  path: string;
  configFile: string;
  tokenSent: boolean;
}

/** The receiver's `{error: {code, message, details}}` (or anything else) as one line with a fix. */
export function apiError(ctx: RequestContext, status: number, body: unknown): CliError {
  const { endpoint, configFile } = ctx;
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (!error || typeof error.code !== 'string') {
    return new CliError(
      `${endpoint.name} at ${endpoint.url} answered ${ctx.method} ${ctx.path} with HTTP ${status} and no alertscale error body; ` +
        `is ${endpoint.url} the receiver's address (receiver.listen in ${configFile}, or --url)?`,
    );
  }
  const message = oneLine(String(error.message ?? error.code));
  const details = (error.details ?? {}) as Record<string, unknown>;
  switch (error.code) {
    case 'unauthorized':
      return ctx.tokenSent
        ? new CliError(
            `${endpoint.name} at ${endpoint.url} rejected the bearer token (${message}); use the token the ` +
              `receiver reads (receiver.tokenFile or receiver.tokenEnv in ${configFile}) or pass --token-file FILE`,
          )
        : new CliError(
            `${endpoint.name} at ${endpoint.url} wants a bearer token; ` +
              `set receiver.tokenFile or receiver.tokenEnv in ${configFile} or pass --token-file FILE`,
          );
    case 'unknown_pool': {
      const known = Array.isArray(details.known) ? ` (pools: ${details.known.join(', ') || 'none'})` : '';
      return new CliError(`${message}${known}; list the pools with: alertscale status`);
    }
    case 'not_found':
      return new CliError(
        `${endpoint.name} at ${endpoint.url} has no ${ctx.method} ${ctx.path}; it is older than this CLI: ` +
          `restart it from this version (alertscale receiver --config ${configFile})`,
      );
    case 'out_of_bounds':
      return new CliError(`${message}; pick a count within the pool's bounds, or change min/max in ${configFile} and restart the receiver`);
    case 'alertmanager_unreachable':
      // The receiver's message already says what to do when it is the one this CLI knows.
      return new CliError(
        /alertmanager\.url/.test(message) ? message : `${message}; check that Alertmanager is running at alertmanager.url of ${configFile}`,
      );
    case 'alertmanager_error':
      return new CliError(`Alertmanager refused the change: ${message}; see the Alertmanager log`);
    case 'state_unavailable':
      return new CliError(`${message}; check that Redis (redis.url in ${configFile}) is running`);
    case 'internal': {
      const id = typeof details.requestId === 'string' ? ` (request ${details.requestId})` : '';
      return new CliError(`${endpoint.name} failed${id}: ${message}`);
    }
    default:
      return new CliError(`${endpoint.name} refused ${ctx.method} ${ctx.path} (HTTP ${status} ${error.code}): ${message}`);
  }
}
