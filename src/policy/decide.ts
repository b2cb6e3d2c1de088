import type { ScaleDirection } from '../alerts/signal.js';
import { bound } from './bounds.js';
import { cooldownRemaining } from './cooldown.js';
import { sortSignals, wantedBy } from './signals.js';
import type { Decision, Outcome, PoolPolicy, PoolState, SignalInput } from './types.js';

export interface DecideInput {
  pool: string;
  policy: PoolPolicy;
  state: PoolState;
  /** Every scaling alert of this pool in one notification, firing or resolved. */
  signals: SignalInput[];
  now: number;
}

/**
 * What to do with one pool for one notification. Pure: the same input always gives the same
 * decision, so it is table-tested and a replayed notification decides the same.
 */
export function decide({ pool, policy, state, signals, now }: DecideInput): Decision {
  const current = state.replicas;
  const alerts = signals.map(({ alertname, fingerprint, status, startsAt, generatorURL }) => ({ alertname, fingerprint, status, startsAt, generatorURL }));
  const result = (scale: ScaleDirection | null, to: number, outcome: Outcome, reason: string, extra: Partial<Decision> = {}): Decision => ({
    pool, scale, from: current, to, outcome, reason, alerts, steppedFingerprints: [], ...extra,
  });

  const { ups, downs, ignored, upStillFiring, duplicates } = sortSignals(signals, policy.stepInterval, now);
  // A repeat that already stepped, inside the pool's cooldown, is reported as the cooldown it is.
  const repeated: ScaleDirection | null = ups.length > 0 ? null : upStillFiring ? 'up' : downs.length === 0 && duplicates.length > 0 ? 'down' : null;
  const repeatWaitMs = repeated ? cooldownRemaining(repeated, policy, state, now) : 0;
  if (repeated && repeatWaitMs > 0) {
    const seconds = Math.ceil(repeatWaitMs / 1000);
    return result(repeated, current, 'cooldown', `${ignored.join('; ')}; cooldown.${repeated} has ${seconds}s left`, { cooldownRemainingSeconds: seconds });
  }
  // Up wins over down: running short of workers costs more than running a few idle ones.
  if (ups.length === 0 && upStillFiring) {
    return result('up', current, 'no_change', `an up alert still fires, so nothing shrinks: ${ignored.join('; ')}`);
  }
  const direction: ScaleDirection | null = ups.length > 0 ? 'up' : downs.length > 0 ? 'down' : null;
  if (direction === null) return result(null, current, 'no_change', `nothing to act on: ${ignored.join('; ') || 'no firing scaling alert'}`);

  const acting = direction === 'up' ? ups : downs;
  // Safest wins: among ups the most workers, among downs the smallest reduction.
  const wanted = Math.max(...acting.map((s) => wantedBy(s, current, policy.step)));
  const to = bound(wanted, current, direction, policy);
  const asked = `${direction} to ${wanted} (${acting.map((s) => s.alertname).join(', ')})`;

  if (direction === 'up' && to <= current) {
    return current >= policy.max
      ? result('up', current, 'at_max', `asked ${asked}; already at max ${policy.max}`)
      : result('up', current, 'no_change', `asked ${asked}; already ${current}`);
  }
  if (direction === 'down' && to >= current) {
    return current <= policy.min
      ? result('down', current, 'at_min', `asked ${asked}; already at min ${policy.min}`)
      : result('down', current, 'no_change', `asked ${asked}; already ${current}`);
  }
  const boundedBy = to !== wanted ? `, bounded to ${to} by ${describeBound(to, policy)}` : '';

  const waitMs = cooldownRemaining(direction, policy, state, now);
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    return result(direction, current, 'cooldown', `asked ${asked}${boundedBy}; cooldown.${direction} has ${seconds}s left`, {
      cooldownRemainingSeconds: seconds,
    });
  }
  const stepped = acting.filter((s) => s.target === undefined).map((s) => s.fingerprint);
  if (!policy.enabled) {
    return result(direction, to, 'dry_run', `would scale ${current} → ${to}: asked ${asked}${boundedBy}; pool is not enabled (dry run)`, {
      steppedFingerprints: stepped,
    });
  }
  return result(direction, to, 'scaled', `scale ${current} → ${to}: asked ${asked}${boundedBy}`, { steppedFingerprints: stepped });
}

function describeBound(to: number, policy: PoolPolicy): string {
  if (to === policy.max) return `max ${policy.max}`;
  if (to === policy.min) return `min ${policy.min}`;
  return `maxStep ${policy.maxStep}`;
}
