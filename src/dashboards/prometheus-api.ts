/**
 * The four Prometheus HTTP API calls the query checker makes. A PromQL problem (HTTP 400/422 with
 * `status: "error"`) is a PromqlError the checker reports; anything else (connection refused,
 * timeout, 5xx) throws, because then the check itself could not run.
 */

export class PromqlError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = 'PromqlError';
  }
}

export interface Series {
  metric: Record<string, string>;
  /** Range query samples: [unix seconds, value text]. */
  values?: [number, string][];
  /** Instant query sample. */
  value?: [number, string];
}

export interface PrometheusApi {
  /** Instant query at `time` (unix seconds): the series returned. */
  query(expr: string, time: number): Promise<Series[]>;
  /** Range query: the series that have at least one sample in [start, end]. */
  queryRange(expr: string, start: number, end: number, step: number): Promise<Series[]>;
  /** Series matching a selector in [start, end]. */
  series(match: string, start: number, end: number): Promise<Series[]>;
  labelValues(label: string, match: string | undefined, start: number, end: number): Promise<string[]>;
  labelNames(match: string | undefined, start: number, end: number): Promise<string[]>;
  /** Any other API path (`/api/v1/status/config`, `/api/v1/rules`): its `data`. */
  get<T>(path: string, params?: [string, string][]): Promise<T>;
}

export interface PrometheusApiDeps {
  baseUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export function createPrometheusApi({ baseUrl, fetch: fetchImpl = fetch, timeoutMs = 10_000 }: PrometheusApiDeps): PrometheusApi {
  const root = baseUrl.replace(/\/+$/, '');

  /**
   * POST with a form body keeps long dashboard queries out of URL length limits (Grafana does the
   * same); /api/v1/label/<name>/values only answers GET.
   */
  async function call<T>(path: string, params: [string, string][], method: 'GET' | 'POST' = 'POST'): Promise<T> {
    const form = new URLSearchParams(params).toString();
    let res: Response;
    try {
      res = await fetchImpl(method === 'GET' ? `${root}${path}?${form}` : `${root}${path}`, {
        method,
        ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new Error(`Prometheus at ${root} unreachable (${path}): ${(err as Error).message}`, { cause: err });
    }
    const text = await res.text();
    let body: { status?: string; data?: unknown; errorType?: string; error?: string };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new Error(`Prometheus at ${root} answered ${path} with HTTP ${res.status} and no JSON: ${text.slice(0, 200)}`);
    }
    if (body.status === 'success') return body.data as T;
    if ((res.status === 400 || res.status === 422) && body.status === 'error') {
      throw new PromqlError(body.errorType ?? 'error', body.error ?? 'unknown error');
    }
    throw new Error(`Prometheus at ${root} answered ${path} with HTTP ${res.status}: ${body.error ?? text.slice(0, 200)}`);
  }

  const s = (n: number) => String(n);
  return {
    get: (path, params = []) => call(path, params, 'GET'),
    async query(expr, time) {
      const data = await call<{ resultType: string; result: unknown }>('/api/v1/query', [
        ['query', expr],
        ['time', s(time)],
      ]);
      // Scalars and strings are a single value, not series; count them as one unnamed series.
      return Array.isArray(data.result) ? (data.result as Series[]) : [{ metric: {} }];
    },
    async queryRange(expr, start, end, step) {
      const data = await call<{ result: Series[] }>('/api/v1/query_range', [
        ['query', expr],
        ['start', s(start)],
        ['end', s(end)],
        ['step', s(step)],
      ]);
      return data.result;
    },
    async series(match, start, end) {
      const data = await call<Record<string, string>[]>('/api/v1/series', [
        ['match[]', match],
        ['start', s(start)],
        ['end', s(end)],
      ]);
      return data.map((metric) => ({ metric }));
    },
    labelValues(label, match, start, end) {
      return call<string[]>(
        `/api/v1/label/${encodeURIComponent(label)}/values`,
        [...(match ? [['match[]', match] as [string, string]] : []), ['start', s(start)], ['end', s(end)]],
        'GET',
      );
    },
    labelNames(match, start, end) {
      return call<string[]>('/api/v1/labels', [
        ...(match ? [['match[]', match] as [string, string]] : []),
        ['start', s(start)],
        ['end', s(end)],
      ]);
    },
  };
}
