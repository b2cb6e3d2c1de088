import { randomBytes } from 'node:crypto';

/**
 * One demo job as it sits in the Redis list: JSON `{"id":"…","ms":500}`, optionally `"cpuMs"`.
 * The worker keeps the raw string it popped: LREM needs the exact bytes to remove it later.
 */
export interface Job {
  /** Unique per job; completions are counted per id, so duplicates are visible. */
  id: string;
  /** Total time the job takes, in milliseconds. */
  ms: number;
  /** Part of `ms` spent burning CPU (so CPU-based rules see load); the rest is sleep. */
  cpuMs?: number;
}

/** Longest job a demo queue accepts: one hour. Anything larger is a typo, not a workload. */
export const MAX_JOB_MS = 3_600_000;

export function encodeJob(job: Job): string {
  return JSON.stringify(job.cpuMs ? { id: job.id, ms: job.ms, cpuMs: job.cpuMs } : { id: job.id, ms: job.ms });
}

export type Decoded = { ok: true; job: Job } | { ok: false; reason: string };

/** Parse a raw list element; never throws (a bad element is dead-lettered, not fatal). */
export function decodeJob(raw: string): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' };
  const { id, ms, cpuMs } = value as Record<string, unknown>;
  if (typeof id !== 'string' || id.length === 0 || id.length > 200)
    return { ok: false, reason: 'id must be a non-empty string (≤ 200 chars)' };
  if (!isDuration(ms)) return { ok: false, reason: `ms must be an integer in [0, ${MAX_JOB_MS}]` };
  if (cpuMs !== undefined && !isDuration(cpuMs)) return { ok: false, reason: `cpuMs must be an integer in [0, ${MAX_JOB_MS}]` };
  // CPU time is part of the job's duration, never added to it.
  const burn = Math.min(cpuMs ?? 0, ms);
  return { ok: true, job: burn > 0 ? { id, ms, cpuMs: burn } : { id, ms } };
}

function isDuration(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_JOB_MS;
}

/** A prefix that makes one stress run's ids unique among runs: time plus randomness. */
export function newRunId(now = Date.now()): string {
  return `${now.toString(36)}${randomBytes(3).toString('hex')}`;
}

/** Job ids of one run: `<runId>-<n>`, n from 1. */
export function jobId(runId: string, n: number): string {
  return `${runId}-${n}`;
}
