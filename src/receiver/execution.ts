import type { Logger } from 'pino';
import type { ExecutionResult, Executor } from '../executors/types.js';
import type { Decision } from '../policy/types.js';
import { isRedisUnavailable, replicasToWaitFor, type StoredPool } from '../state/index.js';
import type { PoolActionDeps } from './pool-actions.js';

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
 * never holds the webhook open. A failed command is audited `failed` and stamps neither a cooldown
 * nor its alerts' step, so the next repeat of the same firing tries again.
 */
export async function runExecution(deps: PoolActionDeps, job: ExecutionJob): Promise<void> {
  const { decision, executor, lock } = job;
  const { pool } = decision;
  const log = deps.logger.child({ pool, auditId: job.auditId });
  try {
    const result = await executor.scale({ pool, replicas: decision.to, current: decision.from });
    const outcome = result.ok ? 'scaled' : 'failed';
    deps.metrics.executorDuration.observe({ pool, outcome }, result.durationMs / 1000);
    deps.metrics.decisions.inc({ pool, scale: decision.scale ?? 'none', outcome });
    const at = deps.now();
    await recordDurably(deps, log, () => recordEnd(deps, job, result, at));
    if (result.ok) {
      deps.metrics.replicas.set({ pool }, decision.to);
      if (decision.scale) deps.metrics.lastScale.set({ pool, scale: decision.scale }, at / 1000);
      log.info({ from: decision.from, to: decision.to, durationMs: result.durationMs }, 'scaled');
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

/** The end of a command: its entry, on success the new count, cooldown and steps, then the pool's last decision. Idempotent. */
async function recordEnd(deps: PoolActionDeps, { decision, auditId, lock }: ExecutionJob, result: ExecutionResult, at: number): Promise<void> {
  const { pool } = decision;
  const outcome = result.ok ? 'scaled' : 'failed';
  const { argv, exitCode, durationMs, timedOut, outputTail, error } = result;
  const leaseLost = lock.lost();
  await deps.audit.complete(auditId, { outcome, argv, exitCode, durationMs, timedOut, outputTail, error, ...(leaseLost ? { leaseLost } : {}) });
  if (result.ok) {
    await deps.pools.recordScale(pool, decision.to, decision.scale, at);
    await deps.decisions.recordSteps(pool, decision.steppedFingerprints, at);
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
async function recordDurably(deps: PoolActionDeps, log: Logger, write: () => Promise<void>): Promise<void> {
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
 * (killed, crashed, cut off): complete its entry with what is known. It is not run again. Returns
 * the count the decision in hand starts from: the live count, or without a probe the interrupted
 * decision's target (the command was started; scale commands set an absolute count).
 */
export async function completeInterrupted(deps: PoolActionDeps, pool: string, stored: StoredPool, live: number | undefined): Promise<number | undefined> {
  const auditId = stored.running!;
  const last = stored.lastDecision?.id === auditId ? stored.lastDecision : undefined;
  const assumed = live ?? last?.to;
  // Its holder recorded the end but not the last step (the pool's mark): that end stands.
  const ended = await deps.audit.get(auditId);
  if (ended?.status === 'done') {
    await deps.pools.completeDecision(pool, auditId, ended.outcome);
    return ended.outcome === 'scaled' ? (live ?? ended.to) : live;
  }
  const count = live !== undefined
    ? `live count ${live} (read by the executor's probe)`
    : `no live count (the executor has no probe, or it failed)${assumed === undefined ? '' : `; assuming it reached ${assumed}`}`;
  const error = `the receiver running this command stopped before its end was seen (its pool lease expired); ${count}`;
  await deps.audit.complete(auditId, { outcome: 'interrupted', argv: null, exitCode: null, durationMs: null, timedOut: false, outputTail: null, error });
  await deps.pools.completeDecision(pool, auditId, 'interrupted');
  deps.metrics.decisions.inc({ pool, scale: last?.scale ?? 'none', outcome: 'interrupted' });
  deps.logger.warn({ pool, auditId, live, assumed }, 'completed an interrupted scale action');
  return assumed;
}
