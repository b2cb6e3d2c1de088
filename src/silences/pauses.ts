import { isActive, matcherMatches } from './matcher.js';
import type { Matcher, Silence } from './schema.js';

export type Direction = 'up' | 'down';
const DIRECTIONS: readonly Direction[] = ['up', 'down'];

/** An active silence seen from one pool: what of its scaling it mutes, and whether resume may expire it. */
export interface Pause {
  silenceId: string;
  /** The silence's endsAt (RFC 3339). */
  until: string;
  comment: string;
  createdBy: string;
  matchers: Matcher[];
  /** Directions whose scaling alerts the silence mutes: both, or only `up`/`down` for a silence with a `scale` matcher. */
  scale: Direction[];
  /**
   * The silence also matches on labels other than `pool` and `scale` (e.g. `alertname`): it mutes
   * only those of the pool's scaling alerts that carry matching labels, which cannot be known here.
   */
  partial: boolean;
  /** Its matchers are exactly `pool="<pool>"`, optionally with `scale` matchers: resume expires it. */
  resumable: boolean;
}

/**
 * The active silences that would mute some of this pool's scaling alerts (labels `pool`, `scale`,
 * plus whatever else the rule adds), most complete first. Pure. The rules:
 * 1. Only active silences, and only while now is inside their window (a cached list ages).
 * 2. A silence must match on `pool` or `scale`, the scaling-alert contract; a silence of other
 *    alerts (`alertname="DiskFull"`, `instance=…`) is not a pause even if it could catch one.
 * 3. Every `pool` matcher must accept the pool name: `pool="demo"`, `pool=~"de.*"`,
 *    `pool!="web"` pause demo; `pool=~"de"` does not (anchored, as Alertmanager's `^(?:re)$`).
 * 4. `scale` matchers decide the directions: `scale="up"` pauses scale-up only (scale-down alerts
 *    still reach the receiver); a silence without one pauses both. No direction left = no pause.
 * 5. Matchers on any other label make the pause `partial`: shown, but as covering only some alerts.
 */
export function pausesOf(pool: string, silences: readonly Silence[], now: number): Pause[] {
  const pauses: Pause[] = [];
  for (const silence of silences) {
    if (!isActive(silence, now)) continue;
    const on = (name: string) => silence.matchers.filter((m) => m.name === name);
    const poolMatchers = on('pool');
    const scaleMatchers = on('scale');
    if (poolMatchers.length === 0 && scaleMatchers.length === 0) continue;
    if (!poolMatchers.every((m) => matcherMatches(m, pool))) continue;
    const scale = DIRECTIONS.filter((d) => scaleMatchers.every((m) => matcherMatches(m, d)));
    if (scale.length === 0) continue;
    const partial = silence.matchers.some((m) => m.name !== 'pool' && m.name !== 'scale');
    const resumable = !partial && poolMatchers.length > 0 && poolMatchers.every((m) => isExactly(m, pool));
    pauses.push({
      silenceId: silence.id,
      until: silence.endsAt,
      comment: silence.comment,
      createdBy: silence.createdBy,
      matchers: silence.matchers,
      scale,
      partial,
      resumable,
    });
  }
  return pauses.sort(byCoverage);
}

/** `pool="<pool>"`: the matcher `POST …/pause` creates and `amtool silence add pool=<pool>` makes. */
function isExactly(m: Matcher, pool: string): boolean {
  return m.isEqual && !m.isRegex && m.value === pool;
}

/** Both directions before one, whole before partial, then the longest-lasting. */
function byCoverage(a: Pause, b: Pause): number {
  return b.scale.length - a.scale.length || Number(a.partial) - Number(b.partial) || Date.parse(b.until) - Date.parse(a.until);
}

/** How a pool shows its pause: the most complete silence, and the ids of any others that also apply. */
export interface PauseView extends Pause {
  otherSilenceIds: string[];
}

export function pauseView(pauses: readonly Pause[]): PauseView | null {
  const [first, ...rest] = pauses;
  return first ? { ...first, otherSilenceIds: rest.map((p) => p.silenceId) } : null;
}

/** The matcher set a pause made by alertscale carries. */
export function poolMatchers(pool: string): Matcher[] {
  return [{ name: 'pool', value: pool, isRegex: false, isEqual: true }];
}
