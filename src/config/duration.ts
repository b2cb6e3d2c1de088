import parseDuration from 'parse-duration';

/**
 * Durations as Prometheus writes them: `500ms`, `30s`, `5m`, `1h30m`, `2d`. No zod here: the CLI
 * parses its arguments with this, and the schema's field (`fields.ts`) is built on it.
 */
const PROMETHEUS_DURATION = /^(?:\d+(?:ms|s|m|h|d|w|y))+$/;

/** Milliseconds in a Prometheus-style duration, or undefined when the text is not one. */
export function parsePrometheusDuration(text: string): number | undefined {
  if (!PROMETHEUS_DURATION.test(text)) return undefined;
  const ms = parseDuration(text);
  return ms === null || ms === undefined ? undefined : ms;
}
