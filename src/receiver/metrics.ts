import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The receiver's own metrics, on a registry of its own (never the global one). */
export function createReceiverMetrics(registry = new Registry()) {
  const registers = [registry];
  return {
    registry,
    webhookRequests: new Counter({
      name: 'alertscale_webhook_requests_total',
      help: 'Alertmanager webhook requests by HTTP status code.',
      labelNames: ['status'] as const,
      registers,
    }),
    alertsReceived: new Counter({
      name: 'alertscale_alerts_received_total',
      help: 'Alerts received in webhooks: scaling (pool and scale labels) or other.',
      labelNames: ['kind'] as const,
      registers,
    }),
    decisions: new Counter({
      name: 'alertscale_decisions_total',
      help: 'Scaling decisions by pool, direction and outcome.',
      labelNames: ['pool', 'scale', 'outcome'] as const,
      registers,
    }),
    executorDuration: new Histogram({
      name: 'alertscale_executor_duration_seconds',
      help: "Run time of scale actions, from the command's start to its end (a scale-down's drain included).",
      labelNames: ['pool', 'scale', 'outcome'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
    replicas: gauge(registers, 'alertscale_pool_replicas', 'Replicas of the pool as alertscale last knew them.'),
    desired: gauge(registers, 'alertscale_pool_desired_replicas', "The last decision's wanted replica count."),
    minReplicas: gauge(registers, 'alertscale_pool_min_replicas', 'Lower bound of the pool from alertscale.yml.'),
    maxReplicas: gauge(registers, 'alertscale_pool_max_replicas', 'Upper bound of the pool from alertscale.yml.'),
    enabled: gauge(registers, 'alertscale_pool_enabled', '1 when the pool executes decisions, 0 in dry run.'),
    paused: gauge(registers, 'alertscale_pool_paused', '1 while an Alertmanager silence matches the pool.'),
    lastScale: new Gauge({
      name: 'alertscale_pool_last_scale_timestamp_seconds',
      help: 'Unix time of the last executed scale action by direction.',
      labelNames: ['pool', 'scale'] as const,
      registers,
    }),
    cooldownRemaining: new Gauge({
      name: 'alertscale_pool_cooldown_remaining_seconds',
      help: 'Seconds until the direction may act again.',
      labelNames: ['pool', 'scale'] as const,
      registers,
    }),
  };
}

function gauge(registers: Registry[], name: string, help: string) {
  return new Gauge({ name, help, labelNames: ['pool'] as const, registers });
}

export type ReceiverMetrics = ReturnType<typeof createReceiverMetrics>;
