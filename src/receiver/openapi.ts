/**
 * The receiver's OpenAPI 3 document, generated from the zod schemas the routes validate with
 * (@asteasolutions/zod-to-openapi): request bodies and queries are the routes' own schemas;
 * responses are described in zod in openapi-schemas.ts, tied there to the TypeScript types the
 * handlers return.
 * A test checks that every route of the app under /v1 is in the document.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenAPIRegistry, OpenApiGeneratorV3, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { webhookSchema } from '../alerts/webhook-schema.js';
import { POOL_NAME } from '../config/names.js';
import {
  anyObject,
  auditEntrySchema,
  auditPageSchema,
  decisionSummarySchema,
  errorSchema,
  notificationResultSchema,
  poolListSchema,
  poolViewSchema,
  poolWorkersSchema,
} from './openapi-schemas.js';
import { auditQuerySchema } from './routes/audit.js';
import { pauseRequestSchema, pauseResponseSchema, resumeResponseSchema } from './routes/pause.js';
import { manualScaleSchema } from './routes/pools.js';
import { REPO_ROOT } from '../repo-root.js';

const json = (schema: z.ZodType, description: string): ResponseConfig => ({ description, content: { 'application/json': { schema } } });
const failure = (description: string) => json(errorSchema, description);

const UNAUTHORIZED = failure('missing or wrong bearer token');
const REDIS_DOWN = failure(
  'Redis unreachable (state_unavailable) or the pool busy with another action (pool_busy); nothing was run, retry',
);
const NO_POOL = failure('unknown_pool: the pool is not in alertscale.yml (details.known lists the pools)');
const INVALID = failure('invalid_request: the input failed validation; details lists every problem with its path');
const ALERTMANAGER = failure('Alertmanager unreachable or refused (alertmanager_unreachable, alertmanager_error); nothing was changed');
const poolParam = z.object({ pool: z.string().regex(POOL_NAME).describe('pool name from alertscale.yml') });
const PUBLIC: RouteConfig['security'] = [];

const ROUTES: RouteConfig[] = [
  {
    method: 'post',
    path: '/v1/alertmanager',
    tags: ['alertmanager'],
    summary: 'Alertmanager webhook (v4): decide and scale every pool in the notification',
    description:
      'Point an Alertmanager webhook_configs url here. Each notification is a statement of the current alert state: ' +
      'per pool, the safest wanted count wins, bounded by min/max, maxStep and cooldowns. The answer comes before the ' +
      'scale command finishes (see the audit log). 5xx only where Alertmanager should retry.',
    request: { body: { required: true, content: { 'application/json': { schema: webhookSchema.meta({ id: 'AlertmanagerWebhook' }) } } } },
    responses: {
      200: json(notificationResultSchema, 'decided (and commands started) for every pool in it'),
      400: failure('invalid_json: the body is not JSON'),
      401: UNAUTHORIZED,
      413: failure('body_too_large: over 1 MiB; lower max_alerts in alertmanager.yml'),
      422: failure(
        'invalid_request (not a webhook v4 body), invalid_alert (an alert breaks the ' +
          'scaling-alert contract) or unknown_pool (every pool in it is unknown); not retried',
      ),
      503: REDIS_DOWN,
    },
  },
  {
    method: 'get',
    path: '/v1/pools',
    tags: ['pools'],
    summary: 'Every pool: replicas, desired, bounds, cooldowns, last decision, pause',
    responses: { 200: json(poolListSchema, 'the pools of alertscale.yml'), 401: UNAUTHORIZED, 503: REDIS_DOWN },
  },
  {
    method: 'get',
    path: '/v1/pools/{pool}',
    tags: ['pools'],
    summary: 'One pool',
    request: { params: poolParam },
    responses: { 200: json(poolViewSchema, 'the pool'), 401: UNAUTHORIZED, 404: NO_POOL, 503: REDIS_DOWN },
  },
  {
    method: 'get',
    path: '/v1/pools/{pool}/workers',
    tags: ['pools'],
    summary:
      'Every worker of a pool (from its heartbeat, docs/HEARTBEATS.md): idle/busy, ' +
      'job and for how long, done/failed, CPU, RSS, load; and the pool summary',
    request: { params: poolParam },
    responses: { 200: json(poolWorkersSchema, 'the workers with a live heartbeat'), 401: UNAUTHORIZED, 404: NO_POOL, 503: REDIS_DOWN },
  },
  {
    method: 'post',
    path: '/v1/pools/{pool}/scale',
    tags: ['pools'],
    summary: 'Scale a pool by hand (same lock, bounds, executor and audit as alerts; works while paused)',
    request: {
      params: poolParam,
      body: { required: true, content: { 'application/json': { schema: manualScaleSchema.meta({ id: 'ManualScaleRequest' }) } } },
    },
    responses: {
      200: json(decisionSummarySchema, 'nothing to run (already at that count, or dry run): see outcome'),
      202: json(decisionSummarySchema, 'scaled: the command is running; the audit entry completes when it ends'),
      400: failure('invalid_json'),
      401: UNAUTHORIZED,
      404: NO_POOL,
      422: failure('invalid_request, or out_of_bounds (outside the pool min/max; details is the decision)'),
      503: REDIS_DOWN,
    },
  },
  {
    method: 'post',
    path: '/v1/pools/{pool}/pause',
    tags: ['pause'],
    summary: 'Pause scaling: an Alertmanager silence on pool="<pool>"',
    description:
      'Scaling alerts of the pool stop at Alertmanager for the duration. Manual scaling still works. ' +
      'duration: as Prometheus writes it (30m, 2h, 1h30m), 1s to 7d; createdBy defaults to alertscale.',
    request: {
      params: poolParam,
      body: { required: true, content: { 'application/json': { schema: pauseRequestSchema.meta({ id: 'PauseRequest' }) } } },
    },
    responses: {
      201: json(pauseResponseSchema.meta({ id: 'PauseResponse' }), 'the silence was created'),
      400: failure('invalid_json'),
      401: UNAUTHORIZED,
      404: NO_POOL,
      422: INVALID,
      502: ALERTMANAGER,
    },
  },
  {
    method: 'delete',
    path: '/v1/pools/{pool}/pause',
    tags: ['pause'],
    summary: 'Resume: expire the silences on exactly pool="<pool>"',
    description: 'Broader silences (regex, other labels) are left alone and listed in `left`.',
    request: { params: poolParam },
    responses: {
      200: json(resumeResponseSchema.meta({ id: 'ResumeResponse' }), 'what was expired and what still pauses the pool'),
      401: UNAUTHORIZED,
      404: NO_POOL,
      502: ALERTMANAGER,
    },
  },
  {
    method: 'get',
    path: '/v1/audit',
    tags: ['audit'],
    summary: 'The decision log, newest first, filtered and paged',
    description: 'since/until: RFC 3339, unix seconds, or a duration ago such as 1h.',
    request: { query: auditQuerySchema(0) },
    responses: { 200: json(auditPageSchema, 'one page'), 401: UNAUTHORIZED, 422: INVALID, 503: REDIS_DOWN },
  },
  {
    method: 'get',
    path: '/v1/audit/{id}',
    tags: ['audit'],
    summary: 'One audit entry by id (e.g. the auditId of a decision), with its command result once it has one',
    request: { params: z.object({ id: z.string().describe('stream id such as 1795414460737-0') }) },
    responses: {
      200: json(auditEntrySchema, 'the entry'),
      401: UNAUTHORIZED,
      404: failure('not_found: no such entry (or trimmed)'),
      422: INVALID,
      503: REDIS_DOWN,
    },
  },
  {
    method: 'get',
    path: '/v1/openapi.json',
    tags: ['meta'],
    summary: 'This document',
    description: 'Public (no token): it is static and names no pool, host or secret.',
    security: PUBLIC,
    responses: { 200: { description: 'OpenAPI 3.0 document', content: { 'application/json': { schema: anyObject() } } } },
  },
  {
    method: 'get',
    path: '/healthz',
    tags: ['meta'],
    summary: 'Liveness: the process answers',
    security: PUBLIC,
    responses: { 200: json(z.object({ status: z.literal('ok') }), 'alive') },
  },
  {
    method: 'get',
    path: '/readyz',
    tags: ['meta'],
    summary: 'Readiness: Redis answers',
    security: PUBLIC,
    responses: { 200: json(z.object({ status: z.literal('ready') }), 'ready'), 503: failure('not_ready: Redis is unreachable') },
  },
  {
    method: 'get',
    path: '/metrics',
    tags: ['meta'],
    summary: 'Prometheus metrics (docs/METRICS.md)',
    security: PUBLIC,
    responses: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: z.string() } } } },
  },
];

function version(): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export function buildOpenApiDocument() {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description:
      'The token of receiver.tokenFile / receiver.tokenEnv in alertscale.yml (the ' +
      'one Alertmanager sends). A receiver started without one accepts any request.',
  });
  for (const route of ROUTES) registry.registerPath(route);
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'alertscale receiver',
      version: version(),
      description:
        'Autoscaling of worker pools driven by Prometheus alerts. Alertmanager posts webhooks to /v1/alertmanager; ' +
        'operators read pools and the audit log, scale by hand, and pause or resume pools (Alertmanager silences). ' +
        'Every error has the shape of the Error schema.',
      license: { name: 'Apache-2.0' },
    },
    servers: [{ url: 'http://127.0.0.1:9460', description: 'default receiver.listen' }],
    security: [{ [bearer.name]: [] }],
  });
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;

let cached: OpenApiDocument | undefined;
/** Built once per process: it only depends on code. */
export function openApiDocument(): OpenApiDocument {
  return (cached ??= buildOpenApiDocument());
}
