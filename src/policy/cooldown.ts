import type { ScaleDirection } from '../alerts/signal.js';
import type { PoolPolicy, PoolState } from './types.js';

/**
 * Milliseconds until `direction` may act again (0 = now). `up` waits cooldown.up after the last
 * grow; `down` waits cooldown.down after the last change in either direction, so a pool never
 * shrinks right after it grew.
 */
export function cooldownRemaining(direction: ScaleDirection, policy: PoolPolicy, state: PoolState, now: number): number {
  const since = direction === 'up' ? state.lastUpAt : Math.max(state.lastUpAt ?? -Infinity, state.lastDownAt ?? -Infinity);
  if (since === undefined || !Number.isFinite(since)) return 0;
  const wait = direction === 'up' ? policy.cooldown.up : policy.cooldown.down;
  return Math.max(0, since + wait - now);
}
