import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Executor } from '../executors/types.js';
import type { AlertHistory, Decision, PoolState } from '../policy/types.js';
import { holdLease, isRedisUnavailable, replicasToWaitFor, toPoolState, type Actor, type AuditLog, type Begun, type DecisionStore, type PoolStore, type StateKeys } from '../state/index.js';
import { HttpError, notReplicated, poolBusy, unavailable } from './errors.js';
import { completeInterrupted, runExecution, type PoolLock } from './execution.js';
import type { PoolQueue } from './pool-queue.js';
import type { ReceiverMetrics } from './metrics.js';

export interface PoolActionDeps {
  config: Config;
  redis: Redis;
  keys: StateKeys;
  pools: PoolStore;
  audit: AuditLog;
  /** A decision's lock+read and record+unlock, one Redis call each. */
  decisions: DecisionStore;
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
 * One pool, one decision, serialised by the pool's lease: lock and read (one Redis call), decide,
 * record and — when nothing runs — unlock (one call), answer; a command runs after the answer,
 * still under the lease. A decision whose holder died mid-command is completed `interrupted`
 * first, and this one starts from the live count.
 */
export async function actOnPool(deps: PoolActionDeps, action: PoolAction): Promise<ActionResult> {
  const { pool } = action;
  const { begun, lock, token } = await takePool(deps, action);
  let handedOff = false;
  try {
    const executor = deps.executors.get(pool)!;
    const probed = await probe(deps, pool, executor);
    const live = begun.stored.running ? await completeInterrupted(deps, pool, begun.stored, probed) : probed;
    const now = deps.now();
    const decision = action.decide(toPoolState(begun.stored, deps.config.pools[pool]!.min, live), begun.history, now);
    const executing = decision.outcome === 'scaled';
    const auditId = await commit(deps, action, decision, now, { token, live: live !== begun.stored.replicas ? live : undefined, history: begun.history });
    count(deps, decision);
    if (!executing) {
      handedOff = true;
      lock.released(); // the commit released the Redis lock
      return { decision, auditId };
    }
    await confirmReplicated(deps, decision, auditId);
    handedOff = true;
    // Fork after this turn of the event loop, once the answer is written: a spawn never delays it.
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => runExecution(deps, { decision, auditId, executor, lock }))
      .finally(() => deps.running.delete(run));
    deps.running.add(run);
    return { decision, auditId };
  } catch (err) {
    throw asHttp(err, `pool ${pool}`);
  } finally {
    if (!handedOff) await lock.release().catch((err) => deps.logger.warn({ err, pool }, 'could not release pool lock; it expires on its own'));
  }
}

/** This process's turn at the pool, then the Redis lease and the decision's inputs in one call. */
async function takePool(deps: PoolActionDeps, { pool, fingerprints }: PoolAction): Promise<{ begun: Begun; lock: PoolLock; token: string }> {
  const started = Date.now();
  const leave = await deps.queue.enter(pool, deps.lockWaitMs);
  if (!leave) throw poolBusy(pool);
  const token = randomUUID();
  let begun: Begun | undefined;
  try {
    begun = await deps.decisions.begin(pool, fingerprints, token, deps.config.receiver.lease, Math.max(0, deps.lockWaitMs - (Date.now() - started)));
  } catch (err) {
    leave();
    throw asHttp(err, `pool ${pool}`);
  }
  if (!begun) {
    leave();
    throw poolBusy(pool);
  }
  const lease = holdLease(deps.redis, deps.keys.lock(pool), token, deps.config.receiver.lease, (reason) =>
    deps.logger.warn({ pool, reason }, 'pool lease not renewed; a running command goes on, and another receiver may take the pool'),
  );
  const lock: PoolLock = {
    release: () => lease.release().finally(leave),
    released: () => {
      lease.stop();
      leave();
    },
    lost: lease.lost,
  };
  return { begun, lock, token };
}

/** The audit entry (before any command runs), the pool's last decision, the alerts' histories. */
function commit(deps: PoolActionDeps, action: PoolAction, decision: Decision, now: number, read: { token: string; live?: number; history: Map<string, AlertHistory> }): Promise<string> {
  const { pool, scale, from, to, outcome, reason, alerts } = decision;
  const time = new Date(now).toISOString();
  const executing = outcome === 'scaled';
  return deps.decisions.commit({
    pool,
    record: { time, pool, scale, from, to, outcome, reason, alerts, actor: action.actor, requestId: action.requestId, executing },
    lastDecision: { time, outcome, scale, from, to, reason },
    replicas: read.live,
    history: action.nextHistory ? action.nextHistory(decision, read.history, now) : new Map(),
    release: !executing,
    token: read.token,
  });
}

/**
 * A command runs only once its decision's record is on `redis.wait.replicas` replicas: a failover
 * then cannot lose the record of a command that ran (and let the next decision scale again). If
 * not, nothing runs: the entry says why (when Redis still takes writes) and the answer is 503.
 */
async function confirmReplicated(deps: PoolActionDeps, { pool, scale }: Decision, auditId: string): Promise<void> {
  const need = replicasToWaitFor(deps.config.redis);
  if (need === 0) return;
  const timeoutMs = deps.config.redis.wait.timeout;
  const acked = await deps.decisions.replicated(need, timeoutMs);
  if (acked >= need) return;
  const error = `not run: the decision's record reached ${acked} of ${need} replica(s) within ${timeoutMs} ms (redis.wait), so a failover could have lost it`;
  try {
    await deps.audit.complete(auditId, { outcome: 'failed', argv: null, exitCode: null, durationMs: null, timedOut: false, outputTail: null, error });
    await deps.pools.completeDecision(pool, auditId, 'failed');
  } catch (err) {
    deps.logger.warn({ pool, auditId, err }, 'could not record that a decision was not replicated');
  }
  deps.metrics.decisions.inc({ pool, scale: scale ?? 'none', outcome: 'failed' });
  throw notReplicated(pool, error);
}

function count(deps: PoolActionDeps, { pool, scale, to, outcome }: Decision): void {
  deps.metrics.desired.set({ pool }, to);
  // A scaled decision is counted when its command ends, as scaled or failed.
  if (outcome !== 'scaled') deps.metrics.decisions.inc({ pool, scale: scale ?? 'none', outcome });
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
