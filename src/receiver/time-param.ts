import { parsePrometheusDuration } from '../config/duration.js';

/**
 * A point in time as operators type it: RFC 3339 (`2026-11-23T06:00:00Z`), unix seconds
 * (`1795413600`), or a duration ago (`15m`, `1h`). Undefined when it is none of those.
 */
export function parseTimeParam(text: string, now: number): number | undefined {
  const ago = parsePrometheusDuration(text);
  if (ago !== undefined) return now - ago;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
