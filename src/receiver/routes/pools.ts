import { Hono } from 'hono';
import { z } from 'zod';
import { decideManual } from '../../policy/manual.js';
import { isRedisUnavailable } from '../../state/index.js';
import { HttpError, unavailable, unknownPool } from '../errors.js';
import type { ReceiverEnv } from '../env.js';
import { actOnPool, type PoolActionDeps } from '../pool-actions.js';
import { toPolicy } from '../pool-policy.js';
import { viewPool } from '../pool-view.js';
import { parseJsonBody } from '../validate.js';

export const manualScaleSchema = z.strictObject({
  replicas: z.int().min(0).max(1_000_000),
  reason: z.string().trim().min(1, 'say why (it goes into the audit log)').max(500),
});

function poolName(deps: PoolActionDeps, name: string): string {
  if (!(name in deps.config.pools)) throw unknownPool(name, Object.keys(deps.config.pools));
  return name;
}

async function readView(deps: PoolActionDeps, name: string) {
  try {
    return await viewPool(deps, name);
  } catch (err) {
    throw isRedisUnavailable(err) ? unavailable(`pool ${name}`, err) : err;
  }
}

/** `/v1/pools`: what each pool is, and manual scaling through the same lock, bounds, executor and audit. */
export function poolRoutes() {
  return new Hono<ReceiverEnv>()
    .get('/pools', async (c) => {
      const deps = c.get('deps');
      return c.json({ pools: await Promise.all(Object.keys(deps.config.pools).map((name) => readView(deps, name))) });
    })
    .get('/pools/:pool', async (c) => {
      const deps = c.get('deps');
      return c.json(await readView(deps, poolName(deps, c.req.param('pool'))));
    })
    .post('/pools/:pool/scale', async (c) => {
      const deps = c.get('deps');
      const pool = poolName(deps, c.req.param('pool'));
      const body = await parseJsonBody(c, manualScaleSchema);
      const policy = toPolicy(deps.config.pools[pool]!);
      const { decision, auditId } = await actOnPool(deps, {
        pool, actor: 'api', requestId: c.get('requestId'), fingerprints: [],
        decide: (state) => decideManual({ pool, policy, state, replicas: body.replicas, reason: body.reason }),
      });
      const summary = { pool, auditId, outcome: decision.outcome, scale: decision.scale, from: decision.from, to: decision.to, reason: decision.reason };
      if (decision.outcome === 'rejected') throw new HttpError(422, 'out_of_bounds', decision.reason, summary);
      return c.json(summary, decision.outcome === 'scaled' ? 202 : 200);
    });
}
