import { Hono } from 'hono';
import type { Deps } from '../deps.js';
import { HttpError } from '../errors.js';
import type { ReceiverEnv } from '../env.js';

/** `/healthz` (the process answers), `/readyz` (Redis answers), `/metrics` (Prometheus text). */
export function healthRoutes({ redis, metrics: { registry } }: Pick<Deps, 'redis' | 'metrics'>) {
  return new Hono<ReceiverEnv>()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      try {
        await redis.ping();
      } catch (err) {
        throw new HttpError(503, 'not_ready', `Redis is unreachable: ${(err as Error).message}`);
      }
      return c.json({ status: 'ready' });
    })
    .get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }));
}
