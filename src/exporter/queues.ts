import type { Redis } from 'ioredis';
import type { QueueConfig } from '../config/index.js';
import type { ExporterMetrics } from './metrics.js';
import { parseXinfoGroups, streamIdMs } from './parse.js';
import type { Source } from './source.js';

export interface QueueDeps {
  metrics: ExporterMetrics;
  redis: Redis;
  now: () => number;
}

/** Where a consumer group's lag is unknown to Redis, count undelivered entries up to this many. */
export const STREAM_LAG_COUNT_CAP = 1000;

interface QueueReading {
  length: number;
  pending?: number;
  delayed?: number;
  /** ms timestamp of the oldest waiting job, null when none waits; absent when the data has no timestamps. */
  oldestMs?: number | null;
}

/**
 * One source per configured queue (`queue:<name>`), so a wrong key type fails only that queue.
 * Each makes a couple of plain commands; ioredis writes all queues' commands back to back, so
 * 50 queues cost about two round trips, not a hundred.
 */
export function queueSource(name: string, queue: QueueConfig, deps: QueueDeps): Source {
  const { metrics: m, redis, now } = deps;
  const labels = queue.pool === undefined ? { queue: name } : { queue: name, pool: queue.pool };
  const reader = queue.kind === 'list' ? readList : queue.kind === 'stream' ? readStream : readBullmq;

  return {
    name: `queue:${name}`,
    async read() {
      const r = await reader(redis, queue as never);
      m.queueLength.set(labels, r.length);
      if (r.pending !== undefined) m.queuePending.set(labels, r.pending);
      if (r.delayed !== undefined) m.queueDelayed.set(labels, r.delayed);
      if (r.oldestMs !== undefined) m.queueOldestAge.set(labels, r.oldestMs === null ? 0 : Math.max(0, (now() - r.oldestMs) / 1000));
    },
    clear() {
      for (const g of [m.queueLength, m.queuePending, m.queueDelayed, m.queueOldestAge]) g.remove(labels);
    },
  };
}

type Of<K extends QueueConfig['kind']> = Extract<QueueConfig, { kind: K }>;

async function readList(redis: Redis, q: Of<'list'>): Promise<QueueReading> {
  return { length: await redis.llen(q.key) };
}

/**
 * Stream with a consumer group: waiting = the group's lag (XINFO GROUPS, Redis ≥ 7.0), pending =
 * delivered not acked; the oldest waiting entry is the first after last-delivered-id, and its id is
 * its timestamp. No stream yet → empty. No group yet (no consumer ever started, e.g. a pool at 0)
 * → every entry waits.
 */
async function readStream(redis: Redis, q: Of<'stream'>): Promise<QueueReading> {
  let groups;
  try {
    groups = parseXinfoGroups(await redis.xinfo('GROUPS', q.key));
  } catch (err) {
    if (/no such key/i.test((err as Error).message)) return { length: 0, pending: 0, oldestMs: null };
    throw err;
  }
  const group = groups.find((g) => g.name === q.group);
  if (!group) {
    const [length, first] = await Promise.all([redis.xlen(q.key), redis.xrange(q.key, '-', '+', 'COUNT', 1)]);
    return { length, pending: 0, oldestMs: first[0] ? streamIdMs(first[0][0]) : null };
  }
  const after = `(${group.lastDeliveredId}`;
  if (group.lag !== null) {
    const next = group.lag > 0 ? await redis.xrange(q.key, after, '+', 'COUNT', 1) : [];
    return { length: group.lag, pending: group.pending, oldestMs: next[0] ? streamIdMs(next[0][0]) : null };
  }
  const undelivered = await redis.xrange(q.key, after, '+', 'COUNT', STREAM_LAG_COUNT_CAP);
  return { length: undelivered.length, pending: group.pending, oldestMs: undelivered[0] ? streamIdMs(undelivered[0][0]) : null };
}

/**
 * BullMQ (≥ 5) keys read directly, one pipeline for all queues instead of one Lua call and one
 * connection per `Queue` object: waiting = `wait` list + `prioritized` zset, active, delayed.
 * New jobs are LPUSHed and workers take from the right, so the oldest waiting job is LINDEX -1;
 * its age counts from when it became runnable (timestamp + delay).
 */
async function readBullmq(redis: Redis, q: Of<'bullmq'>): Promise<QueueReading> {
  const k = `${q.prefix}:${q.name}:`;
  const [wait, prioritized, active, delayed, oldestId] = await Promise.all([
    redis.llen(`${k}wait`),
    redis.zcard(`${k}prioritized`),
    redis.llen(`${k}active`),
    redis.zcard(`${k}delayed`),
    redis.lindex(`${k}wait`, -1),
  ]);
  let oldestMs: number | null = null;
  if (oldestId !== null) {
    const [ts, delay] = await redis.hmget(`${k}${oldestId}`, 'timestamp', 'delay');
    // The job may have been taken between the two reads; then nothing older is known to wait.
    if (ts !== null) oldestMs = Number(ts) + Number(delay ?? 0);
  }
  return { length: wait + prioritized, pending: active, delayed, oldestMs };
}
