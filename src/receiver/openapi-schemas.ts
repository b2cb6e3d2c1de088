/**
 * Zod schemas of what the receiver's routes answer, for the OpenAPI document (openapi.ts). Each
 * is tied to the TypeScript type its handler returns by the compile-time check at the end, so
 * neither can drift without tsc saying so.
 */
import { z } from 'zod';
import type { AlertRef } from '../alerts/signal.js';
import { OUTCOMES } from '../policy/types.js';
import type { AuditEntry } from '../state/audit-entry.js';
import type { AuditPage } from '../state/audit-log.js';
import type { StoredDecision } from '../state/pool-state.js';
import type { PoolWorkers } from '../workers/view.js';
import type { DecisionSummary, NotificationResult } from './notification.js';
import type { PoolView } from './pool-view.js';
import { pausedSchema } from './routes/pause.js';

// ── response schemas ─────────────────────────────────────────────────────────────────────────────

const outcome = z.enum(OUTCOMES).describe('why the decision came out as it did (closed set; also a metric label)');
const direction = z.enum(['up', 'down']);
const count = z.int().min(0);
/** Any JSON object. The meta keeps `additionalProperties: true` (plain .loose() renders a type-less `{nullable: true}`). */
export const anyObject = () => z.object({}).loose().meta({ additionalProperties: true });

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

export const auditVictimSchema = z
  .object({
    worker: z.string().describe('the worker id of its heartbeat'),
    tier: z
      .enum(['draining', 'idle', 'busy'])
      .describe('why it was chosen before others: already draining, idle (longest first), busy (youngest job first)'),
    why: z.string(),
    instance: z.string().nullable().describe("the executor's name for it: pm2 id, unit@N.service, container, pod; null when not found"),
    outcome: z.enum(['removed', 'stopped', 'left', 'kept', 'not_found']),
  })
  .meta({ id: 'AuditVictim' });

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
    status: z
      .enum(['running', 'done'])
      .describe('running while the scale command runs (an interrupted one is completed by the next action on its pool)'),
    argv: z.array(z.string()).nullable(),
    exitCode: z.int().nullable(),
    durationMs: count
      .nullable()
      .describe('how long the action took, start to end: for a scale-down that chose its workers, its drains included'),
    timedOut: z.boolean(),
    outputTail: z.string().nullable().describe('the last 4 KiB of the command output'),
    error: z.string().nullable(),
    victims: z
      .array(auditVictimSchema)
      .nullable()
      .describe('a scale-down whose executor chose its workers: which ones, why, and what became of each; null otherwise'),
    drain: z
      .enum(['complete', 'partial'])
      .nullable()
      .describe('partial: chosen busy workers were still draining at drainTimeout and were left to finish'),
    leaseLost: z
      .string()
      .optional()
      .describe('when lease renewal failed while the command ran (Redis away): the pool may have been taken meanwhile'),
  })
  .meta({ id: 'AuditEntry' });

export const auditPageSchema = z
  .object({
    entries: z.array(auditEntrySchema).describe('newest first'),
    nextCursor: z.string().nullable().describe('pass as cursor for the next (older) page; null at the end'),
  })
  .meta({ id: 'AuditPage' });

const seconds = z.number().min(0);
export const workerViewSchema = z
  .object({
    id: z.string(),
    state: z.enum(['idle', 'busy']),
    drain: z
      .enum(['no', 'requested', 'draining'])
      .describe('requested: the receiver asked it to drain; draining: it says it is on its way out'),
    job: z.object({ id: z.string(), forSeconds: seconds.nullable() }).nullable().describe('the job in hand and how long it has run'),
    idleForSeconds: seconds.nullable(),
    done: count,
    failed: count,
    pid: z.int().nullable(),
    host: z.string().nullable(),
    beatSecondsAgo: seconds.nullable(),
    upSeconds: seconds.nullable(),
    cpu: z
      .number()
      .min(0)
      .nullable()
      .describe("CPU cores in use over 200 ms (1 = one core); null when the process is not visible from the receiver's host"),
    rssBytes: count.nullable(),
    load: z.number().min(0).max(1).describe('0.5 for holding a job + 0.5 × CPU (capped at one core; without CPU, as busy says)'),
  })
  .meta({ id: 'WorkerView' });

export const poolWorkersSchema = z
  .object({
    pool: z.string(),
    at: z.string(),
    workers: z.array(workerViewSchema).describe('busy first (oldest job first), then idle (longest idle first)'),
    summary: z.object({
      alive: count,
      busy: count,
      idle: count,
      draining: count,
      jobsInProgress: count,
      done: count.describe("the pool's counter alertscale:jobs:<pool>: every job its workers ever finished"),
      failed: count,
      meanCpu: z.number().min(0).nullable(),
      meanLoad: z.number().min(0).max(1).nullable(),
      visible: count.describe('workers whose CPU/RSS this host can see'),
    }),
  })
  .meta({ id: 'PoolWorkers' });

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
  Same<z.infer<typeof poolWorkersSchema>, PoolWorkers>,
] = [true, true, true, true, true, true, true, true];
void shapesAgree;
