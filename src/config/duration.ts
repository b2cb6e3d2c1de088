import parseDuration from 'parse-duration';
import { z } from 'zod';

/** Durations as Prometheus writes them: `500ms`, `30s`, `5m`, `1h30m`, `2d`. */
const PROMETHEUS_DURATION = /^(?:\d+(?:ms|s|m|h|d|w|y))+$/;

/** Milliseconds in a Prometheus-style duration, or undefined when the text is not one. */
export function parsePrometheusDuration(text: string): number | undefined {
  if (!PROMETHEUS_DURATION.test(text)) return undefined;
  const ms = parseDuration(text);
  return ms === null || ms === undefined ? undefined : ms;
}

/** A zod field that takes `30s`/`5m`/`1h` and yields milliseconds. */
export const duration = z.string().transform((text, ctx) => {
  const ms = parsePrometheusDuration(text);
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a duration; write it as Prometheus does, e.g. 30s, 5m, 1h30m`,
    });
    return z.NEVER;
  }
  return ms;
});
