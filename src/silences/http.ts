import type { z } from 'zod';
import { AlertmanagerError, excerpt } from './errors.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface Endpoint {
  /** Base URL without credentials and without a trailing slash (may carry a route prefix). */
  base: string;
  /** `Authorization` header built from credentials in the configured URL, if any. */
  authorization?: string;
}

/**
 * `http://user:pass@am:9093/prefix/` → base `http://am:9093/prefix`, Basic auth. fetch refuses URLs
 * with credentials, and they must never appear in error messages or logs.
 */
export function endpointOf(url: string): Endpoint {
  const parsed = new URL(url);
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  const base = parsed.toString().replace(/\/+$/, '');
  return user || password ? { base, authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } : { base };
}

export interface RequestSpec<T extends z.ZodType> {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  body?: unknown;
  /** Schema of a successful answer's JSON; omitted when the body does not matter. */
  schema?: T;
}

/** One API v2 call with a deadline; every failure becomes an AlertmanagerError naming the URL. */
export async function request<T extends z.ZodType>(
  endpoint: Endpoint,
  fetch: FetchLike,
  timeoutMs: number,
  spec: RequestSpec<T>,
): Promise<z.infer<T>> {
  const url = `${endpoint.base}${spec.path}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (spec.body !== undefined) headers['content-type'] = 'application/json';
  if (endpoint.authorization) headers.authorization = endpoint.authorization;
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method: spec.method,
      headers,
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    const reason = describeFetchError(err, timeoutMs);
    throw new AlertmanagerError(
      'unreachable',
      spec.method,
      url,
      `Alertmanager at ${endpoint.base} is unreachable (${spec.method} ${spec.path}: ${reason})`,
      undefined,
      undefined,
      { cause: err },
    );
  }
  if (!res.ok) {
    const body = excerpt(text);
    throw new AlertmanagerError(
      'http',
      spec.method,
      url,
      `Alertmanager answered ${spec.method} ${spec.path} with ${res.status}: ${body || '(empty body)'}`,
      res.status,
      body,
    );
  }
  if (!spec.schema) return undefined as z.infer<T>;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid(spec, url, res.status, text, 'the body is not JSON');
  }
  const parsed = spec.schema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw invalid(spec, url, res.status, text, problems);
  }
  return parsed.data;
}

function invalid(spec: RequestSpec<z.ZodType>, url: string, status: number, text: string, problem: string): AlertmanagerError {
  return new AlertmanagerError(
    'invalid_response',
    spec.method,
    url,
    `Alertmanager's answer to ${spec.method} ${spec.path} is not API v2 (${problem}); is alertmanager.url really Alertmanager?`,
    status,
    excerpt(text),
  );
}

function describeFetchError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  // undici wraps the socket error: "fetch failed" with cause ECONNREFUSED etc.
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return err instanceof Error ? err.message : String(err);
}
