import { randomUUID } from 'node:crypto';
import type { Executor } from '../executors/types.js';
import type { AlertHistory, Decision, PoolState } from '../policy/types.js';
import { replicationWait, toPoolState, type Actor, type Begun, type Written } from '../state/index.js';
import { unreplicated } from '../policy/completion.js';
import { requestDrainEnd } from '../workers/drain.js';
import type { Deps } from './deps.js';
import { notReplicated, poolBusy } from './errors.js';
import { completeInterrupted, recordNotRun, runExecution, type ExecutionDeps, type PoolLock } from './execution.js';

/** What deciding on a pool reaches: its config, the decision store, the executor, the queue; then what the execution records. */
export type ActionDeps = Pick<Deps, 'config' | 'decisions' | 'executors' | 'lockWaitMs' | 'queue' | 'running'> & ExecutionDeps;

export interface PoolAction {
  pool: string;
  actor: Actor;
  requestId: string;
  fingerprints: string[];
  /** It asks the pool to grow: a draining scale-down holding the pool ends (workers/scale-down.ts). */
  endsDrain?: boolean;
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
export async function actOnPool(deps: ActionDeps, action: PoolAction): Promise<ActionResult> {
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
    const { reply: auditId, acked } = await commit(deps, action, decision, now, {
      token,
      live: live !== begun.stored.replicas ? live : undefined,
      history: begun.history,
    });
    count(deps, decision);
    if (!executing) {
      handedOff = true;
      lock.released(); // the commit released the Redis lock
      return { decision, auditId };
    }
    const failed = notReplicatedBy(deps, acked);
    handedOff = true;
    // Fork after this turn of the event loop, once the answer is written: a spawn never delays it.
    const run = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() =>
        failed ? recordNotRun(deps, { decision, auditId, lock }, failed.error) : runExecution(deps, { decision, auditId, executor, lock }),
      )
      .finally(() => deps.running.delete(run));
    deps.running.add(run);
    if (failed) {
      deps.metrics.decisions.inc({ pool, scale: decision.scale ?? 'none', outcome: failed.outcome });
      throw notReplicated(pool, failed.error);
    }
    return { decision, auditId };
  } finally {
    if (!handedOff)
      await lock.release().catch((err) => deps.logger.warn({ err, pool }, 'could not release pool lock; it expires on its own'));
  }
}

/** This process's turn at the pool, then the Redis lease and the decision's inputs in one call. */
async function takePool(
  deps: ActionDeps,
  { pool, fingerprints, endsDrain }: PoolAction,
): Promise<{ begun: Begun; lock: PoolLock; token: string }> {
  const started = Date.now();
  // Before waiting: the drain that holds the pool, here or on another receiver, then lets it go.
  // Not fatal: without it the scale-up only waits for the drain, as it did before.
  if (endsDrain)
    await requestDrainEnd(deps.redis, pool).catch((err) =>
      deps.logger.warn({ pool, err: (err as Error).message }, 'could not ask a drain in progress to end'),
    );
  const leave = await deps.queue.enter(pool, deps.lockWaitMs);
  if (!leave) throw poolBusy(pool);
  const token = randomUUID();
  let begun: Begun | undefined;
  try {
    begun = await deps.decisions.begin(
      pool,
      fingerprints,
      token,
      deps.config.receiver.lease,
      Math.max(0, deps.lockWaitMs - (Date.now() - started)),
    );
  } catch (err) {
    leave();
    throw err;
  }
  if (!begun) {
    leave();
    throw poolBusy(pool);
  }
  const lease = deps.decisions.lease(pool, token, deps.config.receiver.lease, (reason) =>
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

/** The audit entry (before any command runs), the pool's last decision, the alerts' histories; a command to follow waits for replicas. */
function commit(
  deps: Pick<Deps, 'decisions' | 'config'>,
  action: PoolAction,
  decision: Decision,
  now: number,
  read: { token: string; live?: number; history: Map<string, AlertHistory> },
): Promise<Written<string>> {
  const { pool, scale, from, to, outcome, reason, alerts } = decision;
  const time = new Date(now).toISOString();
  const executing = outcome === 'scaled';
  return deps.decisions.commit(
    {
      pool,
      record: { time, pool, scale, from, to, outcome, reason, alerts, actor: action.actor, requestId: action.requestId, executing },
      lastDecision: { time, outcome, scale, from, to, reason },
      replicas: read.live,
      history: action.nextHistory ? action.nextHistory(decision, read.history, now) : new Map(),
      release: !executing,
      token: read.token,
    },
    executing ? replicationWait(deps.config.redis) : undefined,
  );
}

/**
 * A command runs only once its decision's record is on `redis.wait.replicas` replicas (`acked`, by
 * the commit's own WAIT). If not (policy/completion.ts `unreplicated`), nothing runs, its entry
 * says why (execution.ts `recordNotRun`) and the answer is 503.
 */
function notReplicatedBy(deps: Pick<Deps, 'config'>, acked: number): ReturnType<typeof unreplicated> {
  const { replicas: need, timeoutMs } = replicationWait(deps.config.redis);
  return need === 0 ? undefined : unreplicated(acked, need, timeoutMs);
}

function count(deps: Pick<Deps, 'metrics'>, { pool, scale, to, outcome }: Decision): void {
  deps.metrics.desired.set({ pool }, to);
  // A scaled decision is counted when its command ends, as scaled or failed.
  if (outcome !== 'scaled') deps.metrics.decisions.inc({ pool, scale: scale ?? 'none', outcome });
}

/** The executor's live count, when it has a probe; a failing probe falls back to the recorded count. */
async function probe(deps: Pick<Deps, 'logger'>, pool: string, executor: Executor): Promise<number | undefined> {
  if (!executor.current) return undefined;
  try {
    return await executor.current();
  } catch (err) {
    deps.logger.warn({ pool, err: (err as Error).message }, 'current-replicas probe failed; using the recorded count');
    return undefined;
  }
}
