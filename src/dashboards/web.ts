/**
 * The web pool row of "alertscale — pools": the SLO signals the web rules (group alertscale-web)
 * scale on, read from the app's own metrics (src/demo/web: demo_web_*, summed over gunicorn's
 * workers by the master). Pools without those metrics show no data here.
 */
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { row, timeseriesPanel } from './panels.js';

const P = 'pool=~"$pool"';
const rate = (metric: string) => `rate(${metric}{${P}}[$__rate_interval])`;
const quantile = (q: number) => `histogram_quantile(${q}, sum by (pool, le) (${rate('demo_web_request_duration_seconds_bucket')}))`;

export function withWebRow(dashboard: DashboardBuilder): DashboardBuilder {
  return dashboard
    .withRow(row('Web (latency and errors)', 104))
    .withPanel(
      timeseriesPanel({
        id: 15,
        title: 'Request latency p50 / p95',
        question:
          'How long do requests take, from the client sending them to the answer (waiting for a free ' +
          'worker included)? The web rules scale up above 500 ms p95 and allow scaling down below 250 ms.',
        width: 8,
        unit: 's',
        min: 0,
        queries: [
          { expr: quantile(0.95), legend: '{{pool}} p95' },
          { expr: quantile(0.5), legend: '{{pool}} p50' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 16,
        title: 'Error ratio (5xx ÷ requests)',
        question: 'What share of requests fails with a 5xx? Above 1 % the web rules add a worker.',
        width: 8,
        unit: 'percentunit',
        min: 0,
        queries: [
          {
            expr:
              `sum by (pool) (${rate('demo_web_request_errors_total')}) ` +
              `/ sum by (pool) (${rate('demo_web_request_duration_seconds_count')})`,
            legend: '{{pool}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 17,
        title: 'Web workers: busy and live',
        question:
          'How many gunicorn workers are live, and how many of them are busy on average (busy seconds ' +
          'per second)? Busy over 80 % of live scales up; under 30 % with fast requests scales down.',
        width: 8,
        min: 0,
        queries: [
          { expr: `sum by (pool) (demo_web_workers{${P}})`, legend: '{{pool}} live' },
          { expr: `sum by (pool) (${rate('demo_web_worker_busy_seconds_total')})`, legend: '{{pool}} busy' },
        ],
      }),
    );
}
