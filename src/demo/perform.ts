import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from './job.js';

/**
 * Do a demo job: burn `cpuMs` of CPU in short slices (yielding between them, so heartbeats and
 * signal handlers keep running), then sleep for the rest of `ms`.
 */
export async function performJob(job: Job, now: () => number = Date.now): Promise<void> {
  const start = now();
  const burnUntil = start + (job.cpuMs ?? 0);
  while (now() < burnUntil) {
    const sliceEnd = Math.min(burnUntil, now() + 10);
    // eslint-disable-next-line no-empty
    while (now() < sliceEnd) {}
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const rest = start + job.ms - now();
  if (rest > 0) await sleep(rest);
}
