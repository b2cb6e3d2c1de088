import { Hono } from 'hono';
import type { Deps } from '../deps.js';
import { HttpError } from '../errors.js';
import type { ReceiverEnv } from '../env.js';

/** `/healthz` (the process answers), `/readyz` (a Redis master answers), `/metrics` (Prometheus text). */
export function healthRoutes({ redis, metrics: { registry } }: Pick<Deps, 'redis' | 'metrics'>) {
  return new Hono<ReceiverEnv>()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      // ROLE is answered while the client is still connecting (it may run during loading), when
      // decisions would still be refused: ready means the client says so too.
      if (redis.status !== 'ready') throw new HttpError(503, 'not_ready', `Redis connection is ${redis.status}`);
      let role: unknown;
      try {
        role = await redis.call('ROLE');
      } catch (err) {
        throw new HttpError(503, 'not_ready', `Redis is unreachable: ${(err as Error).message}`);
      }
      // During a failover the connection may still be on the demoted master: writable Redis only.
      if (!Array.isArray(role) || role[0] !== 'master')
        throw new HttpError(503, 'not_ready', 'Redis answers but is not a master (a failover is under way)');
      return c.json({ status: 'ready' });
    })
    .get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }));
}
