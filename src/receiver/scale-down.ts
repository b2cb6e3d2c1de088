import type { ExecutionResult } from '../executors/types.js';
import { combineResults, nothingToDo, notRun } from '../executors/run.js';
import type { Decision } from '../policy/types.js';
import type { AuditVictim } from '../state/audit-entry.js';
import { scaleDownWithVictims } from '../workers/scale-down.js';
import type { Deps } from './deps.js';

export type ScaleDownDeps = Pick<Deps, 'config' | 'redis' | 'removers' | 'workers'>;

export interface ChosenScaleDown {
  result: ExecutionResult;
  victims: AuditVictim[];
  drain: 'complete' | 'partial';
  /** The count the pool is at: `to`, or above it by the victims left draining. */
  reached: number;
}

/**
 * A `scaled` shrink of a pool whose executor can remove chosen workers: idle first, busy ones
 * drained (workers/scale-down.ts); undefined when the executor cannot choose or the pool leaves the
 * choice to it (`victims: executor`): it scales as before.
 */
export async function scaleDownChoosing(deps: ScaleDownDeps, decision: Decision): Promise<ChosenScaleDown | undefined> {
  const remover = deps.removers.get(decision.pool);
  const pool = deps.config.pools[decision.pool]!;
  if (decision.scale !== 'down' || !remover || pool.victims === 'executor') return undefined;
  let report: Awaited<ReturnType<typeof scaleDownWithVictims>>;
  const started = performance.now();
  try {
    report = await scaleDownWithVictims({
      redis: deps.redis,
      reader: deps.workers,
      remover,
      pool: decision.pool,
      from: decision.from,
      to: decision.to,
      drainTimeoutMs: pool.drainTimeout,
      onDrainTimeout: pool.afterDrainTimeout,
    });
  } catch (err) {
    // Heartbeats unreadable or the instances not listable: nothing was removed; audited failed.
    return {
      result: notRun([], `pool ${decision.pool}: scale-down choosing workers: ${(err as Error).message}`),
      victims: [],
      drain: 'complete',
      reached: decision.from,
    };
  }
  const victims = report.victims.map((v) => ({ worker: v.id, tier: v.tier, why: v.why, instance: v.instance ?? null, outcome: v.outcome }));
  const why =
    report.ended === 'scale_up' ? 'a scale-up ended the drain, the chosen workers were kept' : 'the chosen workers were left draining';
  const ran = report.runs.length > 0 ? combineResults(report.runs) : nothingToDo(`pool ${decision.pool}: ${why}; nothing removed yet`);
  // The whole shrink, drains included, as alertscale_executor_duration_seconds times it: the
  // removal runs alone would end the audited action before its last victim was gone.
  const result = { ...ran, durationMs: Math.round(performance.now() - started) };
  return { result, victims, drain: report.partial ? 'partial' : 'complete', reached: report.reached };
}
