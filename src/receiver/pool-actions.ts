import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Executor } from '../executors/types.js';
import type { AlertHistory, Decision, PoolState } from '../policy/types.js';
import { acquireLock, isRedisUnavailable, toPoolState, type Actor, type AlertHistoryStore, type AuditLog, type PoolLock, type PoolStore, type StateKeys } from '../state/index.js';
import { HttpError, poolBusy, unavailable } from './errors.js';
import { runExecution } from './execution.js';
import type { PoolQueue } from './pool-queue.js';
import type { ReceiverMetrics } from './metrics.js';

export interface PoolActionDeps {
  config: Config;
  redis: Redis;
  keys: StateKeys;
  pools: PoolStore;
  history: AlertHistoryStore;
  audit: AuditLog;
  executors: ReadonlyMap<string, Executor>;
  metrics: ReceiverMetrics;
  logger: Logger;
  now: () => number;
  /** How long a request waits for a pool lock held by another action before answering 503. */
  lockWaitMs: number;
  /** Local requests waiting for a pool, in arrival order. */
  queue: PoolQueue;
  /** Executions still running, so shutdown and tests can wait for them. */
  running: Set<Promise<void>>;
}

export interface PoolAction {
  pool: string;
  actor: Actor;
  requestId: string;
  fingerprints: string[];
  decide(state: PoolState, history: Map<string, AlertHistory>, now: number): Decision;
  /** History to write after deciding (pure, from policy/history). */
  nextHistory?(decision: Decision, history: Map<string, AlertHistory>, now: number): Map<string, AlertHistory>;
}

export interface ActionResult {
  decision: Decision;
  auditId: string;
}

/**
 * One pool, one decision, serialised by the pool's lock: read state, decide, record, answer;
 * the command (if any) runs after the answer, still under the lock.
 */
export async function actOnPool(deps: PoolActionDeps, action: PoolAction): Promise<ActionResult> {
  const lock = await lockPool(deps, action.pool);
  let handedOff = false;
  try {
    const executor = deps.executors.get(action.pool)!;
    const [stored, history, live] = await Promise.all([
      deps.pools.read(action.pool),
      deps.history.read(action.pool, action.fingerprints),
      probe(deps, action.pool, executor),
    ]);
    const now = deps.now();
    const decision = action.decide(toPoolState(stored, deps.config.pools[action.pool]!.min, live), history, now);
    // Independent writes go out together (one round trip on the pipelined connection).
    const [auditId] = await Promise.all([
      appendAudit(deps, action, decision, now),
      live !== undefined && live !== stored.replicas ? deps.pools.recordReplicas(action.pool, live) : undefined,
      action.nextHistory ? deps.history.write(action.pool, action.nextHistory(decision, history, now)) : undefined,
    ]);
    const remembered = rememberDecision(deps, decision, auditId, now);
    if (decision.outcome !== 'scaled') {
      handedOff = true;
      await Promise.all([remembered, releaseLock(deps, action.pool, lock)]);
      return { decision, auditId };
    }
    await remembered;
    handedOff = true;
    const run = runExecution(deps, { decision, auditId, executor, lock }).finally(() => deps.running.delete(run));
    deps.running.add(run);
    return { decision, auditId };
  } catch (err) {
    throw asHttp(err, `pool ${action.pool}`);
  } finally {
    if (!handedOff) await releaseLock(deps, action.pool, lock);
  }
}

function releaseLock(deps: PoolActionDeps, pool: string, lock: PoolLock): Promise<void> {
  return lock.release().catch((err) => deps.logger.warn({ err, pool }, 'could not release pool lock; it expires on its own'));
}

/** This process's turn at the pool, then the Redis lock (held by another receiver process at most). */
async function lockPool(deps: PoolActionDeps, pool: string): Promise<PoolLock> {
  const started = Date.now();
  const leave = await deps.queue.enter(pool, deps.lockWaitMs);
  if (!leave) throw poolBusy(pool);
  let lock: PoolLock | null;
  try {
    lock = await acquireLock(deps.redis, deps.keys.lock(pool), deps.config.receiver.lockTimeout, Math.max(0, deps.lockWaitMs - (Date.now() - started)));
  } catch (err) {
    leave();
    throw asHttp(err, `pool ${pool}`);
  }
  if (!lock) {
    leave();
    throw poolBusy(pool);
  }
  const redisLock = lock;
  return { release: () => redisLock.release().finally(leave) };
}

/** The audit entry, written before any command runs. */
function appendAudit(deps: PoolActionDeps, action: PoolAction, decision: Decision, now: number): Promise<string> {
  const { pool, scale, from, to, outcome, reason, alerts } = decision;
  return deps.audit.append({
    time: new Date(now).toISOString(), pool, scale, from, to, outcome, reason, alerts,
    actor: action.actor, requestId: action.requestId, executing: outcome === 'scaled',
  });
}

/** The pool's last decision, and metrics. */
async function rememberDecision(deps: PoolActionDeps, decision: Decision, auditId: string, now: number): Promise<void> {
  const { pool, scale, from, to, outcome, reason } = decision;
  deps.metrics.desired.set({ pool }, to);
  // A scaled decision is counted when its command ends, as scaled or failed.
  if (outcome !== 'scaled') deps.metrics.decisions.inc({ pool, scale: scale ?? 'none', outcome });
  await deps.pools.recordDecision(pool, { id: auditId, time: new Date(now).toISOString(), outcome, scale, from, to, reason });
}

/** The executor's live count, when it has a probe; a failing probe falls back to the recorded count. */
async function probe(deps: PoolActionDeps, pool: string, executor: Executor): Promise<number | undefined> {
  if (!executor.current) return undefined;
  try {
    return await executor.current();
  } catch (err) {
    deps.logger.warn({ pool, err: (err as Error).message }, 'current-replicas probe failed; using the recorded count');
    return undefined;
  }
}

function asHttp(err: unknown, what: string): unknown {
  if (err instanceof HttpError) return err;
  return isRedisUnavailable(err) ? unavailable(what, err) : err;
}
