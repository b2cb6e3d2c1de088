import type { Logger } from 'pino';
import type { ExecutionResult, Executor } from '../executors/types.js';
import { completeInterruption, completion, type Completion } from '../policy/completion.js';
import type { Decision } from '../policy/types.js';
import { isRedisUnavailable, replicationWait, type AuditVictim, type End, type StoredPool, type Wait } from '../state/index.js';
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
  // The cooldown is stamped when the action ends: its duration is the wall time up to then, not
  // only the commands' own run time (a scale-down lists, drains and polls between them).
  const started = deps.now();
  try {
    // A shrink whose executor can choose removes idle workers first and drains busy ones.
    const chosen = await scaleDownChoosing(deps, decision);
    const result = chosen?.result ?? (await executor.scale({ pool, replicas: decision.to, current: decision.from }));
    const done = completion(decision, result.ok, chosen?.reached);
    const { outcome } = done;
    const at = deps.now();
    const scale = decision.scale ?? 'none';
    deps.metrics.executorDuration.observe({ pool, scale, outcome }, (at - started) / 1000);
    deps.metrics.decisions.inc({ pool, scale, outcome });
    const choice = chosen ? { victims: chosen.victims, drain: chosen.drain } : {};
    await recordDurably(deps, log, endOf(job, result, done, choice, at), replicationWait(deps.config.redis));
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

/** The end of a command as the decision store records it: its entry, and on success the new count, cooldown and steps. */
function endOf({ decision, auditId, lock }: ExecutionJob, result: ExecutionResult, done: Completion, choice: Choice, at: number): End {
  const { argv, exitCode, durationMs, timedOut, outputTail, error } = result;
  const leaseLost = lock.lost();
  return {
    pool: decision.pool,
    auditId,
    execution: {
      outcome: done.outcome,
      argv,
      exitCode,
      durationMs,
      timedOut,
      outputTail,
      error,
      ...choice,
      ...(leaseLost ? { leaseLost } : {}),
    },
    ...(done.outcome === 'scaled'
      ? { scaled: { replicas: done.replicas, direction: done.scale, steppedFingerprints: done.steppedFingerprints } }
      : {}),
    at,
  };
}

/** How long the end of a command that ran is retried while Redis is away or fails over. */
const RECORD_END_FOR_MS = 30_000;

/**
 * A command that ran must not lose the record of its end: a master that dies after answering but
 * before its replica has the write would leave the entry without its end. The end is one
 * idempotent write, repeated until `redis.wait` replicas hold it; its WAIT goes on the same
 * connection (decision-store `end`), so it vouches for this write and not for a newer connection's.
 */
async function recordDurably(deps: ExecutionDeps, log: Logger, end: End, wait: Wait): Promise<void> {
  const deadline = Date.now() + RECORD_END_FOR_MS;
  for (;;) {
    try {
      const { reply, acked } = await deps.decisions.end(end, wait);
      if (reply === 0)
        log.warn(
          { outcome: end.execution.outcome },
          'the end of a scale action was recorded after another action had taken the pool (its lease had expired): ' +
            'the entry has the end, the pool was left to its new holder',
        );
      if (acked >= wait.replicas) return;
      if (Date.now() >= deadline) {
        log.error({ replicas: wait.replicas }, 'the end of a scale action is recorded on the master only: no replica took it in time');
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
 * A decision whose record did not reach its replicas: its command is not run, and its entry says
 * so, retried while Redis is away (a failover) under the pool's lease; until it lands, whoever took
 * the pool would complete the entry as a command whose end was not seen. Not waited on replicas:
 * the decision it completes may not be there either.
 */
export async function recordNotRun(deps: ExecutionDeps, { decision, auditId, lock }: Omit<ExecutionJob, 'executor'>, error: string) {
  const log = deps.logger.child({ pool: decision.pool, auditId });
  const execution = { outcome: 'failed', argv: null, exitCode: null, durationMs: null, timedOut: false, outputTail: null, error } as const;
  try {
    await recordDurably(deps, log, { pool: decision.pool, auditId, execution, at: deps.now() }, { replicas: 0, timeoutMs: 0 });
  } catch (err) {
    log.warn({ err }, 'could not record that a decision was not run (not replicated)');
  } finally {
    await lock.release().catch((err) => log.warn({ err }, 'could not release pool lock; it expires on its own'));
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
  const ended = async () => {
    const entry = await deps.audit.get(auditId);
    return entry?.status === 'done' ? { outcome: entry.outcome, to: entry.to } : undefined;
  };
  let done = completeInterruption({ ended: await ended(), target: last?.to, live });
  if (done.outcome === 'interrupted') {
    const completed = await deps.audit.completeUnlessDone(auditId, {
      outcome: 'interrupted',
      argv: null,
      exitCode: null,
      durationMs: null,
      timedOut: false,
      outputTail: null,
      error: done.error!,
    });
    if (completed) {
      deps.metrics.decisions.inc({ pool, scale: last?.scale ?? 'none', outcome: 'interrupted' });
      deps.logger.warn({ pool, auditId, live, assumed: done.replicas }, 'completed an interrupted scale action');
    } else {
      // Its holder's end landed between the read and this write (it was alive, only cut off): it stands.
      done = completeInterruption({ ended: await ended(), target: last?.to, live });
    }
  }
  await deps.pools.completeDecision(pool, auditId, done.outcome);
  return done.replicas;
}
