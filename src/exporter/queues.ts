import type { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import type { ExporterMetrics } from './metrics.js';
import { readQueues, type QueueReading } from './queue-script.js';
import type { Source } from './source.js';

export interface QueueDeps {
  metrics: ExporterMetrics;
  redis: Redis;
  now: () => number;
}

/**
 * One source per configured queue (`queue:<name>`), so a wrong key type fails only that queue,
 * all fed by one script call per scrape (queue-script.ts): the first queue to ask starts the
 * batch, the others in the same scrape share it.
 */
export function queueSources(queues: Config['queues'], deps: QueueDeps): Source[] {
  const { metrics: m, now } = deps;
  const entries = Object.entries(queues);
  let batch: Promise<Array<QueueReading | Error>> | undefined;
  const readAll = () => (batch ??= readQueues(deps.redis, entries).finally(() => (batch = undefined)));

  return entries.map(([name, queue], i) => {
    const labels = queue.pool === undefined ? { queue: name } : { queue: name, pool: queue.pool };
    return {
      name: `queue:${name}`,
      async read() {
        const r = (await readAll())[i]!;
        if (r instanceof Error) throw r;
        m.queueLength.set(labels, r.length);
        if (r.pending !== undefined) m.queuePending.set(labels, r.pending);
        if (r.delayed !== undefined) m.queueDelayed.set(labels, r.delayed);
        // A counter read from Redis: set its total (prom-client counters only go up, so reset the one series first).
        if (r.added !== undefined) {
          m.queueAdded.remove(labels);
          m.queueAdded.inc(labels, r.added);
        }
        if (r.oldestMs !== undefined) m.queueOldestAge.set(labels, r.oldestMs === null ? 0 : Math.max(0, (now() - r.oldestMs) / 1000));
      },
      clear() {
        for (const g of [m.queueLength, m.queuePending, m.queueDelayed, m.queueOldestAge, m.queueAdded]) g.remove(labels);
      },
    };
  });
}
