import type { Logger } from 'pino';
import type { ExecutionResult, Executor } from '../executors/types.js';
import { completeInterruption, completion, type Completion } from '../policy/completion.js';
import type { Decision } from '../policy/types.js';
import { isRedisUnavailable, replicasToWaitFor, type AuditVictim, type StoredPool } from '../state/index.js';
import type { Deps } from './deps.js';
import { scaleDownChoosing, type ScaleDownDeps } from './scale-down.js';

export type ExecutionDeps = Pick<Deps, 'config' | 'audit' | 'pools' | 'decisions' | 'metrics' | 'logger' | 'now'> & ScaleDownDeps;

/** This process's hold on a pool: the Redis lease and its turn in the local queue. */
export interface PoolLock {
  /** Give the pool up: the Redis lease (if still ours) and the local turn. */
  release(): Promise<void>;
  /** The commit already deleted the Redis lock: stop renewing, give up the local turn. */
  released(): void;
  /** Why renewal failed, when it did. */
  lost(): string | undefined;
}

export interface ExecutionJob {
  decision: Decision;
  auditId: string;
  executor: Executor;
  lock: PoolLock;
}

/**
 * Run a decided scale under the pool's lease, after Alertmanager has its answer: a slow command
 * never holds the webhook open. What its end means (scaled or failed, what to stamp) is
 * policy/completion.ts; this records it, durably.
 */
export async function runExecution(deps: ExecutionDeps, job: ExecutionJob): Promise<void> {
  const { decision, executor, lock } = job;
  const { pool } = decision;
  const log = deps.logger.child({ pool, auditId: job.auditId });
  try {
    // A shrink whose executor can choose removes idle workers first and drains busy ones.
    const chosen = await scaleDownChoosing(deps, decision);
    const result = chosen?.result ?? (await executor.scale({ pool, replicas: decision.to, current: decision.from }));
    const done = completion(decision, result.ok, chosen?.reached);
    const { outcome } = done;
    deps.metrics.executorDuration.observe({ pool, outcome }, result.durationMs / 1000);
    deps.metrics.decisions.inc({ pool, scale: decision.scale ?? 'none', outcome });
    const at = deps.now();
    const choice = chosen ? { victims: chosen.victims, drain: chosen.drain } : {};
    await recordDurably(deps, log, () => recordEnd(deps, job, result, done, choice, at));
    if (done.outcome === 'scaled') {
      deps.metrics.replicas.set({ pool }, done.replicas);
      if (done.scale) deps.metrics.lastScale.set({ pool, scale: done.scale }, at / 1000);
      log.info(
        {
          from: decision.from,
          to: decision.to,
          durationMs: result.durationMs,
          victims: chosen?.victims.map((v) => v.worker),
          drain: chosen?.drain,
        },
        'scaled',
      );
    } else {
      const { exitCode, timedOut, error } = result;
      log.warn({ from: decision.from, to: decision.to, exitCode, timedOut, error }, 'scale command failed');
    }
  } catch (err) {
    log.error({ err }, 'could not record the end of a scale action');
  } finally {
    await lock.release().catch((err) => log.warn({ err }, 'could not release pool lock; it expires on its own'));
  }
}

type Choice = { victims?: AuditVictim[]; drain?: 'complete' | 'partial' };

/** The end of a command: its entry, on success the new count, cooldown and steps, then the pool's last decision. Idempotent. */
async function recordEnd(
  deps: ExecutionDeps,
  { decision, auditId, lock }: ExecutionJob,
  result: ExecutionResult,
  done: Completion,
  choice: Choice,
  at: number,
): Promise<void> {
  const { pool } = decision;
  const { outcome } = done;
  const { argv, exitCode, durationMs, timedOut, outputTail, error } = result;
  const leaseLost = lock.lost();
  await deps.audit.complete(auditId, {
    outcome,
    argv,
    exitCode,
    durationMs,
    timedOut,
    outputTail,
    error,
    ...choice,
    ...(leaseLost ? { leaseLost } : {}),
  });
  if (done.outcome === 'scaled') {
    await deps.pools.recordScale(pool, done.replicas, done.scale, at);
    await deps.decisions.recordSteps(pool, done.steppedFingerprints, at);
  }
  // Last: until the pool is no longer marked running, whoever takes it next treats the end as unseen.
  await deps.pools.completeDecision(pool, auditId, outcome);
}

/** How long the end of a command that ran is retried while Redis is away or fails over. */
const RECORD_END_FOR_MS = 30_000;

/**
 * A command that ran must not lose the record of its end: a master that dies after answering but
 * before its replica has the writes would make the next decision start from the old count. The
 * writes are idempotent, so they are repeated until `redis.wait.replicas` replicas have them.
 */
async function recordDurably(deps: ExecutionDeps, log: Logger, write: () => Promise<void>): Promise<void> {
  const need = replicasToWaitFor(deps.config.redis);
  const deadline = Date.now() + RECORD_END_FOR_MS;
  for (;;) {
    try {
      await write();
      if (need === 0 || (await deps.decisions.replicated(need, deps.config.redis.wait.timeout)) >= need) return;
      if (Date.now() >= deadline) {
        log.error({ replicas: need }, 'the end of a scale action is recorded on the master only: no replica took it in time');
        return;
      }
    } catch (err) {
      if (!isRedisUnavailable(err) || Date.now() >= deadline) throw err;
      log.warn({ err: (err as Error).message }, 'recording the end of a scale action: Redis away; retrying');
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The pool's last command was started by a holder whose lease expired before it recorded the end
 * (killed, crashed, cut off): complete its entry as policy/completion.ts says. It is not run again.
 * Returns the count the decision in hand starts from.
 */
export async function completeInterrupted(
  deps: ExecutionDeps,
  pool: string,
  stored: StoredPool,
  live: number | undefined,
): Promise<number | undefined> {
  const auditId = stored.running!;
  const last = stored.lastDecision?.id === auditId ? stored.lastDecision : undefined;
  const entry = await deps.audit.get(auditId);
  const ended = entry?.status === 'done' ? { outcome: entry.outcome, to: entry.to } : undefined;
  const done = completeInterruption({ ended, target: last?.to, live });
  if (done.outcome === 'interrupted') {
    await deps.audit.complete(auditId, {
      outcome: 'interrupted',
      argv: null,
      exitCode: null,
      durationMs: null,
      timedOut: false,
      outputTail: null,
      error: done.error,
    });
    deps.metrics.decisions.inc({ pool, scale: last?.scale ?? 'none', outcome: 'interrupted' });
    deps.logger.warn({ pool, auditId, live, assumed: done.replicas }, 'completed an interrupted scale action');
  }
  await deps.pools.completeDecision(pool, auditId, done.outcome);
  return done.replicas;
}
