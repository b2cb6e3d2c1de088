/**
 * Which workers a scale-down by k removes (issue 13 §3): the choice that never interrupts work
 * while an idle worker could go instead. Pure: the caller reads the heartbeats
 * (docs/HEARTBEATS.md) and passes them as plain records.
 *
 * Order:
 * 1. workers already draining (an earlier scale-down asked them to leave; they are going anyway);
 * 2. idle workers, longest idle first (the pool has needed them least);
 * 3. only if still short: busy workers whose job started last (the least work at stake, and the
 *    soonest to be re-done elsewhere if it has to be; the oldest jobs are nearest their end).
 * Within a tier the tie-break is the worker id, so the same heartbeats always give the same
 * victims. A time a worker did not report sorts last in its tier: "idle since ?" is not
 * evidence of a long idle, "busy since ?" is not evidence of a young job.
 */

/** A worker as its heartbeat describes it (times in unix seconds); only what the choice needs. */
export interface VictimCandidate {
  id: string;
  busy: boolean;
  /** When the worker last became idle (its start or the end of its last job); idle workers only. */
  idleSince?: number;
  /** When the job in hand started; busy workers only. */
  jobStarted?: number;
  job?: string;
  /** The receiver asked it to drain already. */
  draining?: boolean;
}

export type VictimTier = 'draining' | 'idle' | 'busy';

export interface Victim {
  id: string;
  tier: VictimTier;
  /** One line for the audit: why this worker, in the operator's words. */
  why: string;
}

export interface VictimChoice {
  victims: Victim[];
  /** How many of the k asked for had no worker to match (fewer heartbeats than the pool's count). */
  missing: number;
}

const TIER_RANK: Record<VictimTier, number> = { draining: 0, idle: 1, busy: 2 };

const tierOf = (w: VictimCandidate): VictimTier => (w.draining ? 'draining' : w.busy ? 'busy' : 'idle');

/** Within a tier: smaller key goes first; an unknown time gets +Infinity (last). */
function orderKey(w: VictimCandidate, tier: VictimTier): number {
  if (tier === 'busy') return w.jobStarted === undefined ? Infinity : -w.jobStarted;
  return w.idleSince ?? Infinity;
}

const ago = (nowS: number, t: number | undefined) =>
  t === undefined ? 'for an unknown time' : `for ${Math.max(0, Math.round(nowS - t))} s`;

function whyOf(w: VictimCandidate, tier: VictimTier, nowS: number): string {
  if (tier === 'draining') return w.busy ? `already draining (busy with job ${w.job ?? '?'})` : 'already draining';
  if (tier === 'idle') return `idle ${ago(nowS, w.idleSince)}`;
  return `busy ${ago(nowS, w.jobStarted)} with job ${w.job ?? '?'}: among the youngest jobs (no idle worker left to remove)`;
}

export function chooseVictims(workers: readonly VictimCandidate[], k: number, nowS: number): VictimChoice {
  if (!Number.isInteger(k) || k < 0) throw new Error(`chooseVictims: k must be a non-negative integer, got ${k}`);
  const ranked = workers
    .map((w) => ({ w, tier: tierOf(w) }))
    .sort(
      (a, b) =>
        TIER_RANK[a.tier] - TIER_RANK[b.tier] ||
        orderKey(a.w, a.tier) - orderKey(b.w, b.tier) ||
        (a.w.id < b.w.id ? -1 : a.w.id > b.w.id ? 1 : 0),
    );
  const victims = ranked.slice(0, k).map(({ w, tier }) => ({ id: w.id, tier, why: whyOf(w, tier, nowS) }));
  return { victims, missing: k - victims.length };
}

/** Why a drain stopped waiting: every victim left, drainTimeout passed, or a scale-up of the pool asked for them back. */
export type DrainEnd = 'finished' | 'timeout' | 'scale_up';

/** Said of each victim a scale-up kept (its `why`), and so in the audit. */
export const KEPT_BY_SCALE_UP = 'a scale-up of the pool ended the drain: kept, taking jobs again';

/**
 * What becomes of the victims still draining when the drain ends. A scale-up wants workers: the
 * ones still there, finishing a job, are un-marked and kept (the pool stays above `to` by them, so
 * the shrink is `partial`); drainTimeout stops them or leaves them draining, as configured.
 */
export function endOfDrain(
  end: DrainEnd,
  pending: number,
  onTimeout: 'stop' | 'leave',
): { outcome: 'kept' | 'stopped' | 'left' | undefined; partial: boolean } {
  if (pending === 0 || end === 'finished') return { outcome: undefined, partial: false };
  if (end === 'scale_up') return { outcome: 'kept', partial: true };
  return onTimeout === 'stop' ? { outcome: 'stopped', partial: false } : { outcome: 'left', partial: true };
}
