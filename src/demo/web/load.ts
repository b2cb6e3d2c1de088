import { setTimeout as sleep } from 'node:timers/promises';
import { dueBy, msUntilDue } from '../rate.js';

/** An open-loop HTTP load: `requests` at `rate` per second, whatever the server's pace (as users arrive). */
export interface HttpLoadPlan {
  url: URL;
  requests: number;
  /** Requests started per second. */
  rate: number;
  /** How long each request asks the app to work (`?ms=`). */
  workMs: number;
  /** Share of requests that ask for a 500 (`?fail=1`), spread evenly: 0.05 = every 20th. */
  failRatio: number;
  /** Requests open at once; a request due while this many are open is skipped and counted. */
  maxInFlight: number;
  timeoutMs: number;
}

export interface HttpLoadResult {
  sent: number;
  ok: number;
  /** Answers with a 5xx status. */
  errors: number;
  /** No answer: refused, reset or timed out. */
  failed: number;
  /** Not sent because maxInFlight requests were open. */
  skipped: number;
  elapsedMs: number;
  /** Client-side latency quantiles of answered requests, ms. */
  p50Ms: number;
  p95Ms: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The target URL, refused unless it is http on loopback: a load generator must never leave the host. */
export function loopbackUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--url ${JSON.stringify(text)} is not a URL; write e.g. http://127.0.0.1:8000/work`);
  }
  if (url.protocol !== 'http:') throw new Error(`--url ${text}: only http:// is supported`);
  if (!LOOPBACK.has(url.hostname))
    throw new Error(`--url ${text}: the host must be loopback (127.0.0.1, localhost, [::1]), not ${url.hostname}`);
  return url;
}

/** Whether request n (1-based) asks to fail, so that ⌊n × ratio⌋ of the first n do. */
export function failsAt(n: number, ratio: number): boolean {
  return Math.floor(n * ratio) > Math.floor((n - 1) * ratio);
}

/** The URL of request n: the app's work and failure parameters added to the plan's URL. */
export function requestUrl(plan: HttpLoadPlan, n: number): string {
  const url = new URL(plan.url);
  url.searchParams.set('ms', String(plan.workMs));
  if (failsAt(n, plan.failRatio)) url.searchParams.set('fail', '1');
  return url.toString();
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/**
 * Sends the plan's requests on schedule, each with `X-Request-Start: t=<epoch ms>` so the app can
 * count the time spent waiting for a worker, and waits for the open ones to finish or time out.
 */
export async function runHttpLoad(
  plan: HttpLoadPlan,
  onProgress: (done: number) => void = () => {},
  now = Date.now,
): Promise<HttpLoadResult> {
  const result = { sent: 0, ok: 0, errors: 0, failed: 0, skipped: 0 };
  const latencies: number[] = [];
  const open = new Set<Promise<void>>();
  const start = now();
  let due = 0;
  const one = async (n: number) => {
    const sent = now();
    try {
      const res = await fetch(requestUrl(plan, n), {
        headers: { 'x-request-start': `t=${sent}` },
        signal: AbortSignal.timeout(plan.timeoutMs),
      });
      await res.arrayBuffer();
      latencies.push(now() - sent);
      if (res.status >= 500) result.errors++;
      else result.ok++;
    } catch {
      result.failed++;
    }
  };
  while (due < plan.requests) {
    const elapsed = now() - start;
    const next = dueBy(elapsed, plan.requests, plan.rate);
    if (next <= due) {
      await sleep(Math.max(1, msUntilDue(due, elapsed, plan.rate)));
      continue;
    }
    for (let n = due + 1; n <= next; n++) {
      if (open.size >= plan.maxInFlight) {
        result.skipped++;
        continue;
      }
      result.sent++;
      const p: Promise<void> = one(n).finally(() => open.delete(p));
      open.add(p);
    }
    due = next;
    onProgress(due);
  }
  await Promise.all(open);
  latencies.sort((a, b) => a - b);
  return { ...result, elapsedMs: now() - start, p50Ms: quantile(latencies, 0.5), p95Ms: quantile(latencies, 0.95) };
}

export function formatHttpLoadSummary(plan: HttpLoadPlan, r: HttpLoadResult): string {
  return [
    `sent ${r.sent} request(s) of ${plan.workMs} ms to ${plan.url.origin}${plan.url.pathname} ` +
      `at ${plan.rate}/s in ${(r.elapsedMs / 1000).toFixed(2)} s`,
    `answered ${r.ok} ok, ${r.errors} 5xx; ${r.failed} without an answer; ${r.skipped} skipped (over ${plan.maxInFlight} open)`,
    `client latency p50 ${Math.round(r.p50Ms)} ms, p95 ${Math.round(r.p95Ms)} ms`,
  ].join('\n');
}
