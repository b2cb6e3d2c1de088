import type { AlertHistory } from '../policy/types.js';

/** Kept long past any repeat_interval, short enough not to pile up. */
export const HISTORY_TTL_SECONDS = 7 * 24 * 3600;

/** An alert history hash (HGETALL), or undefined when there is none. */
export function parseHistory(h: Record<string, string>): AlertHistory | undefined {
  if (!h.startsAt) return undefined;
  return { startsAt: h.startsAt, resolved: h.resolved === '1', lastStepAt: h.lastStepAt ? Number(h.lastStepAt) : undefined };
}
