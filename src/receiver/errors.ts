import type { Config } from '../config/schema.js';
import { isRedisUnavailable } from '../state/index.js';

/**
 * An error that knows its consequence: the HTTP status and a stable code. 5xx only where
 * Alertmanager should retry (Redis away, pool busy); 4xx where retrying cannot help.
 */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 409 | 413 | 422 | 500 | 502 | 503,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/**
 * The one mapping of a failure onto an answer: its own HttpError, or Redis unreachable → 503
 * `state_unavailable` (nothing ran, Alertmanager retries); undefined for anything else (a bug: 500).
 * `what` is the request, for the message.
 */
export function httpErrorOf(err: unknown, what: string): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (!isRedisUnavailable(err)) return undefined;
  return new HttpError(503, 'state_unavailable', `${what}: Redis is unreachable; nothing was run (Alertmanager will retry)`, {
    cause: (err as Error).message,
  });
}

export const poolBusy = (pool: string) =>
  new HttpError(503, 'pool_busy', `pool ${pool} is busy with another scaling action; retry shortly`);

export const notReplicated = (pool: string, why: string) =>
  new HttpError(503, 'not_replicated', `pool ${pool}: ${why}; Alertmanager will retry`);

/** A `:pool` route parameter, known to alertscale.yml or answered 404 with the known pools (own keys only: `toString` is not a pool). */
export function knownPool(config: Pick<Config, 'pools'>, name: string): string {
  if (!Object.hasOwn(config.pools, name))
    throw new HttpError(404, 'unknown_pool', `pool "${name}" is not defined in alertscale.yml`, { known: Object.keys(config.pools) });
  return name;
}

/** The one JSON error shape of every endpoint. */
export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}
