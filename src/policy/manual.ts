import type { Decision, PoolPolicy, PoolState } from './types.js';

export interface ManualInput {
  pool: string;
  policy: PoolPolicy;
  state: PoolState;
  replicas: number;
  reason: string;
}

/**
 * An operator's explicit `scale POOL N`: bounds still hold (a request outside them is rejected,
 * not silently clamped), cooldowns do not (a person chose this moment).
 */
export function decideManual({ pool, policy, state, replicas, reason }: ManualInput): Decision {
  const from = state.replicas;
  const scale: Decision['scale'] = replicas > from ? 'up' : replicas < from ? 'down' : null;
  const base = { pool, scale, from, alerts: [], steppedFingerprints: [] };
  if (replicas < policy.min || replicas > policy.max) {
    return { ...base, to: from, outcome: 'rejected', reason: `manual: ${replicas} is outside [${policy.min}, ${policy.max}] (${reason})` };
  }
  if (replicas === from) return { ...base, to: from, outcome: 'no_change', reason: `manual: already ${from} (${reason})` };
  if (!policy.enabled)
    return {
      ...base,
      to: replicas,
      outcome: 'dry_run',
      reason: `manual: would scale ${from} → ${replicas}; pool is not enabled (dry run) (${reason})`,
    };
  return { ...base, to: replicas, outcome: 'scaled', reason: `manual: scale ${from} → ${replicas} (${reason})` };
}
