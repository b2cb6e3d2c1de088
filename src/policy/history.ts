import type { ScaleSignal } from '../alerts/signal.js';
import type { AlertHistory, Decision, SignalInput } from './types.js';

/**
 * The history each alert carries forward after a decision. A notification about an older firing
 * (earlier startsAt) never overwrites a newer one: arrival order is not truth.
 */
export function nextHistory(
  previous: AlertHistory | undefined,
  signal: ScaleSignal,
  decision: Decision,
  now: number,
): AlertHistory | undefined {
  if (previous && Date.parse(previous.startsAt) > Date.parse(signal.startsAt)) return undefined;
  const sameFiring = previous?.startsAt === signal.startsAt;
  const base: AlertHistory = sameFiring ? { ...previous! } : { startsAt: signal.startsAt, resolved: false };
  if (signal.status === 'resolved') return { ...base, resolved: true };
  if (base.resolved) return undefined; // a stale firing after its resolved changes nothing
  // Only a step that happened counts: one blocked by cooldown may step on the next repeat, and a
  // command's step is stamped by its execution once it succeeded (a failed one may be retried).
  if (decision.outcome === 'dry_run' && decision.steppedFingerprints.includes(signal.fingerprint)) return { ...base, lastStepAt: now };
  return sameFiring ? undefined : base;
}

/** The signals of one notification with the history their alerts carry. */
export function withHistory(signals: readonly ScaleSignal[], history: ReadonlyMap<string, AlertHistory>): SignalInput[] {
  return signals.map((s) => ({ ...s, history: history.get(s.fingerprint) }));
}

/** What one decision changes in the alerts' history, by fingerprint (the receiver writes it; replay keeps it). */
export function historyUpdates(
  signals: readonly ScaleSignal[],
  decision: Decision,
  history: ReadonlyMap<string, AlertHistory>,
  now: number,
): Map<string, AlertHistory> {
  const updates = new Map<string, AlertHistory>();
  for (const signal of signals) {
    const next = nextHistory(updates.get(signal.fingerprint) ?? history.get(signal.fingerprint), signal, decision, now);
    if (next) updates.set(signal.fingerprint, next);
  }
  return updates;
}
