import type { AlertRef, ScaleSignal } from '../alerts/signal.js';
import type { SignalInput } from './types.js';

/** The alerts a decision names: each signal as the audit log keeps it. */
export function alertRefs(signals: readonly AlertRef[]): AlertRef[] {
  return signals.map(({ alertname, fingerprint, status, startsAt, generatorURL }) => ({
    alertname,
    fingerprint,
    status,
    startsAt,
    generatorURL,
  }));
}

/** Why a firing signal of this notification is not acted on; undefined = it counts. */
export function ignoreReason(signal: SignalInput, stepInterval: number, now: number): string | undefined {
  const history = signal.history;
  if (signal.status === 'resolved') return 'resolved';
  if (!history) return undefined;
  // A retried or delayed copy of an earlier firing, delivered after this alert fired again.
  if (Date.parse(signal.startsAt) < Date.parse(history.startsAt)) return 'stale (an older firing than the one already seen)';
  if (history.startsAt !== signal.startsAt) return undefined;
  // Arrival order is not truth: an HA peer can deliver a firing after this firing's resolved.
  if (history.resolved) return 'stale (this firing was already resolved)';
  if (isDuplicateStep(signal, stepInterval, now)) {
    const ago = Math.round((now - history.lastStepAt!) / 1000);
    return `duplicate (this firing already stepped ${ago}s ago; it may step again after ${Math.round(stepInterval / 1000)}s)`;
  }
  return undefined;
}

/** A still-firing step alert that already stepped within stepInterval (an HA duplicate or a retry). */
function isDuplicateStep(signal: SignalInput, stepInterval: number, now: number): boolean {
  const history = signal.history;
  return (
    signal.status === 'firing' &&
    signal.target === undefined &&
    history !== undefined &&
    history.startsAt === signal.startsAt &&
    !history.resolved &&
    history.lastStepAt !== undefined &&
    now - history.lastStepAt < stepInterval
  );
}

/** The worker count one signal asks for, before bounds. */
export function wantedBy(signal: SignalInput, current: number, defaultStep: number): number {
  if (signal.target !== undefined) return signal.target;
  const step = signal.step ?? defaultStep;
  return signal.scale === 'up' ? current + step : current - step;
}

/** Signals that count, split by direction, with a summary of those that do not. */
export function sortSignals(signals: SignalInput[], stepInterval: number, now: number) {
  const ups: SignalInput[] = [];
  const downs: SignalInput[] = [];
  const ignored: string[] = [];
  /** Step signals held back only because their firing already stepped within stepInterval. */
  const duplicates: SignalInput[] = [];
  // An up whose step was already taken does not step again, but its alert still fires: the pool
  // is busy, so no down may act in this notification (rule 1: up wins over down).
  let upStillFiring = false;
  for (const signal of signals) {
    const why = ignoreReason(signal, stepInterval, now);
    if (why) ignored.push(`${signal.alertname || signal.fingerprint}: ${why}`);
    else (signal.scale === 'up' ? ups : downs).push(signal);
    const duplicate = why !== undefined && isDuplicateStep(signal, stepInterval, now);
    if (duplicate) duplicates.push(signal);
    if (duplicate && signal.scale === 'up') upStillFiring = true;
  }
  return { ups, downs, ignored, upStillFiring, duplicates };
}

/**
 * Whether a notification asks its pool to grow: then a draining scale-down holding the pool ends
 * (workers/scale-down.ts), so the growth waits for no job of a worker that could simply stay.
 */
export function asksToGrow(signals: readonly Pick<ScaleSignal, 'scale' | 'status'>[]): boolean {
  return signals.some((s) => s.status === 'firing' && s.scale === 'up');
}
