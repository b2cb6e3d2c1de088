import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { bearerAuth } from './auth.js';
import { createDeps, type Deps, type DepsOptions } from './deps.js';
import type { ReceiverEnv } from './env.js';
import { errorBody, httpErrorOf } from './errors.js';
import { installPoolGauges } from './pool-gauges.js';
import { auditRoutes } from './routes/audit.js';
import { healthRoutes } from './routes/health.js';
import { openapiRoutes } from './routes/openapi.js';
import { pauseRoutes } from './routes/pause.js';
import { poolRoutes } from './routes/pools.js';
import { webhookRoutes } from './routes/webhook.js';

export interface ReceiverOptions extends DepsOptions {
  /** Bearer token for /v1/*; undefined = no auth (say so loudly at start). */
  token?: string;
}

export interface Receiver {
  app: Hono<ReceiverEnv>;
  deps: Deps;
  /** Resolves when every started scale command has finished and been recorded. */
  idle(): Promise<void>;
}

export function createReceiver(input: ReceiverOptions): Receiver {
  const deps = createDeps(input);
  const { metrics, logger } = deps;
  installPoolGauges(deps);

  const app = new Hono<ReceiverEnv>();
  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    const fields = {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    };
    if (c.req.path === '/v1/alertmanager') metrics.webhookRequests.inc({ status: String(c.res.status) });
    if (c.res.status >= 500) logger.warn(fields, 'request failed');
    else logger.info(fields, 'request');
  });
  app.route('/', healthRoutes(deps));
  app.route('/v1', openapiRoutes()); // public: before the /v1 bearer auth
  app.use('/v1/*', bearerAuth(input.token));
  app.route('/v1', webhookRoutes(deps));
  app.route('/v1', poolRoutes(deps));
  app.route('/v1', pauseRoutes(deps));
  app.route('/v1', auditRoutes(deps));

  app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => {
    const known = httpErrorOf(err, `${c.req.method} ${c.req.path}`);
    if (known) {
      if (known.status === 503) c.header('Retry-After', '1');
      return c.json(errorBody(known.code, known.message, known.details), known.status);
    }
    logger.error({ err, requestId: c.get('requestId') }, 'unhandled error');
    return c.json(errorBody('internal', 'internal error; see the receiver log', { requestId: c.get('requestId') }), 500);
  });

  return {
    app,
    deps,
    idle: async () => {
      while (deps.running.size > 0) await Promise.allSettled([...deps.running]);
    },
  };
}
