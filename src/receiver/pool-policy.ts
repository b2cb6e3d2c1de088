import type { PoolConfig } from '../config/schema.js';
import type { PoolPolicy } from '../policy/types.js';

/** The decision-relevant part of a pool's config. */
export function toPolicy(pool: PoolConfig): PoolPolicy {
  return {
    min: pool.min,
    max: pool.max,
    enabled: pool.enabled,
    step: pool.step,
    stepInterval: pool.stepInterval,
    maxStep: pool.maxStep,
    cooldown: pool.cooldown,
  };
}
