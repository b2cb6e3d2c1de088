import { parsePrometheusDuration } from '../config/duration.js';

/**
 * A point in time as operators type it: RFC 3339 (`2026-11-23T06:00:00Z`), unix seconds
 * (`1795413600`), or a duration ago (`15m`, `1h`). Undefined when it is none of those.
 */
const RFC3339 = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;

export function parseTimeParam(text: string, now: number): number | undefined {
  const ago = parsePrometheusDuration(text);
  if (ago !== undefined) return now - ago;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Date.parse alone is lenient (it reads "14:60" as a date in 1960): only RFC 3339 gets to it.
  if (!RFC3339.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
