import type { Decision } from './types.js';

/** What a `scaled` decision's command ending means for the pool. */
export type Completion =
  | { outcome: 'scaled'; replicas: number; scale: Decision['scale']; steppedFingerprints: string[] }
  /** Stamps neither a cooldown nor its alerts' step: the next repeat of the same firing tries again. */
  | { outcome: 'failed' };

/** The command of `decision` ended, `ok` or not: the outcome the audit entry and the metrics get. */
export function completion(decision: Decision, ok: boolean): Completion {
  if (!ok) return { outcome: 'failed' };
  return { outcome: 'scaled', replicas: decision.to, scale: decision.scale, steppedFingerprints: decision.steppedFingerprints };
}
