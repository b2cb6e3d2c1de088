import type { Executor } from '../executors/types.js';
import { completion } from '../policy/completion.js';
import type { Decision } from '../policy/types.js';
import type { PoolLock } from '../state/index.js';
import type { Deps } from './deps.js';
import { scaleDownChoosing, type ScaleDownDeps } from './scale-down.js';

export type ExecutionDeps = Pick<Deps, 'audit' | 'pools' | 'decisions' | 'metrics' | 'logger' | 'now'> & ScaleDownDeps;

export interface ExecutionJob {
  decision: Decision;
  auditId: string;
  executor: Executor;
  lock: PoolLock;
}

/**
 * Run a decided scale under the pool's lock, after Alertmanager has its answer: a slow command
 * never holds the webhook open. What its end means (scaled or failed, what to stamp) is
 * policy/completion.ts; this records it.
 */
export async function runExecution(deps: ExecutionDeps, { decision, auditId, executor, lock }: ExecutionJob): Promise<void> {
  const { pool } = decision;
  const log = deps.logger.child({ pool, auditId });
  try {
    // A shrink whose executor can choose removes idle workers first and drains busy ones.
    const chosen = await scaleDownChoosing(deps, decision);
    const result = chosen?.result ?? (await executor.scale({ pool, replicas: decision.to, current: decision.from }));
    const done = completion(decision, result.ok);
    const { outcome } = done;
    deps.metrics.executorDuration.observe({ pool, outcome }, result.durationMs / 1000);
    deps.metrics.decisions.inc({ pool, scale: decision.scale ?? 'none', outcome });
    const { argv, exitCode, durationMs, timedOut, outputTail, error } = result;
    const choice = chosen ? { victims: chosen.victims, drain: chosen.drain } : {};
    await deps.audit.complete(auditId, { outcome, argv, exitCode, durationMs, timedOut, outputTail, error, ...choice });
    await deps.pools.completeDecision(pool, auditId, outcome);
    if (done.outcome === 'scaled') {
      const at = deps.now();
      await deps.pools.recordScale(pool, done.replicas, done.scale, at);
      await deps.decisions.recordSteps(pool, done.steppedFingerprints, at);
      deps.metrics.replicas.set({ pool }, done.replicas);
      if (done.scale) deps.metrics.lastScale.set({ pool, scale: done.scale }, at / 1000);
      log.info({ from: decision.from, to: decision.to, durationMs, victims: chosen?.victims.map((v) => v.worker), drain: chosen?.drain }, 'scaled');
    } else {
      log.warn({ from: decision.from, to: decision.to, exitCode, timedOut, error }, 'scale command failed');
    }
  } catch (err) {
    log.error({ err }, 'could not record the end of a scale action');
  } finally {
    await lock.release().catch((err) => log.warn({ err }, 'could not release pool lock; it expires on its own'));
  }
}
