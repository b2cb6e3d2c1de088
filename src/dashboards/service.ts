/**
 * "alertscale — receiver & exporter": is the machinery healthy? Webhooks and executions on the
 * receiver side, scrape cost and source health on the exporter side, and the host both run on.
 */
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { alertscaleDashboard, row, timelinePanel, timeseriesPanel } from './panels.js';

export const SERVICE_UID = 'alertscale-service';

const quantile = (q: number) => ({
  expr: `histogram_quantile(${q}, sum by (le, pool) (rate(alertscale_executor_duration_seconds_bucket[$__rate_interval])))`,
  legend: `{{pool}} p${Math.round(q * 100)}`,
});

export function serviceDashboard(): DashboardBuilder {
  return alertscaleDashboard(
    'alertscale — receiver & exporter',
    SERVICE_UID,
    'Health of the alertscale receiver and exporter, and of the host they measure',
  )
    .withRow(row('Receiver', 100))
    .withPanel(
      timeseriesPanel({
        id: 1,
        title: 'Webhook requests by status',
        question:
          'Is Alertmanager reaching the receiver, and what does it answer? 2xx accepted; 5xx: ' +
          'Alertmanager retries at once with backoff; 4xx: only again at its next group_interval.',
        width: 12,
        unit: 'reqps',
        min: 0,
        queries: [{ expr: 'sum by (status) (rate(alertscale_webhook_requests_total[$__rate_interval]))', legend: '{{status}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 2,
        title: 'Alerts received by kind',
        question: 'How many alerts arrive in webhooks, and how many of them are scaling alerts (with `pool` and `scale` labels)?',
        width: 12,
        unit: 'short',
        min: 0,
        queries: [{ expr: 'sum by (kind) (rate(alertscale_alerts_received_total[$__rate_interval]))', legend: '{{kind}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 3,
        title: 'Executor duration',
        question: 'How long do scale commands take (p50, p90, p99 per pool)? Compare with the executor timeout.',
        width: 12,
        unit: 's',
        min: 0,
        queries: [quantile(0.5), quantile(0.9), quantile(0.99)],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 4,
        title: 'Executions by outcome',
        question: 'How many scale commands ran, and how did they end?',
        width: 12,
        bars: true,
        min: 0,
        queries: [
          {
            expr: 'sum by (pool, outcome) (increase(alertscale_executor_duration_seconds_count[$__rate_interval]))',
            legend: '{{pool}} {{outcome}}',
          },
        ],
      }),
    )

    .withRow(row('Exporter', 101))
    .withPanel(
      timeseriesPanel({
        id: 5,
        title: 'Exporter scrape duration',
        question: 'How long does one exporter scrape take? It should stay well under the scrape interval.',
        width: 8,
        unit: 's',
        min: 0,
        queries: [{ expr: 'max by (instance) (alertscale_exporter_scrape_duration_seconds)', legend: '{{instance}}' }],
      }),
    )
    .withPanel(
      timelinePanel({
        id: 6,
        title: 'Exporter sources up',
        question: 'Could the exporter read each source (host, processes, heartbeats, each queue) on its last scrape?',
        width: 8,
        states: { '0': ['down', 'red'], '1': ['up', 'green'] },
        queries: [{ expr: 'min by (source) (alertscale_exporter_source_up)', legend: '{{source}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 7,
        title: 'Collector errors',
        question: 'Which sources failed to read, and how often?',
        width: 8,
        bars: true,
        min: 0,
        queries: [
          {
            expr: 'sum by (source) (increase(alertscale_exporter_collector_errors_total[$__rate_interval]))',
            legend: '{{source}}',
          },
        ],
      }),
    )

    .withRow(row('Host', 102))
    .withPanel(
      timeseriesPanel({
        id: 8,
        title: 'Host CPU',
        question: 'How busy are the host CPUs, in total and by mode?',
        width: 8,
        unit: 'percentunit',
        min: 0,
        max: 1,
        queries: [
          { expr: 'alertscale:host_cpu_busy:ratio', legend: '{{instance}} busy' },
          {
            expr:
              'sum by (instance, mode) (rate(alertscale_host_cpu_seconds_total{mode!="idle"}[$__rate_interval])) ' +
              '/ on (instance) group_left () max by (instance) (alertscale_host_cpus)',
            legend: '{{instance}} {{mode}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 9,
        title: 'Host memory',
        question: 'How much memory is available (MemAvailable) out of the total?',
        width: 8,
        unit: 'bytes',
        min: 0,
        dashed: '.* total$',
        queries: [
          { expr: 'alertscale_host_memory_available_bytes', legend: '{{instance}} available' },
          { expr: 'alertscale_host_memory_total_bytes', legend: '{{instance}} total' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 10,
        title: 'Host load',
        question: 'What are the load averages compared with the number of CPUs?',
        width: 8,
        min: 0,
        dashed: '.* CPUs$',
        queries: [
          { expr: 'alertscale_host_load1', legend: '{{instance}} load1' },
          { expr: 'alertscale_host_load5', legend: '{{instance}} load5' },
          { expr: 'alertscale_host_load15', legend: '{{instance}} load15' },
          { expr: 'alertscale_host_cpus', legend: '{{instance}} CPUs' },
        ],
      }),
    );
}
