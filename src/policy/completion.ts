import type { Decision, Outcome } from './types.js';

/** What a `scaled` decision's command ending means for the pool. */
export type Completion =
  | { outcome: 'scaled'; replicas: number; scale: Decision['scale']; steppedFingerprints: string[] }
  /** Stamps neither a cooldown nor its alerts' step: the next repeat of the same firing tries again. */
  | { outcome: 'failed' };

/**
 * The command of `decision` ended, `ok` or not: the outcome the audit entry and the metrics get.
 * `reached`: the count a shrink that chose its workers actually left (workers/scale-down.ts); above
 * `to` when busy victims were left draining at drainTimeout (`afterDrainTimeout: leave`): they
 * still run and hold a job, so the next decision starts from them, not from the count asked.
 */
export function completion(decision: Decision, ok: boolean, reached = decision.to): Completion {
  if (!ok) return { outcome: 'failed' };
  return { outcome: 'scaled', replicas: reached, scale: decision.scale, steppedFingerprints: decision.steppedFingerprints };
}

/**
 * A decision whose record did not reach `need` replicas (redis.wait) is `failed` without running:
 * a failover could lose the record of a command that ran, and the next decision would scale again.
 * undefined when it did reach them (the command may run).
 */
export function unreplicated(acked: number, need: number, timeoutMs: number): { outcome: 'failed'; error: string } | undefined {
  if (acked >= need) return undefined;
  return {
    outcome: 'failed',
    error:
      `not run: the decision's record reached ${acked} of ${need} replica(s) within ${timeoutMs} ms (redis.wait), ` +
      'so a failover could have lost it',
  };
}

/** What is known of a decision left `running` by a holder whose lease expired. */
export interface Interrupted {
  /** Its audit entry, when the holder recorded the end there (but not the pool's mark). */
  ended?: { outcome: Outcome; to: number };
  /** Its target, when it is still the pool's last decision. */
  target?: number;
  /** The executor's live count, when it has a probe that answered. */
  live?: number;
}

/**
 * How such a decision is completed, and the count the decision in hand starts from. An end that was
 * recorded stands; otherwise it is `interrupted` (never run again), and without a live count the
 * command is assumed to have reached its target (it was started; scale commands set an absolute count).
 */
export function completeInterruption({ ended, target, live }: Interrupted): {
  outcome: Outcome;
  replicas: number | undefined;
  error?: string;
} {
  if (ended) return { outcome: ended.outcome, replicas: ended.outcome === 'scaled' ? (live ?? ended.to) : live };
  const assumed = live ?? target;
  const count =
    live !== undefined
      ? `live count ${live} (read by the executor's probe)`
      : `no live count (the executor has no probe, or it failed)${assumed === undefined ? '' : `; assuming it reached ${assumed}`}`;
  return {
    outcome: 'interrupted',
    replicas: assumed,
    // "May": a commit whose answer was lost in a failover leaves the same trace, and then nothing ran.
    error:
      'its end was never recorded: the receiver holding it stopped or lost Redis and its pool lease expired ' +
      `(the command may have run); ${count}`,
  };
}
