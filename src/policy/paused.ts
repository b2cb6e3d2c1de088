import type { ScaleSignal } from '../alerts/signal.js';
import { alertRefs } from './signals.js';
import type { Decision } from './types.js';

/** A silence as the `paused` reason names it (Alertmanager's silence has these fields and more). */
export interface Muting {
  id: string;
  createdBy: string;
  endsAt: string;
  comment: string;
  matchers: readonly { name: string; value: string; isRegex: boolean; isEqual: boolean }[];
}

/**
 * A notification can leave Alertmanager just before a silence begins (someone paused the pool a
 * moment ago). Alertmanager would not send it a second later, so the receiver treats it the same:
 * the firing signals an active silence matches (found by silences/muted.ts) are muted.
 */
export type Muted = ReadonlyMap<ScaleSignal, Muting>;

/**
 * Every firing signal of the pool is muted: the decision is `paused`, recorded, nothing runs.
 * undefined when some firing signal is not muted (or none fires): decide as usual on `audible`.
 */
export function pausedDecision(pool: string, replicas: number, signals: readonly ScaleSignal[], muted: Muted): Decision | undefined {
  const firing = signals.filter((s) => s.status === 'firing');
  if (firing.length === 0 || !firing.every((s) => muted.has(s))) return undefined;
  const scale = firing.some((s) => s.scale === 'up') ? 'up' : 'down';
  return {
    pool,
    scale,
    from: replicas,
    to: replicas,
    outcome: 'paused',
    alerts: alertRefs(signals),
    steppedFingerprints: [],
    reason: `paused: ${describeMuting(firing, muted)}; the notification left Alertmanager before the silence began`,
  };
}

/** The signals to decide on when only some are muted. */
export function audible(signals: readonly ScaleSignal[], muted: Muted): ScaleSignal[] {
  return signals.filter((s) => !muted.has(s));
}

/** A decision made on the audible signals still lists every alert, and says which were muted. */
export function withMuted(decision: Decision, signals: readonly ScaleSignal[], muted: Muted): Decision {
  const quiet = signals.filter((s) => muted.has(s));
  if (quiet.length === 0) return decision;
  return { ...decision, alerts: alertRefs(signals), reason: `${decision.reason}; muted, not acted on: ${describeMuting(quiet, muted)}` };
}

function describeMuting(signals: readonly ScaleSignal[], muted: Muted): string {
  const bySilence = new Map<Muting, string[]>();
  for (const s of signals) {
    const silence = muted.get(s)!;
    bySilence.set(silence, [...(bySilence.get(silence) ?? []), s.alertname]);
  }
  return [...bySilence]
    .map(
      ([s, names]) =>
        `${names.join(', ')} by silence ${s.id} {${s.matchers.map(matcherText).join(', ')}} ` +
        `from ${s.createdBy} until ${s.endsAt} (${s.comment})`,
    )
    .join('; ');
}

/** `pool="demo"`, `pool=~"de.*"`, `env!="prod"`: as amtool writes matchers. */
export function matcherText(m: Muting['matchers'][number]): string {
  const op = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
  return `${m.name}${op}${JSON.stringify(m.value)}`;
}
