/**
 * The receiver's OpenAPI 3 document, generated from the zod schemas the routes validate with
 * (@asteasolutions/zod-to-openapi): request bodies and queries are the routes' own schemas;
 * responses are described here in zod, and tied to the TypeScript types the handlers return by
 * the compile-time checks at the end of this file, so neither can drift without tsc saying so.
 * A test checks that every route of the app under /v1 is in the document.
 */
import { readFileSync } from 'node:fs';
import { OpenAPIRegistry, OpenApiGeneratorV3, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { webhookSchema } from '../alerts/webhook-schema.js';
import type { AlertRef } from '../alerts/signal.js';
import { POOL_NAME } from '../config/names.js';
import { OUTCOMES } from '../policy/types.js';
import type { AuditEntry } from '../state/audit-entry.js';
import type { AuditPage } from '../state/audit-log.js';
import type { StoredDecision } from '../state/pool-state.js';
import type { DecisionSummary, NotificationResult } from './notification.js';
import type { PoolView } from './pool-view.js';
import { auditQuerySchema } from './routes/audit.js';
import { pausedSchema, pauseRequestSchema, pauseResponseSchema, resumeResponseSchema } from './routes/pause.js';
import { manualScaleSchema } from './routes/pools.js';

// ── response schemas ─────────────────────────────────────────────────────────────────────────────

const outcome = z.enum(OUTCOMES).describe('why the decision came out as it did (closed set; also a metric label)');
const direction = z.enum(['up', 'down']);
const count = z.int().min(0);
/** Any JSON object. The meta keeps `additionalProperties: true` (plain .loose() renders a type-less `{nullable: true}`). */
const anyObject = () => z.object({}).loose().meta({ additionalProperties: true });

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().describe('stable machine-readable code, e.g. unknown_pool, invalid_request, state_unavailable'),
      message: z.string().describe('one line for people, with the fix where there is one'),
      details: z
        .union([anyObject(), z.array(anyObject())])
        .optional()
        .describe('more: the problems of a failed validation ({path, message}[]), the known pools, the decision…'),
    }),
  })
  .meta({ id: 'Error', description: 'The one error shape of every endpoint.' });

export const alertRefSchema = z
  .object({
    alertname: z.string(),
    fingerprint: z.string(),
    status: z.enum(['firing', 'resolved']),
    startsAt: z.string(),
    generatorURL: z.string(),
  })
  .meta({ id: 'AlertRef', description: 'Which alert asked for what.' });

export const storedDecisionSchema = z
  .object({
    id: z.string().describe('audit entry id'),
    time: z.string(),
    outcome,
    scale: direction.nullable(),
    from: count,
    to: count,
    reason: z.string(),
  })
  .meta({ id: 'StoredDecision' });

export const pausedViewSchema = pausedSchema.meta({ id: 'Paused', description: 'The Alertmanager silence that pauses the pool.' });

export const poolViewSchema = z
  .object({
    pool: z.string(),
    replicas: count.describe('replicas as alertscale last knew them (probe, last scale, else min)'),
    desired: count.nullable().describe("the last decision's wanted count"),
    min: count,
    max: count,
    enabled: z.boolean().describe('false = dry run: decisions are audited, never executed'),
    executor: z.string().describe('executor kind: command, pm2, compose, …'),
    cooldown: z.object({ up: z.number(), down: z.number() }).describe('seconds: up after a grow, down after any change'),
    step: count.describe('workers per step alert without a step annotation'),
    stepInterval: z.number().describe('seconds: a firing step alert steps at most this often'),
    maxStep: count.nullable().describe('largest change per action, null = unbounded'),
    cooldownRemainingSeconds: z.object({ up: count, down: count }),
    lastDecision: storedDecisionSchema.nullable(),
    paused: pausedViewSchema.nullable(),
    pausedUnknown: z.boolean().describe('Alertmanager could not be asked: paused null then means unknown'),
  })
  .meta({ id: 'PoolView' });

export const poolListSchema = z
  .object({
    pools: z.array(poolViewSchema),
    warnings: z.array(z.string()).describe('e.g. paused state unknown while Alertmanager is unreachable'),
  })
  .meta({ id: 'PoolList' });

export const decisionSummarySchema = z
  .object({
    pool: z.string(),
    auditId: z.string(),
    outcome,
    scale: direction.nullable(),
    from: count,
    to: count,
    reason: z.string(),
    cooldownRemainingSeconds: count.optional(),
  })
  .meta({ id: 'DecisionSummary' });

export const notificationResultSchema = z
  .object({
    requestId: z.string(),
    decisions: z.array(decisionSummarySchema).describe('one per pool in the notification'),
    ignoredAlerts: count.describe('alerts without pool/scale labels: counted, not acted on'),
  })
  .meta({ id: 'NotificationResult' });

export const auditEntrySchema = z
  .object({
    id: z.string().describe('Redis stream id: milliseconds-sequence'),
    time: z.string(),
    pool: z.string(),
    scale: direction.nullable(),
    from: count,
    to: count,
    outcome,
    reason: z.string(),
    alerts: z.array(alertRefSchema),
    actor: z.enum(['alertmanager', 'api']),
    requestId: z.string(),
    status: z.enum(['running', 'done']).describe('running while the scale command runs'),
    argv: z.array(z.string()).nullable(),
    exitCode: z.int().nullable(),
    durationMs: count.nullable(),
    timedOut: z.boolean(),
    outputTail: z.string().nullable().describe('the last 4 KiB of the command output'),
    error: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry' });

export const auditPageSchema = z
  .object({
    entries: z.array(auditEntrySchema).describe('newest first'),
    nextCursor: z.string().nullable().describe('pass as cursor for the next (older) page; null at the end'),
  })
  .meta({ id: 'AuditPage' });

// ── the document ─────────────────────────────────────────────────────────────────────────────────

const json = (schema: z.ZodType, description: string): ResponseConfig => ({ description, content: { 'application/json': { schema } } });
const failure = (description: string) => json(errorSchema, description);

const UNAUTHORIZED = failure('missing or wrong bearer token');
const REDIS_DOWN = failure('Redis unreachable (state_unavailable) or the pool busy with another action (pool_busy); nothing was run, retry');
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
      422: failure('invalid_request (not a webhook v4 body), invalid_alert (an alert breaks the scaling-alert contract) or unknown_pool (every pool in it is unknown); not retried'),
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
    method: 'post',
    path: '/v1/pools/{pool}/scale',
    tags: ['pools'],
    summary: 'Scale a pool by hand (same lock, bounds, executor and audit as alerts; works while paused)',
    request: { params: poolParam, body: { required: true, content: { 'application/json': { schema: manualScaleSchema.meta({ id: 'ManualScaleRequest' }) } } } },
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
    request: { params: poolParam, body: { required: true, content: { 'application/json': { schema: pauseRequestSchema.meta({ id: 'PauseRequest' }) } } } },
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
    responses: { 200: json(resumeResponseSchema.meta({ id: 'ResumeResponse' }), 'what was expired and what still pauses the pool'), 401: UNAUTHORIZED, 404: NO_POOL, 502: ALERTMANAGER },
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
    responses: { 200: json(auditEntrySchema, 'the entry'), 401: UNAUTHORIZED, 404: failure('not_found: no such entry (or trimmed)'), 422: INVALID, 503: REDIS_DOWN },
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
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export function buildOpenApiDocument() {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'The token of receiver.tokenFile / receiver.tokenEnv in alertscale.yml (the one Alertmanager sends). A receiver started without one accepts any request.',
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

// ── the response schemas describe exactly what the handlers return (checked by tsc) ─────────────

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const shapesAgree: [
  Same<z.infer<typeof poolViewSchema>, PoolView>,
  Same<z.infer<typeof storedDecisionSchema>, StoredDecision>,
  Same<z.infer<typeof decisionSummarySchema>, DecisionSummary>,
  Same<z.infer<typeof notificationResultSchema>, NotificationResult>,
  Same<z.infer<typeof auditEntrySchema>, AuditEntry>,
  Same<z.infer<typeof auditPageSchema>, AuditPage>,
  Same<z.infer<typeof alertRefSchema>, AlertRef>,
] = [true, true, true, true, true, true, true];
void shapesAgree;
