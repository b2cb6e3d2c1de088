/** One sample of the Prometheus text exposition format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?\s*$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/y;

function unescape(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseLabels(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const start = LABEL.lastIndex;
    const m = LABEL.exec(text);
    if (!m) return text.slice(start).trim() === '' ? labels : undefined;
    labels[m[1]!] = unescape(m[2]!);
  }
  return labels;
}

function parseValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/** Samples of a /metrics page (comments and malformed lines skipped). Pure. */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const labels = m[2] === undefined ? {} : parseLabels(m[2]);
    if (!labels) continue;
    samples.push({ name: m[1]!, labels, value: parseValue(m[3]!) });
  }
  return samples;
}

/** What the exporter knows of one pool (absent when the exporter does not publish it). */
export interface PoolMetrics {
  alive?: number;
  busy?: number;
  /** Jobs waiting, summed over the queues with `pool:` set to this pool. */
  queue?: number;
  processes?: number;
  cpuSeconds?: number;
}

/** The exporter's per-pool series, by pool name. Pure. */
export function poolMetrics(samples: Sample[]): Map<string, PoolMetrics> {
  const pools = new Map<string, PoolMetrics>();
  const of = (pool: string) => {
    let m = pools.get(pool);
    if (!m) pools.set(pool, (m = {}));
    return m;
  };
  for (const s of samples) {
    const pool = s.labels.pool;
    if (pool === undefined) continue;
    const m = of(pool);
    switch (s.name) {
      case 'alertscale_workers_alive':
        m.alive = s.value;
        break;
      case 'alertscale_workers_busy':
        m.busy = s.value;
        break;
      case 'alertscale_queue_length':
        m.queue = (m.queue ?? 0) + s.value;
        break;
      case 'alertscale_pool_processes':
        m.processes = s.value;
        break;
      case 'alertscale_pool_cpu_seconds_total':
        m.cpuSeconds = s.value;
        break;
    }
  }
  return pools;
}

/**
 * CPU per worker between two readings: CPU seconds used per second of wall time, divided by the
 * processes (1 = each process kept one core busy). Undefined without two readings or processes.
 */
export function cpuPerWorker(before: PoolMetrics | undefined, after: PoolMetrics | undefined, elapsedMs: number): number | undefined {
  if (before?.cpuSeconds === undefined || after?.cpuSeconds === undefined || !after.processes || elapsedMs <= 0) return undefined;
  const used = after.cpuSeconds - before.cpuSeconds;
  if (used < 0) return undefined;
  return used / (elapsedMs / 1000) / after.processes;
}
