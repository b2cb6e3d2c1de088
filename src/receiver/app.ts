import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Executor } from '../executors/types.js';
import { createSilenceCache, createSilencesClient, type SilenceCache, type SilencesClient } from '../silences/index.js';
import { createAuditLog, createDecisionStore, createPoolStore, stateKeys } from '../state/index.js';
import { bearerAuth } from './auth.js';
import type { ReceiverEnv } from './env.js';
import { errorBody, HttpError } from './errors.js';
import { createReceiverMetrics } from './metrics.js';
import type { PoolActionDeps } from './pool-actions.js';
import { installPoolGauges } from './pool-gauges.js';
import { createPoolQueue } from './pool-queue.js';
import { auditRoutes } from './routes/audit.js';
import { healthRoutes } from './routes/health.js';
import { openapiRoutes } from './routes/openapi.js';
import { pauseRoutes } from './routes/pause.js';
import { poolRoutes } from './routes/pools.js';
import { webhookRoutes } from './routes/webhook.js';

export interface ReceiverDeps {
  config: Config;
  redis: Redis;
  executors: ReadonlyMap<string, Executor>;
  logger: Logger;
  /** Bearer token for /v1/*; undefined = no auth (say so loudly at start). */
  token?: string;
  now?: () => number;
  lockWaitMs?: number;
  /**
   * Alertmanager's silences API, for pause/resume and `paused`. Default: a client for
   * config.alertmanager.url. null: no Alertmanager (nothing shows as paused; pause answers 502).
   */
  silences?: SilencesClient | null;
}

export interface Receiver {
  app: Hono<ReceiverEnv>;
  deps: PoolActionDeps;
  /** Alertmanager's silences as this receiver sees them (null without Alertmanager). */
  silences: SilenceCache | null;
  /** Resolves when every started scale command has finished and been recorded. */
  idle(): Promise<void>;
}

export function createReceiver(input: ReceiverDeps): Receiver {
  const keys = stateKeys(input.config.redis.keyPrefix);
  const metrics = createReceiverMetrics();
  const deps: PoolActionDeps = {
    config: input.config,
    redis: input.redis,
    keys,
    pools: createPoolStore(input.redis, keys),
    audit: createAuditLog(input.redis, keys, input.config.receiver.auditMaxEntries),
    decisions: createDecisionStore(input.redis, keys, input.config.receiver.auditMaxEntries),
    executors: input.executors,
    metrics,
    logger: input.logger,
    now: input.now ?? Date.now,
    lockWaitMs: input.lockWaitMs ?? 1_000,
    queue: createPoolQueue(),
    running: new Set(),
  };
  const silences = input.silences === null ? null : createSilenceCache({ client: input.silences ?? createSilencesClient({ url: input.config.alertmanager.url }) });
  installPoolGauges(deps, input.logger, silences);

  const app = new Hono<ReceiverEnv>();
  app.use(requestId());
  app.use(async (c, next) => {
    c.set('deps', deps);
    const started = performance.now();
    await next();
    const fields = { requestId: c.get('requestId'), method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) };
    if (c.req.path === '/v1/alertmanager') metrics.webhookRequests.inc({ status: String(c.res.status) });
    if (c.res.status >= 500) input.logger.warn(fields, 'request failed');
    else input.logger.info(fields, 'request');
  });
  app.route('/', healthRoutes(metrics.registry));
  app.route('/v1', openapiRoutes()); // public: before the /v1 bearer auth
  app.use('/v1/*', bearerAuth(input.token));
  app.route('/v1', webhookRoutes(silences));
  app.route('/v1', poolRoutes(silences));
  app.route('/v1', pauseRoutes(silences));
  app.route('/v1', auditRoutes());

  app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => {
    if (err instanceof HttpError) {
      if (err.status === 503) c.header('Retry-After', '1');
      return c.json(errorBody(err.code, err.message, err.details), err.status);
    }
    input.logger.error({ err, requestId: c.get('requestId') }, 'unhandled error');
    return c.json(errorBody('internal', 'internal error; see the receiver log', { requestId: c.get('requestId') }), 500);
  });

  return {
    app,
    deps,
    silences,
    idle: async () => {
      while (deps.running.size > 0) await Promise.allSettled([...deps.running]);
    },
  };
}
