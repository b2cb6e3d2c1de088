import type { Matcher, Silence } from './schema.js';

/**
 * Alertmanager's matcher semantics (pkg/labels): `=` and `!=` compare the whole value; `=~` and
 * `!~` match the Go regexp anchored as `^(?:re)$`; a label the alert does not carry has the value
 * "". Pure.
 */
export function matcherMatches(matcher: Matcher, value: string): boolean {
  const hit = matcher.isRegex ? regexMatches(matcher.value, value) : matcher.value === value;
  return matcher.isEqual ? hit : !hit;
}

/** Does the silence's every matcher accept this label set? (Alertmanager's own test, state aside.) */
export function matchesLabels(matchers: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.every((m) => matcherMatches(m, labels[m.name] ?? ''));
}

/** Active at `now`: Alertmanager says so and the time window agrees (a cached list may be seconds old). */
export function isActive(silence: Silence, now: number): boolean {
  return silence.status.state === 'active' && Date.parse(silence.startsAt) <= now && now < Date.parse(silence.endsAt);
}

/** The active silence that mutes an alert with these labels, if any (the one lasting longest). */
export function silencing(silences: readonly Silence[], labels: Readonly<Record<string, string>>, now: number): Silence | undefined {
  let found: Silence | undefined;
  for (const s of silences) {
    if (isActive(s, now) && matchesLabels(s.matchers, labels) && (!found || Date.parse(s.endsAt) > Date.parse(found.endsAt))) found = s;
  }
  return found;
}

const compiled = new Map<string, RegExp | null>();

function regexMatches(source: string, value: string): boolean {
  let re = compiled.get(source);
  if (re === undefined) {
    re = compile(source);
    if (compiled.size >= 1_000) compiled.clear(); // silences are few; the cap only guards against churn
    compiled.set(source, re);
  }
  return re !== null && re.test(value);
}

/**
 * Go RE2 through JavaScript's RegExp. The common RE2 syntax (what silences use: `a|b`, `.*`,
 * `[a-z]+`, `\d`) means the same; a leading `(?i)`/`(?s)` flag group becomes a JS flag; `u` mode is
 * tried first so `\p{L}` works. RE2-only syntax is not translated: `\pL` and `[[:alpha:]]` compile
 * to something else, `(?i)` mid-pattern does not compile and then matches nothing. Either way
 * alertscale may misjudge that one silence; Alertmanager still applies it.
 */
export function compile(source: string): RegExp | null {
  let flags = '';
  let body = source;
  const lead = /^\(\?([is]+)\)/.exec(body);
  if (lead) {
    flags = [...new Set(lead[1]!)].join('');
    body = body.slice(lead[0].length);
  }
  for (const mode of ['u', '']) {
    try {
      return new RegExp(`^(?:${body})$`, flags + mode);
    } catch {
      /* try the next mode */
    }
  }
  return null;
}
