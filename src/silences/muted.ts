import type { ScaleSignal } from '../alerts/signal.js';
import { silencing } from './matcher.js';
import type { Silence } from './schema.js';

/**
 * Which firing signals an active silence matches, judged on each alert's full label set. Pure; the
 * silences come from the receiver's short-lived cache, and without them (Alertmanager down, slow)
 * nothing is muted. What a muted signal means for the decision is policy/paused.ts.
 */
export function mutedSignals(
  signals: readonly { signal: ScaleSignal; labels: Readonly<Record<string, string>> }[],
  silences: readonly Silence[],
  now: number,
): Map<ScaleSignal, Silence> {
  const muted = new Map<ScaleSignal, Silence>();
  for (const { signal, labels } of signals) {
    if (signal.status !== 'firing') continue; // resolved signals execute nothing and keep their history
    const silence = silencing(silences, labels, now);
    if (silence) muted.set(signal, silence);
  }
  return muted;
}
