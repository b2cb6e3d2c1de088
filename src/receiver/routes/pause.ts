import { Hono } from 'hono';
import { z } from 'zod';
import { parsePrometheusDuration } from '../../config/duration.js';
import { AlertmanagerError, pausesOf, pauseView, poolMatchers, type SilenceCache } from '../../silences/index.js';
import type { Deps } from '../deps.js';
import type { ReceiverEnv } from '../env.js';
import { HttpError, knownPool } from '../errors.js';
import { parseJsonBody } from '../validate.js';

/** Longest pause one request may ask for: a forgotten pause must not freeze a pool for good. */
export const MAX_PAUSE_MS = 7 * 24 * 3_600_000;
export const MIN_PAUSE_MS = 1_000;

export const pauseRequestSchema = z.strictObject({
  /** Prometheus-style duration: `30m`, `2h`, `1h30m`, at most `7d`. */
  duration: z.string().transform((text, ctx) => {
    const ms = parsePrometheusDuration(text);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not a duration; write it as Prometheus does, e.g. 30m, 2h, 1h30m (at most 7d)`,
      });
      return z.NEVER;
    }
    if (ms < MIN_PAUSE_MS || ms > MAX_PAUSE_MS) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is out of range: pause for 1s to 7d (resume ends a pause early)` });
      return z.NEVER;
    }
    return ms;
  }),
  comment: z.string().trim().min(1, 'say why (Alertmanager shows it with the silence)').max(1000),
  /** Who paused; default `alertscale`. */
  createdBy: z.string().trim().min(1).max(200).optional(),
});

export const matcherSchema = z.object({ name: z.string(), value: z.string(), isRegex: z.boolean(), isEqual: z.boolean() });

/** `paused` in pool views and the resume answer. */
export const pausedSchema = z.object({
  silenceId: z.string(),
  until: z.string().describe('the silence endsAt, RFC 3339'),
  comment: z.string(),
  createdBy: z.string(),
  matchers: z.array(matcherSchema),
  scale: z.array(z.enum(['up', 'down'])).describe('directions whose scaling alerts the silence mutes'),
  partial: z.boolean().describe('the silence also matches other labels (e.g. alertname): only some scaling alerts are muted'),
  resumable: z.boolean().describe('matchers are exactly pool="<pool>" (plus scale): DELETE …/pause expires it'),
  otherSilenceIds: z.array(z.string()).describe('further active silences that also pause the pool'),
});

export const pauseResponseSchema = z.object({
  pool: z.string(),
  silenceId: z.string(),
  until: z.string(),
  comment: z.string(),
  createdBy: z.string(),
  matchers: z.array(matcherSchema),
});

export const resumeResponseSchema = z.object({
  pool: z.string(),
  expired: z.array(z.string()).describe('silences expired by this request'),
  left: z.array(z.string()).describe('broader silences that still pause the pool (regex, other labels…): expire them in Alertmanager'),
  paused: pausedSchema.nullable().describe('the pool after this request'),
  message: z.string(),
});

/**
 * `POST /v1/pools/:pool/pause` and `DELETE /v1/pools/:pool/pause`: a pause is an Alertmanager
 * silence on `pool="<pool>"`, so scaling alerts stop at Alertmanager and the receiver keeps no
 * pause state of its own; silences made with amtool or the UI count the same.
 */
export function pauseRoutes(deps: Pick<Deps, 'config' | 'silences' | 'logger' | 'now'>) {
  const { silences } = deps;
  return new Hono<ReceiverEnv>()
    .post('/pools/:pool/pause', async (c) => {
      const pool = knownPool(deps.config, c.req.param('pool'));
      const body = await parseJsonBody(c, pauseRequestSchema);
      const am = need(silences);
      const now = deps.now();
      const silence = {
        matchers: poolMatchers(pool),
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + body.duration).toISOString(),
        createdBy: body.createdBy ?? 'alertscale',
        comment: body.comment,
      };
      const silenceId = await viaAlertmanager(() => am.client.create(silence));
      await refresh(am);
      deps.logger.info(
        { pool, silenceId, until: silence.endsAt, createdBy: silence.createdBy, requestId: c.get('requestId') },
        'pool paused',
      );
      const answer: z.infer<typeof pauseResponseSchema> = {
        pool,
        silenceId,
        until: silence.endsAt,
        comment: silence.comment,
        createdBy: silence.createdBy,
        matchers: silence.matchers,
      };
      return c.json(answer, 201);
    })
    .delete('/pools/:pool/pause', async (c) => {
      const pool = knownPool(deps.config, c.req.param('pool'));
      const am = need(silences);
      const pauses = pausesOf(pool, await viaAlertmanager(() => am.list()), deps.now());
      const targets = pauses.filter((p) => p.resumable).map((p) => p.silenceId);
      const results = await Promise.allSettled(targets.map((id) => am.client.expire(id)));
      await refresh(am);
      // An id Alertmanager no longer knows is already gone: resumed as far as that silence goes.
      const failed = results.flatMap((r, i) =>
        r.status === 'rejected' && !(r.reason instanceof AlertmanagerError && r.reason.notFound)
          ? [{ id: targets[i]!, err: r.reason as unknown }]
          : [],
      );
      const expired = targets.filter((id) => !failed.some((f) => f.id === id));
      if (failed.length > 0) {
        const first = failed[0]!.err;
        if (!(first instanceof AlertmanagerError)) throw first;
        const error = alertmanagerFailure(first, `expired ${expired.length} of ${targets.length} silences; resume again`);
        throw new HttpError(error.status, error.code, error.message, {
          ...(error.details as object),
          expired,
          failed: failed.map((f) => f.id),
        });
      }
      const rest = pauses.filter((p) => !p.resumable);
      deps.logger.info({ pool, expired, left: rest.map((p) => p.silenceId), requestId: c.get('requestId') }, 'pool resumed');
      const answer: z.infer<typeof resumeResponseSchema> = {
        pool,
        expired,
        left: rest.map((p) => p.silenceId),
        paused: pauseView(rest),
        message: resumeMessage(
          pool,
          expired,
          rest.map((p) => p.silenceId),
        ),
      };
      return c.json(answer, 200);
    });
}

function resumeMessage(pool: string, expired: string[], left: string[]): string {
  const done =
    expired.length === 0 ? `no silence on exactly pool="${pool}" was active` : `expired ${expired.length} silence(s) on pool="${pool}"`;
  if (left.length === 0) return `${done}; ${pool} is not paused`;
  return (
    `${done}; ${pool} is still paused by ${left.length} broader silence(s) (${left.join(', ')}), which resume leaves alone: ` +
    'expire them in Alertmanager (amtool silence expire ID) if you mean to'
  );
}

/**
 * After a change, the receiver's remembered list must not be the old one: webhooks consult it
 * (a notification already on its way is then decided `paused`). Best effort.
 */
async function refresh(am: SilenceCache): Promise<void> {
  am.forget();
  await am.list().catch(() => undefined);
}

function need(silences: SilenceCache | null): SilenceCache {
  if (!silences)
    throw new HttpError(
      502,
      'alertmanager_unreachable',
      'this receiver has no Alertmanager to pause through (set alertmanager.url in alertscale.yml)',
    );
  return silences;
}

async function viaAlertmanager<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw err instanceof AlertmanagerError ? alertmanagerFailure(err, 'nothing was changed') : err;
  }
}

/** 502 with what happened: unreachable (start it, or fix alertmanager.url), or what it answered. */
function alertmanagerFailure(err: AlertmanagerError, consequence: string): HttpError {
  if (err.kind === 'unreachable') {
    return new HttpError(
      502,
      'alertmanager_unreachable',
      `${err.message}; ${consequence}. Start Alertmanager or fix alertmanager.url in alertscale.yml`,
      { alertmanager: err.url },
    );
  }
  return new HttpError(502, 'alertmanager_error', `${err.message}; ${consequence}`, {
    alertmanager: err.url,
    status: err.status,
    body: err.body,
  });
}
