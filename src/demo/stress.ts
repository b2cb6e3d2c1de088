import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeJob, jobId } from './job.js';
import { demoKeys } from './keys.js';
import { dueBy, msUntilDue } from './rate.js';

export interface StressPlan {
  tasks: number;
  /** Jobs per second; undefined = as fast as Redis takes them. */
  rate?: number;
  jobMs: number;
  cpuMs?: number;
  /** Prefix of this run's job ids (unique per run: see newRunId). */
  runId: string;
}

export interface StressResult {
  sent: number;
  elapsedMs: number;
  firstId: string;
  lastId: string;
  /** LLEN of the queue right after the last push. */
  queueLength: number;
}

export interface StressDeps {
  redis: Redis;
  queueKey: string;
  onProgress?: (sent: number) => void;
  now?: () => number;
}

/** Most jobs pushed in one LPUSH; keeps single commands small while still batching. */
const BATCH = 500;

/**
 * Enqueue `plan.tasks` jobs, LPUSH (workers BLMOVE from the right, so FIFO), on schedule when a
 * rate is given. Each batch and its `enqueued` counter increment are one MULTI, so the counter
 * always equals what was pushed.
 */
export async function enqueueJobs(
  { redis, queueKey, onProgress = () => {}, now = Date.now }: StressDeps,
  plan: StressPlan,
): Promise<StressResult> {
  const keys = demoKeys(queueKey, 'demo');
  const start = now();
  let sent = 0;
  let queueLength = 0;
  while (sent < plan.tasks) {
    const elapsed = now() - start;
    const due = Math.min(dueBy(elapsed, plan.tasks, plan.rate), sent + BATCH);
    if (due <= sent) {
      await sleep(Math.max(1, msUntilDue(sent, elapsed, plan.rate)));
      continue;
    }
    const raws: string[] = [];
    for (let n = sent + 1; n <= due; n++)
      raws.push(encodeJob({ id: jobId(plan.runId, n), ms: plan.jobMs, ...(plan.cpuMs ? { cpuMs: plan.cpuMs } : {}) }));
    const res = await redis
      .multi()
      .lpush(keys.queue, ...raws)
      .hincrby(keys.counters, 'enqueued', raws.length)
      .exec();
    const failed = res?.find(([err]) => err);
    if (!res || failed) throw new Error(`enqueue to ${keys.queue} failed: ${String(failed?.[0] ?? 'transaction aborted')}`);
    queueLength = Number(res[0]?.[1]);
    sent = due;
    onProgress(sent);
  }
  return { sent, elapsedMs: now() - start, firstId: jobId(plan.runId, 1), lastId: jobId(plan.runId, plan.tasks), queueLength };
}

export function formatStressSummary(plan: StressPlan, result: StressResult, where: { queueKey: string; redisUrl: string }): string {
  const secs = result.elapsedMs / 1000;
  const perSec = secs > 0 ? Math.round(result.sent / secs) : result.sent;
  const cpu = plan.cpuMs ? `, ${plan.cpuMs} ms CPU` : '';
  return [
    `enqueued ${result.sent} job(s) of ${plan.jobMs} ms${cpu} to ${where.queueKey} at ${redactUrl(where.redisUrl)} ` +
      `in ${secs.toFixed(2)} s (${perSec}/s${plan.rate ? `, limit ${plan.rate}/s` : ''})`,
    `ids ${result.firstId} … ${result.lastId}; queue length now ${result.queueLength}`,
  ].join('\n');
}

/** Never print a Redis password. */
export function redactUrl(url: string): string {
  return url.replace(
    /^(rediss?:\/\/)([^@/]*)@/,
    (_m, scheme: string, auth: string) => `${scheme}${auth.includes(':') ? `${auth.split(':')[0]}:***` : '***'}@`,
  );
}
