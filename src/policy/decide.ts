import type { ScaleDirection, ScaleSignal } from '../alerts/signal.js';
import { bound } from './bounds.js';
import { cooldownRemaining } from './cooldown.js';
import { alertRefs, sortSignals, wantedBy } from './signals.js';
import type { Decision, Outcome, PoolPolicy, PoolState, SignalInput } from './types.js';

export interface DecideInput {
  pool: string;
  policy: PoolPolicy;
  state: PoolState;
  /** Every scaling alert of this pool in one notification, firing or resolved. */
  signals: SignalInput[];
  now: number;
}

type Make = (scale: ScaleDirection | null, to: number, outcome: Outcome, reason: string, extra?: Partial<Decision>) => Decision;
type Sorted = ReturnType<typeof sortSignals>;

/**
 * What to do with one pool for one notification. Pure: the same input always gives the same
 * decision, so it is table-tested and a replayed notification decides the same.
 */
export function decide(input: DecideInput): Decision {
  const { pool, signals, state, policy, now } = input;
  const alerts = alertRefs(signals);
  const make: Make = (scale, to, outcome, reason, extra = {}) => ({
    pool,
    scale,
    from: state.replicas,
    to,
    outcome,
    reason,
    alerts,
    steppedFingerprints: [],
    ...extra,
  });
  const sorted = sortSignals(signals, policy.stepInterval, now);
  // Up wins over down: running short of workers costs more than running a few idle ones.
  if (sorted.ups.length > 0) return act(input, 'up', sorted.ups, make);
  if (sorted.downs.length > 0 && !sorted.upStillFiring) return act(input, 'down', sorted.downs, make);
  return hold(input, sorted, make);
}

/** Alerts naming a pool alertscale.yml does not define: `rejected`, nothing runs. */
export function decideUnknownPool(pool: string, signals: readonly ScaleSignal[]): Decision {
  const alerts = alertRefs(signals);
  return {
    pool,
    scale: signals[0]!.scale,
    from: 0,
    to: 0,
    outcome: 'rejected',
    alerts,
    steppedFingerprints: [],
    reason: `pool "${pool}" is not defined in alertscale.yml (alerts: ${alerts.map((a) => a.alertname).join(', ')})`,
  };
}

/** Nothing may act: say why, reporting a repeat inside the pool's cooldown as the cooldown it is. */
function hold({ policy, state, now }: DecideInput, { ignored, upStillFiring, duplicates }: Sorted, make: Make): Decision {
  const current = state.replicas;
  const repeated: ScaleDirection | null = upStillFiring ? 'up' : duplicates.length > 0 ? 'down' : null;
  const waitMs = repeated ? cooldownRemaining(repeated, policy, state, now) : 0;
  if (repeated && waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    return make(repeated, current, 'cooldown', `${ignored.join('; ')}; cooldown.${repeated} has ${seconds}s left`, {
      cooldownRemainingSeconds: seconds,
    });
  }
  if (upStillFiring) return make('up', current, 'no_change', `an up alert still fires, so nothing shrinks: ${ignored.join('; ')}`);
  return make(null, current, 'no_change', `nothing to act on: ${ignored.join('; ') || 'no firing scaling alert'}`);
}

/** Signals of one direction act: bounds, then cooldown, then dry run. */
function act({ policy, state, now }: DecideInput, direction: ScaleDirection, acting: SignalInput[], make: Make): Decision {
  const current = state.replicas;
  // Safest wins: among ups the most workers, among downs the smallest reduction.
  const wanted = Math.max(...acting.map((s) => wantedBy(s, current, policy.step)));
  const to = bound(wanted, current, direction, policy);
  const asked = `${direction} to ${wanted} (${acting.map((s) => s.alertname).join(', ')})`;

  if (direction === 'up' ? to <= current : to >= current) {
    const atBound = direction === 'up' ? current >= policy.max : current <= policy.min;
    if (!atBound) return make(direction, current, 'no_change', `asked ${asked}; already ${current}`);
    return direction === 'up'
      ? make('up', current, 'at_max', `asked ${asked}; already at max ${policy.max}`)
      : make('down', current, 'at_min', `asked ${asked}; already at min ${policy.min}`);
  }
  const boundedBy = to !== wanted ? `, bounded to ${to} by ${describeBound(to, policy)}` : '';
  const waitMs = cooldownRemaining(direction, policy, state, now);
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    return make(direction, current, 'cooldown', `asked ${asked}${boundedBy}; cooldown.${direction} has ${seconds}s left`, {
      cooldownRemainingSeconds: seconds,
    });
  }
  const steppedFingerprints = acting.filter((s) => s.target === undefined).map((s) => s.fingerprint);
  if (!policy.enabled) {
    return make(direction, to, 'dry_run', `would scale ${current} → ${to}: asked ${asked}${boundedBy}; pool is not enabled (dry run)`, {
      steppedFingerprints,
    });
  }
  return make(direction, to, 'scaled', `scale ${current} → ${to}: asked ${asked}${boundedBy}`, { steppedFingerprints });
}

function describeBound(to: number, policy: PoolPolicy): string {
  if (to === policy.max) return `max ${policy.max}`;
  if (to === policy.min) return `min ${policy.min}`;
  return `maxStep ${policy.maxStep}`;
}
