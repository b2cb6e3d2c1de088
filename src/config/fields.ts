import { z } from 'zod';
import { parsePrometheusDuration } from './duration.js';

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
