import type { ScaleSignal } from '../alerts/signal.js';
import type { Decision } from '../policy/types.js';
import { silencing } from './matcher.js';
import type { Matcher, Silence } from './schema.js';

/**
 * A notification can leave Alertmanager just before a silence begins (someone paused the pool a
 * moment ago). Alertmanager would not send it a second later, so the receiver treats it the same:
 * firing signals whose alert an active silence matches are muted. Pure; the silences come from
 * the receiver's short-lived cache, and without them (Alertmanager down, slow) nothing is muted.
 */
export type Muted = ReadonlyMap<ScaleSignal, Silence>;

/** Which firing signals an active silence matches, judged on each alert's full label set. */
export function mutedSignals(signals: readonly { signal: ScaleSignal; labels: Readonly<Record<string, string>> }[], silences: readonly Silence[], now: number): Map<ScaleSignal, Silence> {
  const muted = new Map<ScaleSignal, Silence>();
  for (const { signal, labels } of signals) {
    if (signal.status !== 'firing') continue; // resolved signals execute nothing and keep their history
    const silence = silencing(silences, labels, now);
    if (silence) muted.set(signal, silence);
  }
  return muted;
}

/**
 * Every firing signal of the pool is muted: the decision is `paused`, recorded, nothing runs.
 * undefined when some firing signal is not muted (or none fires): decide as usual on `audible`.
 */
export function pausedDecision(pool: string, replicas: number, signals: readonly ScaleSignal[], muted: Muted): Decision | undefined {
  const firing = signals.filter((s) => s.status === 'firing');
  if (firing.length === 0 || !firing.every((s) => muted.has(s))) return undefined;
  const scale = firing.some((s) => s.scale === 'up') ? 'up' : 'down';
  return {
    pool, scale, from: replicas, to: replicas, outcome: 'paused', alerts: signals.map(refOf), steppedFingerprints: [],
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
  return { ...decision, alerts: signals.map(refOf), reason: `${decision.reason}; muted, not acted on: ${describeMuting(quiet, muted)}` };
}

function describeMuting(signals: readonly ScaleSignal[], muted: Muted): string {
  const bySilence = new Map<Silence, string[]>();
  for (const s of signals) {
    const silence = muted.get(s)!;
    bySilence.set(silence, [...(bySilence.get(silence) ?? []), s.alertname]);
  }
  return [...bySilence]
    .map(([s, names]) => `${names.join(', ')} by silence ${s.id} {${s.matchers.map(matcherText).join(', ')}} from ${s.createdBy} until ${s.endsAt} (${s.comment})`)
    .join('; ');
}

/** `pool="demo"`, `pool=~"de.*"`, `env!="prod"`: as amtool writes matchers. */
export function matcherText(m: Matcher): string {
  const op = m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
  return `${m.name}${op}${JSON.stringify(m.value)}`;
}

const refOf = ({ alertname, fingerprint, status, startsAt, generatorURL }: ScaleSignal) => ({ alertname, fingerprint, status, startsAt, generatorURL });
