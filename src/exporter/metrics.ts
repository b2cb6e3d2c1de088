import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Every metric the exporter publishes (names: docs/METRICS.md), on one dedicated registry.
 *
 * prom-client calls each metric's `collect()` at the start of `registry.metrics()`, all of them
 * synchronously before awaiting any; each one is given `refresh`, which returns the one promise of
 * the scrape in progress, so the sources are read once per scrape and every metric is written
 * before any is serialized.
 */
export function createMetrics(registry: Registry, refresh: () => Promise<void>) {
  const registers = [registry];
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers, collect: refresh });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers, collect: refresh });

  return {
    hostCpuSeconds: counter('alertscale_host_cpu_seconds_total', 'CPU time summed over all CPUs by mode, from /proc/stat.', ['mode']),
    hostCpus: gauge('alertscale_host_cpus', 'Online CPUs.'),
    hostMemoryTotal: gauge('alertscale_host_memory_total_bytes', 'MemTotal from /proc/meminfo.'),
    hostMemoryAvailable: gauge('alertscale_host_memory_available_bytes', 'MemAvailable from /proc/meminfo.'),
    hostLoad1: gauge('alertscale_host_load1', '1-minute load average.'),
    hostLoad5: gauge('alertscale_host_load5', '5-minute load average.'),
    hostLoad15: gauge('alertscale_host_load15', '15-minute load average.'),

    poolProcesses: gauge('alertscale_pool_processes', "Processes matching the pool's processes.match (and user).", ['pool']),
    poolCpuSeconds: counter('alertscale_pool_cpu_seconds_total', "CPU seconds of the pool's processes; never goes down when one exits.", [
      'pool',
    ]),
    poolRss: gauge('alertscale_pool_resident_memory_bytes', "Summed resident memory of the pool's processes.", ['pool']),

    queueLength: gauge(
      'alertscale_queue_length',
      'Jobs waiting: LLEN (list), consumer-group lag (stream), waiting + prioritized (bullmq).',
      ['queue', 'pool'],
    ),
    queuePending: gauge('alertscale_queue_pending', 'Jobs taken, not finished: stream delivered-not-acked, bullmq active.', [
      'queue',
      'pool',
    ]),
    queueDelayed: gauge('alertscale_queue_delayed', 'BullMQ delayed jobs.', ['queue', 'pool']),
    queueAdded: counter('alertscale_queue_added_total', 'Jobs ever added: stream entries-added, bullmq job id counter; absent for lists.', [
      'queue',
      'pool',
    ]),
    queueOldestAge: gauge(
      'alertscale_queue_oldest_job_age_seconds',
      'Age of the oldest waiting job (stream ids, bullmq timestamps); 0 when none waits.',
      ['queue', 'pool'],
    ),

    workersAlive: gauge('alertscale_workers_alive', 'Worker heartbeats present (alertscale:hb:<pool>:<worker>).', ['pool']),
    workersBusy: gauge('alertscale_workers_busy', 'Worker heartbeats with busy 1.', ['pool']),
    poolJobsDone: counter('alertscale_pool_jobs_done_total', "Jobs the pool's workers finished (alertscale:jobs:<pool> done).", ['pool']),
    poolJobsFailed: counter('alertscale_pool_jobs_failed_total', "Jobs the pool's workers gave up on (alertscale:jobs:<pool> failed).", [
      'pool',
    ]),
    poolBusySeconds: counter(
      'alertscale_pool_busy_seconds_total',
      "Seconds the pool's workers spent on finished and failed jobs (alertscale:jobs:<pool> busy_seconds).",
      ['pool'],
    ),

    sourceUp: gauge('alertscale_exporter_source_up', '1 when the last read of a source worked.', ['source']),
    collectorErrors: counter('alertscale_exporter_collector_errors_total', 'Failed reads of a source.', ['source']),
    scrapeDuration: gauge('alertscale_exporter_scrape_duration_seconds', 'Time the last scrape took to read every source.'),
  };
}

export type ExporterMetrics = ReturnType<typeof createMetrics>;

/** Counters whose value is read from elsewhere (/proc, a ledger): drop the old series, write the new total. */
export function setCounter<L extends string>(counter: Counter<L>, values: Iterable<[Partial<Record<L, string>>, number]>): void {
  counter.reset();
  for (const [labels, value] of values) counter.inc(labels, value);
}
