import { InvalidArgumentError } from 'commander';
import { parsePrometheusDuration } from '../../config/duration.js';
import { OUTCOMES, type Outcome } from '../../policy/types.js';
import { parseTimeParam } from '../../receiver/time-param.js';

/**
 * Argument parsers for commander: a bad value is a usage error (`InvalidArgumentError`, exit 2)
 * whose message says what to write instead. Pure.
 */

/** `30s`, `5m`, `1h30m` → milliseconds. */
export function parseDurationArg(text: string): number {
  const ms = parsePrometheusDuration(text.trim());
  if (ms === undefined || ms <= 0)
    throw new InvalidArgumentError(`"${text}" is not a duration; write it as Prometheus does, e.g. 30s, 15m, 1h30m.`);
  return ms;
}

/** A replica count: a whole number ≥ 0. */
export function parseCountArg(text: string): number {
  if (!/^\d{1,7}$/.test(text.trim())) throw new InvalidArgumentError(`"${text}" is not a replica count; write a whole number such as 3.`);
  return Number(text.trim());
}

/** A positive whole number no larger than `max`. */
export function parseLimitArg(max: number) {
  return (text: string): number => {
    const n = Number(text.trim());
    if (!/^\d+$/.test(text.trim()) || n < 1 || n > max)
      throw new InvalidArgumentError(`"${text}" must be a whole number from 1 to ${max}.`);
    return n;
  };
}

export function parseOutcomeArg(text: string): Outcome {
  if (!(OUTCOMES as readonly string[]).includes(text))
    throw new InvalidArgumentError(`"${text}" is not an outcome; use one of ${OUTCOMES.join(', ')}.`);
  return text as Outcome;
}

/**
 * A point in time as operators type it: RFC 3339, unix seconds, a duration ago (`15m`), or a
 * local clock time today (`14:03`, `14:03:12`) → unix ms.
 */
export function parseTimeArg(text: string, now: number = Date.now()): number {
  const trimmed = text.trim();
  const bad = () =>
    new InvalidArgumentError(`"${text}" is not a time; write 15m (ago), 14:03 (today), 2026-11-23T14:03:00Z or unix seconds.`);
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(trimmed);
  if (clock) {
    const [h, m, s] = [Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)];
    // Checked here: V8's Date.parse would take "14:60" for some day in 1960.
    if (h >= 24 || m >= 60 || s >= 60) throw bad();
    const d = new Date(now);
    d.setHours(h, m, s, 0);
    return d.getTime();
  }
  const ms = parseTimeParam(trimmed, now);
  if (ms === undefined || Number.isNaN(ms)) throw bad();
  return ms;
}

/** Time arguments are parsed when used (so `now` is the command's now); commander keeps the text. */
export function checkTimeArg(text: string): string {
  parseTimeArg(text);
  return text;
}
