/**
 * What replay reads from Prometheus: its running settings (evaluation interval, rule files,
 * external labels, resend delay, retention, each group's evaluation phase), one query_range per
 * rule at the evaluation interval, and the pool's real processes. Errors are one line with a fix.
 */
import { parse } from 'yaml';
import { CliError, networkReason } from '../cli/client/errors.js';
import { parsePrometheusDuration } from '../config/index.js';
import { createPrometheusApi, PromqlError, type PrometheusApi } from '../dashboards/prometheus-api.js';

/** Prometheus answers at most 11,000 points per series; longer windows are asked in pieces. */
const MAX_POINTS = 11_000;

export interface PrometheusSettings {
  evaluationIntervalMs: number;
  ruleFiles: string[];
  externalLabels: Record<string, string>;
  resendDelayMs: number;
  retentionMs?: number;
  /** Group name → evaluation phase (ms past a multiple of its interval), for groups it runs. */
  phases: Map<string, number>;
}

export interface PrometheusSource {
  url: string;
  api: PrometheusApi;
  settings(): Promise<PrometheusSettings>;
  /** Values of `expr` at `start + k·step` (ms), series by series. */
  range(expr: string, start: number, end: number, step: number): Promise<{ labels: Record<string, string>; points: Map<number, number> }[]>;
  /** Value of each series at `at`. */
  instant(expr: string, at: number): Promise<{ labels: Record<string, string>; value: number }[]>;
  /** Does any series match `selector` in [start, end]? */
  hasSeries(selector: string, start: number, end: number): Promise<boolean>;
}

export function createPrometheusSource(url: string, timeoutMs = 30_000): PrometheusSource {
  const api = createPrometheusApi({ baseUrl: url, timeoutMs });
  const guard = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw explain(url, what, err);
    }
  };
  return {
    url,
    api,
    settings: () => guard('its settings', () => readSettings(api)),
    async range(expr, start, end, step) {
      const bySeries = new Map<string, { labels: Record<string, string>; points: Map<number, number> }>();
      for (let from = start; from <= end; from += step * MAX_POINTS) {
        const to = Math.min(end, from + step * (MAX_POINTS - 1));
        const result = await guard(`query_range ${expr}`, () => api.queryRange(expr, from / 1000, to / 1000, step / 1000));
        for (const series of result) {
          const key = JSON.stringify(series.metric);
          const entry = bySeries.get(key) ?? { labels: series.metric, points: new Map<number, number>() };
          for (const [t, v] of series.values ?? []) entry.points.set(Math.round(t * 1000), Number(v));
          bySeries.set(key, entry);
        }
      }
      return [...bySeries.values()];
    },
    async instant(expr, at) {
      const result = await guard(`query ${expr}`, () => api.query(expr, at / 1000));
      return result.filter((s) => s.value).map((s) => ({ labels: s.metric, value: Number(s.value![1]) }));
    },
    async hasSeries(selector, start, end) {
      return (await guard(`series ${selector}`, () => api.series(selector, start / 1000, end / 1000))).length > 0;
    },
  };
}

async function readSettings(api: PrometheusApi): Promise<PrometheusSettings> {
  const [config, flags, runtime, rules] = await Promise.all([
    api.get<{ yaml: string }>('/api/v1/status/config'),
    api.get<Record<string, string>>('/api/v1/status/flags'),
    api.get<{ storageRetention?: string }>('/api/v1/status/runtimeinfo'),
    api.get<{ groups: { name: string; interval: number; lastEvaluation: string }[] }>('/api/v1/rules', [['type', 'alert']]),
  ]);
  const parsed = (parse(config.yaml) ?? {}) as {
    global?: { evaluation_interval?: string; external_labels?: Record<string, string> };
    rule_files?: string[];
  };
  const ms = (text: string | undefined, fallback: number) => (text ? (parsePrometheusDuration(text) ?? fallback) : fallback);
  const phases = new Map<string, number>();
  for (const g of rules.groups) {
    const last = Date.parse(g.lastEvaluation);
    const interval = g.interval * 1000;
    // A group that never ran reports year 1: no phase to learn.
    if (Number.isFinite(last) && last > 0 && interval > 0) phases.set(g.name, ((last % interval) + interval) % interval);
  }
  const retention = runtime.storageRetention?.split(/\s+or\s+/)[0]?.trim();
  return {
    evaluationIntervalMs: ms(parsed.global?.evaluation_interval, 60_000),
    ruleFiles: parsed.rule_files ?? [],
    externalLabels: parsed.global?.external_labels ?? {},
    resendDelayMs: ms(flags['rules.alert.resend-delay'], 60_000),
    ...(retention && parsePrometheusDuration(retention) !== undefined ? { retentionMs: parsePrometheusDuration(retention)! } : {}),
    phases,
  };
}

function explain(url: string, what: string, err: unknown): Error {
  if (err instanceof PromqlError) return new CliError(`Prometheus at ${url} refused ${what}: ${err.message}`);
  const message = (err as Error).message ?? String(err);
  if (/unreachable/.test(message)) {
    return new CliError(
      `cannot reach Prometheus at ${url} (${networkReason((err as { cause?: unknown }).cause ?? err)}); ` +
        'start it (alertscale stack) or pass --prometheus URL',
    );
  }
  return new CliError(`Prometheus at ${url} failed on ${what}: ${message}`);
}
