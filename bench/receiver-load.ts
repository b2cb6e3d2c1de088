/**
 * One autocannon measurement (programmatic API): `connections` keep-alive connections POST bodies
 * from `nextBody` for `seconds`. Latency is taken from autocannon's per-response event in
 * fractional ms for every response, 2xx or not (autocannon's own histogram keeps whole ms of 2xx
 * only, too coarse beside a sub-millisecond floor); each answer is tallied by status and outcome.
 */
import { createRequire } from 'node:module';

interface AutocannonResult {
  errors: number;
  timeouts: number;
}
interface AutocannonRequest {
  setupRequest?: (req: Record<string, unknown>, context: Record<string, unknown>) => Record<string, unknown>;
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}
interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): void;
}
type Autocannon = (
  opts: Record<string, unknown> & { requests?: AutocannonRequest[] },
  done: (err: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

// autocannon ships no types; this is the part of its API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadOptions {
  url: string;
  token?: string;
  connections: number;
  seconds: number;
  nextBody: () => string;
  /** Every answer's body, e.g. to follow the state a scale left behind. */
  onAnswer?: (status: number, body: string) => void;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** Answers by `200 <outcome>` or `<status> <error code>`. */
  answers: Record<string, number>;
  non2xx: number;
  /** Requests without an answer (socket errors, timeouts). */
  errors: number;
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  const answers: Record<string, number> = {};
  let non2xx = 0;
  const started = performance.now();
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${opts.url}/v1/alertmanager`,
        method: 'POST',
        connections: opts.connections,
        pipelining: 1,
        duration: opts.seconds,
        timeout: 10,
        headers: { 'content-type': 'application/json', ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}) },
        requests: [
          {
            setupRequest: (req) => ({ ...req, body: opts.nextBody() }),
            onResponse: (status, body) => {
              const key =
                status === 200
                  ? `200 ${/"outcome":"(\w+)"/.exec(body)?.[1] ?? 'ok'}`
                  : `${status} ${/"code":"(\w+)"/.exec(body)?.[1] ?? '?'}`;
              answers[key] = (answers[key] ?? 0) + 1;
              if (status < 200 || status > 299) non2xx++;
              opts.onAnswer?.(status, body);
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  const elapsedS = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    rps: latencies.length / elapsedS,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    answers,
    non2xx,
    errors: result.errors,
  };
}

/** Nearest-rank percentile of sorted values (NaN when empty). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
