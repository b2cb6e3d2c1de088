/**
 * Something went wrong talking to Alertmanager, with enough context to act on it:
 * - `unreachable`: no HTTP answer (connection refused, DNS, timeout);
 * - `http`: Alertmanager answered with an error status (`status`, `body` excerpt);
 * - `invalid_response`: a 2xx whose body is not what API v2 promises.
 */
export class AlertmanagerError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'http' | 'invalid_response',
    readonly method: string,
    /** The request URL, without credentials. */
    readonly url: string,
    message: string,
    readonly status?: number,
    readonly body?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AlertmanagerError';
  }

  /** Alertmanager 0.25 answers an unknown silence id with 500 "silence not found"; later versions with 404. */
  get notFound(): boolean {
    return this.kind === 'http' && (this.status === 404 || /not found/i.test(this.body ?? ''));
  }
}

export function isAlertmanagerError(err: unknown): err is AlertmanagerError {
  return err instanceof AlertmanagerError;
}

/** The start of a response body, one line, for error messages and logs. */
export function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
