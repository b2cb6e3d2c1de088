import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { decodeJob } from '../../src/demo/job.js';
import type { DemoKeys } from '../../src/demo/keys.js';
import { processingLists } from '../../src/demo/tally.js';

/** What the bench knows about one job, times in ms since the epoch. */
export interface JobRecord {
  id: string;
  enqueuedAt: number;
  /** First poll that saw it in a worker's processing list (or, for a job too short to catch there, its completion). */
  startedAt?: number;
  /** First poll that saw its completion record. */
  doneAt?: number;
}

export interface Sample {
  /** ms since the epoch */
  at: number;
  queue: number;
  workers: number;
}

/**
 * Worker processes alive in a private pm2 home: the pid files pm2 keeps for each process,
 * checked with signal 0. Far cheaper than `pm2 jlist` (a node start per call) at 4 polls/s.
 */
export function liveWorkers(pm2Home: string, app: string): number {
  let n = 0;
  let files: string[];
  try {
    files = readdirSync(join(pm2Home, 'pids'));
  } catch {
    return 0;
  }
  for (const f of files) {
    if (!f.startsWith(`${app}-`) || !f.endsWith('.pid')) continue;
    const pid = Number(readFileSync(join(pm2Home, 'pids', f), 'utf8').trim());
    try {
      if (pid > 0) {
        process.kill(pid, 0);
        n++;
      }
    } catch {
      // gone: pm2 has not removed its pid file yet
    }
  }
  return n;
}

/**
 * The job ledger and the supply/queue samples of one policy run, from polling Redis (the queue,
 * every processing list, the completions hash) and the pm2 pid files every `everyMs`.
 */
export function startLedger(deps: { redis: Redis; keys: DemoKeys; pm2Home: string; app: string; everyMs?: number }) {
  const { redis, keys, pm2Home, app } = deps;
  const jobs = new Map<string, JobRecord>();
  const samples: Sample[] = [];
  let running = true;
  let pollError: unknown;
  const poll = async () => {
    const at = Date.now();
    const processing = await processingLists(redis, keys);
    const [queue, completions, ...held] = await Promise.all([
      redis.llen(keys.queue),
      redis.hkeys(keys.completions),
      ...processing.map((k) => redis.lrange(k, 0, -1)),
    ]);
    for (const raw of held.flat()) {
      const d = decodeJob(raw);
      const rec = d.ok ? jobs.get(d.job.id) : undefined;
      if (rec && rec.startedAt === undefined) rec.startedAt = at;
    }
    for (const id of completions) {
      const rec = jobs.get(id);
      if (rec && rec.doneAt === undefined) {
        rec.doneAt = at;
        rec.startedAt ??= at;
      }
    }
    samples.push({ at, queue, workers: liveWorkers(pm2Home, app) });
  };
  const loop = (async () => {
    while (running) {
      const t = Date.now();
      try {
        await poll();
      } catch (err) {
        pollError = err;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, (deps.everyMs ?? 250) - (Date.now() - t))));
    }
  })();
  return {
    jobs,
    samples,
    enqueued(id: string, at: number) {
      jobs.set(id, { id, enqueuedAt: at });
    },
    async stop() {
      running = false;
      await loop;
      if (pollError) process.stderr.write(`ledger: a poll failed (later polls went on): ${String(pollError)}\n`);
    },
  };
}

export type Ledger = ReturnType<typeof startLedger>;
