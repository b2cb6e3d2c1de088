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

export const unavailable = (what: string, cause: unknown) =>
  new HttpError(503, 'state_unavailable', `${what}: Redis is unreachable; nothing was run (Alertmanager will retry)`, {
    cause: cause instanceof Error ? cause.message : String(cause),
  });

export const poolBusy = (pool: string) =>
  new HttpError(503, 'pool_busy', `pool ${pool} is busy with another scaling action; retry shortly`);

export const notReplicated = (pool: string, why: string) =>
  new HttpError(503, 'not_replicated', `pool ${pool}: ${why}; Alertmanager will retry`);

export const unknownPool = (pool: string, known: string[]) =>
  new HttpError(404, 'unknown_pool', `pool "${pool}" is not defined in alertscale.yml`, { known });

/** The one JSON error shape of every endpoint. */
export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}
