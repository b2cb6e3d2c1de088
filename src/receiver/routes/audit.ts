import { Hono } from 'hono';
import { z } from 'zod';
import { OUTCOMES } from '../../policy/types.js';
import type { Deps } from '../deps.js';
import { HttpError } from '../errors.js';
import type { ReceiverEnv } from '../env.js';
import { parseTimeParam } from '../time-param.js';
import { validate } from '../validate.js';

const UINT64_MAX = 2n ** 64n - 1n;

/** A Redis stream id: two unsigned 64-bit numbers (a larger one is a Redis error, not an absent entry). */
function streamId(message: string) {
  return z.string().refine((id) => {
    const parts = /^(\d{1,20})-(\d{1,20})$/.exec(id);
    return parts !== null && BigInt(parts[1]!) <= UINT64_MAX && BigInt(parts[2]!) <= UINT64_MAX;
  }, message);
}

const time = (now: number) =>
  z.string().transform((text, ctx) => {
    const ms = parseTimeParam(text, now);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a time: use RFC 3339, unix seconds, or a duration ago such as 1h` });
      return z.NEVER;
    }
    // Stream ids are unsigned ms: before 1970 means from the start, and the far future stays a number Redis reads.
    return Math.min(Math.max(0, ms), Number.MAX_SAFE_INTEGER);
  });

export const auditQuerySchema = (now: number) =>
  z.strictObject({
    pool: z.string().max(64).optional(),
    outcome: z.enum(OUTCOMES).optional(),
    since: time(now).optional(),
    until: time(now).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    cursor: streamId('cursor is the nextCursor of a previous page').optional(),
  });

/** `GET /v1/audit`: the decision log, newest first. */
export function auditRoutes(deps: Pick<Deps, 'audit' | 'now'>) {
  return new Hono<ReceiverEnv>()
    .get('/audit', async (c) => {
      const query = validate(auditQuerySchema(deps.now()), c.req.query(), 'audit query');
      return c.json(await deps.audit.query(query));
    })
    .get('/audit/:id', async (c) => {
      const id = validate(entryId, c.req.param('id'), 'audit entry id');
      const entry = await deps.audit.get(id);
      if (!entry) throw new HttpError(404, 'not_found', `no audit entry ${id} (never written, or trimmed by auditMaxEntries)`);
      return c.json(entry);
    });
}

const entryId = streamId('an audit id looks like 1795414460737-0');
