/**
 * "alertscale — pools": what each pool is doing and why. One `$pool` variable (multi, All) filters
 * every panel. Metric names are the contract in docs/METRICS.md.
 *
 * Aggregation choices: metrics read from Redis (heartbeats, queues) or published by the receiver
 * are the same whichever exporter/receiver replica serves them, so `max by (pool)` de-duplicates
 * replicas; process metrics are per host, so they are summed.
 */
import {
  AnnotationQueryBuilder,
  type DashboardBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PROMETHEUS } from './datasource.js';
import { alertscaleDashboard, barsPanel, row, statePanel, timelinePanel, timeseriesPanel } from './panels.js';
import { withWebRow } from './web.js';

export const POOLS_UID = 'alertscale-pools';
const P = 'pool=~"$pool"';

/** Scale executions, at the exact time the receiver recorded (the series value is a unix time). */
export const SCALE_EVENTS_EXPR = `max by (pool, scale) (alertscale_pool_last_scale_timestamp_seconds{${P}}) * 1000`;

function poolVariable(): QueryVariableBuilder {
  return new QueryVariableBuilder('pool')
    .label('pool')
    .description('Pools from alertscale.yml, as the receiver reports them')
    .datasource(PROMETHEUS)
    .query('label_values(alertscale_pool_replicas, pool)')
    .definition('label_values(alertscale_pool_replicas, pool)')
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: ['All'], value: ['$__all'] })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc);
}

function scaleEvents(): AnnotationQueryBuilder {
  return new AnnotationQueryBuilder()
    .name('Scale events')
    .datasource(PROMETHEUS)
    .enable(true)
    .iconColor('purple')
    .expr(SCALE_EVENTS_EXPR)
    .target(new DataqueryBuilder().refId('Anno').expr(SCALE_EVENTS_EXPR))
    .useValueForTime(true)
    .step('15s')
    .titleFormat('scaled {{scale}}: {{pool}}')
    .tagKeys('pool,scale');
}

export function poolsDashboard(): DashboardBuilder {
  return withWebRow(poolsCore());
}

function poolsCore(): DashboardBuilder {
  return alertscaleDashboard(
    'alertscale — pools',
    POOLS_UID,
    'Worker pools scaled by alertscale: workers, load, decisions and the alerts behind them',
  )
    .withVariable(poolVariable())
    .annotation(scaleEvents())

    .withRow(row('Workers', 100))
    .withPanel(
      timeseriesPanel({
        id: 1,
        title: 'Workers: now, desired, bounds',
        question:
          'How many workers does each pool run, how many did the last decision want, and where are min and ' +
          'max? `processes` is what the exporter counts on the host; `replicas` is what alertscale last knew.',
        width: 12,
        dashed: '.* (min|max)$',
        min: 0,
        queries: [
          { expr: `max by (pool) (alertscale_pool_replicas{${P}})`, legend: '{{pool}} replicas' },
          { expr: `max by (pool) (alertscale_pool_desired_replicas{${P}})`, legend: '{{pool}} desired' },
          { expr: `sum by (pool) (alertscale_pool_processes{${P}})`, legend: '{{pool}} processes' },
          { expr: `max by (pool) (alertscale_pool_min_replicas{${P}})`, legend: '{{pool}} min' },
          { expr: `max by (pool) (alertscale_pool_max_replicas{${P}})`, legend: '{{pool}} max' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 2,
        title: 'Heartbeats: alive and busy workers',
        question: 'How many workers are alive (heartbeat present) and how many of them are busy with a job right now?',
        width: 12,
        min: 0,
        queries: [
          { expr: `max by (pool) (alertscale_workers_alive{${P}})`, legend: '{{pool}} alive' },
          { expr: `max by (pool) (alertscale_workers_busy{${P}})`, legend: '{{pool}} busy' },
        ],
      }),
    )

    .withRow(row('Control', 101))
    .withPanel(
      statePanel({
        id: 3,
        title: 'Paused',
        question: 'Is a pool paused (an Alertmanager silence matches it, so scaling alerts do not reach the receiver)?',
        width: 6,
        height: 5,
        states: { '0': ['active', 'green'], '1': ['paused', 'orange'] },
        queries: [{ expr: `max by (pool) (alertscale_pool_paused{${P}})`, legend: '{{pool}}', instant: true }],
      }),
    )
    .withPanel(
      statePanel({
        id: 4,
        title: 'Mode',
        question: 'Does alertscale execute decisions for the pool, or only record them (`enabled: false`, dry run)?',
        width: 6,
        height: 5,
        states: { '0': ['dry run', 'blue'], '1': ['executes', 'green'] },
        queries: [{ expr: `min by (pool) (alertscale_pool_enabled{${P}})`, legend: '{{pool}}', instant: true }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 5,
        title: 'Cooldown remaining',
        question: 'How long until the pool may scale up / down again? Above zero, a scaling alert is answered with `cooldown`.',
        width: 12,
        height: 5,
        unit: 's',
        min: 0,
        queries: [
          {
            expr: `max by (pool, scale) (alertscale_pool_cooldown_remaining_seconds{${P}})`,
            legend: '{{pool}} {{scale}}',
          },
        ],
      }),
    )

    .withRow(row('Alerts and decisions', 102))
    .withPanel(
      timelinePanel({
        id: 6,
        title: 'Scaling alerts',
        question: 'Which scaling alerts were pending (waiting out `for:`) or firing, and when?',
        width: 8,
        states: { '1': ['pending', 'yellow'], '2': ['firing', 'red'] },
        queries: [
          {
            // Firing counts 2 and pending 1, so one row per alert shows both phases.
            expr: `max by (alertname, pool, scale) (ALERTS{${P}, alertstate="firing"} * 2 or ALERTS{${P}, alertstate="pending"})`,
            legend: '{{alertname}} {{pool}} {{scale}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 7,
        title: 'Decisions by outcome',
        question:
          'What did the receiver decide for each notification: scaled, ' +
          'no_change, at_max, at_min, cooldown, dry_run, paused, failed, rejected?',
        width: 8,
        bars: true,
        min: 0,
        queries: [
          {
            expr: `sum by (pool, outcome) (increase(alertscale_decisions_total{${P}}[$__rate_interval]))`,
            legend: '{{pool}} {{outcome}}',
          },
        ],
      }),
    )
    .withPanel(
      barsPanel({
        id: 8,
        title: 'Decisions in the time range',
        question: 'How many decisions of each outcome were made over the whole time range shown?',
        width: 8,
        min: 0,
        queries: [
          {
            expr: `sum by (outcome) (increase(alertscale_decisions_total{${P}}[$__range]))`,
            legend: '{{outcome}}',
            instant: true,
          },
        ],
      }),
    )

    .withRow(row('Load', 103))
    .withPanel(
      timeseriesPanel({
        id: 9,
        title: 'Queue length',
        question: 'How many jobs wait in each queue that feeds the pool?',
        width: 8,
        min: 0,
        queries: [{ expr: `max by (pool, queue) (alertscale_queue_length{${P}})`, legend: '{{queue}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 10,
        title: 'Oldest job age',
        question:
          'How long has the oldest waiting job waited? (Streams and BullMQ only: ' +
          'a plain list carries no timestamp, so list queues show no data here.)',
        width: 8,
        unit: 's',
        min: 0,
        queries: [{ expr: `max by (pool, queue) (alertscale_queue_oldest_job_age_seconds{${P}})`, legend: '{{queue}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 11,
        title: 'Queue per worker',
        question: 'How many waiting jobs are there per alive worker? The usual signal for queue-driven scale-up.',
        width: 8,
        min: 0,
        queries: [{ expr: `alertscale:queue_per_worker:ratio{${P}}`, legend: '{{queue}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 12,
        title: 'CPU per worker',
        question: 'How busy is each worker process on average? 100% = one core fully used per worker.',
        width: 8,
        unit: 'percentunit',
        min: 0,
        queries: [{ expr: `alertscale:pool_cpu_per_worker:ratio{${P}}`, legend: '{{pool}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 13,
        title: 'Memory per worker',
        question: 'How much resident memory does one worker process use on average?',
        width: 8,
        unit: 'bytes',
        min: 0,
        queries: [{ expr: `alertscale:pool_memory_per_worker:bytes{${P}}`, legend: '{{pool}}' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 14,
        title: 'Utilization (busy ÷ alive)',
        question: 'What share of the alive workers is busy? Near 100% with a growing queue means the pool is too small.',
        width: 8,
        unit: 'percentunit',
        min: 0,
        max: 1,
        queries: [{ expr: `alertscale:pool_utilization:ratio{${P}}`, legend: '{{pool}}' }],
      }),
    );
}
