import { cooldownRemaining } from '../policy/cooldown.js';
import { pausesOf, pauseView, type PauseView, type Silence } from '../silences/index.js';
import type { StoredDecision } from '../state/index.js';
import { toPoolState } from '../state/index.js';
import type { Deps } from './deps.js';
import { toPolicy } from './pool-policy.js';

/** A pool as `GET /v1/pools` shows it. */
export interface PoolView {
  pool: string;
  replicas: number;
  desired: number | null;
  min: number;
  max: number;
  enabled: boolean;
  executor: string;
  /** Seconds each direction waits after a scale (down: after a change in either direction). */
  cooldown: { up: number; down: number };
  /** Default workers per step alert, a step alert's minimum interval (s), largest change per action. */
  step: number;
  stepInterval: number;
  maxStep: number | null;
  cooldownRemainingSeconds: { up: number; down: number };
  lastDecision: StoredDecision | null;
  /** The Alertmanager silence that pauses the pool's scaling alerts now, or null. */
  paused: PauseView | null;
  /** true when Alertmanager could not be asked: `paused: null` then means "unknown", not "no". */
  pausedUnknown: boolean;
}

/**
 * What a request learned of Alertmanager's silences: the list, or why it could not be read;
 * undefined when there is no Alertmanager to ask.
 */
export type SilencesSeen = readonly Silence[] | { error: string } | undefined;

export type ViewDeps = Pick<Deps, 'config' | 'pools' | 'now'>;

export async function viewPool(deps: ViewDeps, name: string, silences?: SilencesSeen): Promise<PoolView> {
  const config = deps.config.pools[name]!;
  const policy = toPolicy(config);
  const stored = await deps.pools.read(name);
  const state = toPoolState(stored, config.min);
  const now = deps.now();
  const seconds = (direction: 'up' | 'down') => Math.ceil(cooldownRemaining(direction, policy, state, now) / 1000);
  return {
    pool: name,
    replicas: state.replicas,
    desired: stored.desired ?? null,
    min: config.min,
    max: config.max,
    enabled: config.enabled,
    executor: config.executor.kind,
    cooldown: { up: policy.cooldown.up / 1000, down: policy.cooldown.down / 1000 },
    step: policy.step,
    stepInterval: policy.stepInterval / 1000,
    maxStep: policy.maxStep ?? null,
    cooldownRemainingSeconds: { up: seconds('up'), down: seconds('down') },
    lastDecision: stored.lastDecision ?? null,
    paused: Array.isArray(silences) ? pauseView(pausesOf(name, silences, now)) : null,
    pausedUnknown: silences !== undefined && !Array.isArray(silences),
  };
}
