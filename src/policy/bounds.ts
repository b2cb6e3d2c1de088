import type { ScaleDirection } from '../alerts/signal.js';
import type { PoolPolicy } from './types.js';

/** `wanted` clamped to [min, max] and to at most `maxStep` away from `current`. */
export function bound(wanted: number, current: number, direction: ScaleDirection, policy: PoolPolicy): number {
  let to = Math.min(policy.max, Math.max(policy.min, wanted));
  if (policy.maxStep !== undefined) {
    to = direction === 'up' ? Math.min(to, current + policy.maxStep) : Math.max(to, current - policy.maxStep);
  }
  return to;
}
