import type { Executor } from '../executors/types.js';
import type { Decision } from '../policy/types.js';
import type { StoredPool } from '../state/index.js';
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
 * Run a decided scale under the pool's lock, after Alertmanager has its answer: a slow command
 * never holds the webhook open. A failed command is audited `failed` and stamps neither a cooldown
 * nor its alerts' step, so the next repeat of the same firing tries again.
 */
export async function runExecution(deps: PoolActionDeps, { decision, auditId, executor, lock }: ExecutionJob): Promise<void> {
  const { pool } = decision;
  const log = deps.logger.child({ pool, auditId });
  try {
    const result = await executor.scale({ pool, replicas: decision.to, current: decision.from });
    const outcome = result.ok ? 'scaled' : 'failed';
    deps.metrics.executorDuration.observe({ pool, outcome }, result.durationMs / 1000);
    deps.metrics.decisions.inc({ pool, scale: decision.scale ?? 'none', outcome });
    const { argv, exitCode, durationMs, timedOut, outputTail, error } = result;
    const leaseLost = lock.lost();
    await deps.audit.complete(auditId, { outcome, argv, exitCode, durationMs, timedOut, outputTail, error, ...(leaseLost ? { leaseLost } : {}) });
    await deps.pools.completeDecision(pool, auditId, outcome);
    if (result.ok) {
      const at = deps.now();
      await deps.pools.recordScale(pool, decision.to, decision.scale, at);
      await deps.decisions.recordSteps(pool, decision.steppedFingerprints, at);
      deps.metrics.replicas.set({ pool }, decision.to);
      if (decision.scale) deps.metrics.lastScale.set({ pool, scale: decision.scale }, at / 1000);
      log.info({ from: decision.from, to: decision.to, durationMs }, 'scaled');
    } else {
      log.warn({ from: decision.from, to: decision.to, exitCode, timedOut, error }, 'scale command failed');
    }
  } catch (err) {
    log.error({ err }, 'could not record the end of a scale action');
  } finally {
    await lock.release().catch((err) => log.warn({ err }, 'could not release pool lock; it expires on its own'));
  }
}

/**
 * The pool's last command was started by a holder whose lease expired before it recorded the end
 * (killed, crashed, cut off): complete its entry with what is known. It is not run again: the
 * decision in hand starts from the live count instead.
 */
export async function completeInterrupted(deps: PoolActionDeps, pool: string, stored: StoredPool, live: number | undefined): Promise<void> {
  const auditId = stored.running!;
  const count = live === undefined ? 'no live count (the executor has no probe, or it failed)' : `live count ${live} (read by the executor's probe)`;
  const error = `the receiver running this command stopped before its end was seen (its pool lease expired); ${count}`;
  await deps.audit.complete(auditId, { outcome: 'interrupted', argv: null, exitCode: null, durationMs: null, timedOut: false, outputTail: null, error });
  await deps.pools.completeDecision(pool, auditId, 'interrupted');
  const last = stored.lastDecision?.id === auditId ? stored.lastDecision : undefined;
  deps.metrics.decisions.inc({ pool, scale: last?.scale ?? 'none', outcome: 'interrupted' });
  deps.logger.warn({ pool, auditId, live }, 'completed an interrupted scale action');
}
