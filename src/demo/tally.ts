import type { Redis } from 'ioredis';
import { demoKeys, type DemoKeys } from './keys.js';

/**
 * Where every job of a demo queue is, for tests, the e2e run and people watching the demo:
 * the "0 lost, 0 duplicated" check in one call.
 */
export interface DemoTally {
  /** Jobs pushed by `alertscale stress` (its counter; jobs pushed by hand are not counted). */
  enqueued: number;
  /** Distinct job ids recorded as completed. */
  completed: number;
  /** Waiting in the queue. */
  waiting: number;
  /** Held in some worker's processing list. */
  inFlight: number;
  /** Not valid jobs, dead-lettered. */
  dead: number;
  /** enqueued − completed − waiting − inFlight − dead: jobs that vanished. Must be 0. */
  lost: number;
  /** Ids completed more than once, with their counts. Must be empty. */
  duplicated: Record<string, number>;
  /** Ids started more than once (a worker died mid-job; allowed: at-least-once under crashes). */
  rerun: Record<string, number>;
  /** The raw counters hash: enqueued, started, completed, duplicates, requeued, stale, dead. */
  counters: Record<string, number>;
}

/** Every worker's processing list of a demo queue (SCAN, so a large keyspace is not blocked). */
export async function processingLists(redis: Redis, keys: DemoKeys): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', keys.processingPattern, 'COUNT', 500);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found;
}

export async function demoTally(redis: Redis, queueKey: string): Promise<DemoTally> {
  const keys = demoKeys(queueKey, 'demo');
  const processingKeys = await processingLists(redis, keys);

  const [completions, starts, counters, waiting, dead, ...held] = await Promise.all([
    redis.hgetall(keys.completions),
    redis.hgetall(keys.starts),
    redis.hgetall(keys.counters),
    redis.llen(keys.queue),
    redis.llen(keys.dead),
    ...processingKeys.map((k) => redis.llen(k)),
  ]);
  const counts = numbers(counters);
  const completed = Object.keys(completions).length;
  const inFlight = held.reduce((a, b) => a + b, 0);
  const enqueued = counts.enqueued ?? 0;
  return {
    enqueued,
    completed,
    waiting,
    inFlight,
    dead,
    lost: enqueued - completed - waiting - inFlight - dead,
    duplicated: above(numbers(completions), 1),
    rerun: above(numbers(starts), 1),
    counters: counts,
  };
}

function numbers(hash: Record<string, string>): Record<string, number> {
  return Object.fromEntries(Object.entries(hash).map(([k, v]) => [k, Number(v)]));
}

function above(hash: Record<string, number>, limit: number): Record<string, number> {
  return Object.fromEntries(Object.entries(hash).filter(([, v]) => v > limit));
}
