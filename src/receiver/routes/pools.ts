import { Hono } from 'hono';
import { z } from 'zod';
import { decideManual } from '../../policy/manual.js';
import { isAlertmanagerError, pausesOf } from '../../silences/index.js';
import type { Deps } from '../deps.js';
import type { ReceiverEnv } from '../env.js';
import { HttpError, knownPool } from '../errors.js';
import { actOnPool, type ActionDeps } from '../pool-actions.js';
import { toPolicy } from '../pool-policy.js';
import { viewPool, type SilencesSeen } from '../pool-view.js';
import { parseJsonBody } from '../validate.js';

export const manualScaleSchema = z.strictObject({
  replicas: z.int().min(0).max(1_000_000),
  reason: z.string().trim().min(1, 'say why (it goes into the audit log)').max(500),
});

/**
 * One silence list per request, whatever the number of pools. Alertmanager down does not fail the
 * pool list: pools then show `paused: null, pausedUnknown: true` and the answer carries a warning.
 */
async function readSilences({ silences, logger }: Pick<Deps, 'silences' | 'logger'>): Promise<SilencesSeen> {
  if (!silences) return undefined;
  try {
    return await silences.list();
  } catch (err) {
    if (!isAlertmanagerError(err)) throw err;
    logger.warn({ err: err.message }, 'could not read Alertmanager silences; pools show pausedUnknown');
    return { error: err.message };
  }
}

const warningsOf = (seen: SilencesSeen) =>
  seen && !Array.isArray(seen) ? [`paused state unknown: ${(seen as { error: string }).error}`] : [];

/** `/v1/pools`: what each pool is, and manual scaling through the same lock, bounds, executor and audit. */
export function poolRoutes(deps: ActionDeps & Pick<Deps, 'pools' | 'silences' | 'workers'>) {
  return new Hono<ReceiverEnv>()
    .get('/pools', async (c) => {
      const seen = await readSilences(deps);
      const pools = await Promise.all(Object.keys(deps.config.pools).map((name) => viewPool(deps, name, seen)));
      return c.json({ pools, warnings: warningsOf(seen) });
    })
    .get('/pools/:pool', async (c) => {
      const pool = knownPool(deps.config, c.req.param('pool'));
      return c.json(await viewPool(deps, pool, await readSilences(deps)));
    })
    .get('/pools/:pool/workers', async (c) => {
      const pool = knownPool(deps.config, c.req.param('pool'));
      return c.json(await deps.workers.read(pool));
    })
    .post('/pools/:pool/scale', async (c) => {
      const pool = knownPool(deps.config, c.req.param('pool'));
      const body = await parseJsonBody(c, manualScaleSchema);
      const policy = toPolicy(deps.config.pools[pool]!);
      const reason = body.reason + (await pausedNote(deps, pool));
      const { decision, auditId } = await actOnPool(deps, {
        pool,
        actor: 'api',
        requestId: c.get('requestId'),
        fingerprints: [],
        decide: (state) => decideManual({ pool, policy, state, replicas: body.replicas, reason }),
      });
      const summary = {
        pool,
        auditId,
        outcome: decision.outcome,
        scale: decision.scale,
        from: decision.from,
        to: decision.to,
        reason: decision.reason,
      };
      if (decision.outcome === 'rejected') throw new HttpError(422, 'out_of_bounds', decision.reason, summary);
      return c.json(summary, decision.outcome === 'scaled' ? 202 : 200);
    });
}

/**
 * Manual scaling works while a pool is paused (an operator's explicit act); the audit says so.
 * Best effort: a silence list at most a few seconds old, never a wait of more than 100 ms.
 */
async function pausedNote({ silences, now }: Pick<Deps, 'silences' | 'now'>, pool: string): Promise<string> {
  const list = await silences?.peek(100);
  const pause = list ? pausesOf(pool, list, now())[0] : undefined;
  return pause ? `; while paused by silence ${pause.silenceId} until ${pause.until}` : '';
}
