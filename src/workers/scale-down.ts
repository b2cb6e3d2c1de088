import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { InstanceRemover } from '../executors/removers.js';
import type { ExecutionResult } from '../executors/types.js';
import { chooseVictims, endOfDrain, KEPT_BY_SCALE_UP, type DrainEnd, type Victim } from '../policy/victims.js';
import { cancelDrain, drainEndAsked, drainCancelKey, goneWorkers, requestDrain } from './drain.js';
import type { WorkersReader } from './read.js';

export type DrainTimeoutAction = 'stop' | 'leave';

export interface ScaleDownInput {
  redis: Redis;
  reader: WorkersReader;
  /** The pool executor's remover (executors/removers.ts). */
  remover: InstanceRemover;
  pool: string;
  from: number;
  to: number;
  /** How long busy victims may take to finish their job. */
  drainTimeoutMs: number;
  /** Past drainTimeout: stop them anyway, or leave them draining and report `partial`. */
  onDrainTimeout: DrainTimeoutAction;
  pollMs?: number;
  now?: () => number;
}

export interface VictimOutcome extends Victim {
  /** The executor's name for it (pm2 id, unit, container, pod); undefined when not found. */
  instance?: string;
  /**
   * removed: gone and removed; stopped: removed before its job ended (drainTimeout, `stop`); left:
   * still draining (`leave`); kept: un-marked because a scale-up ended the drain.
   */
  outcome: 'removed' | 'stopped' | 'left' | 'kept' | 'not_found';
}

export interface ScaleDownReport {
  victims: VictimOutcome[];
  /** Victims asked for that had no heartbeat to match (the pool had fewer live workers than `from`). */
  missing: number;
  /** Every removal run, in order. */
  runs: ExecutionResult[];
  /** Some busy victims were left draining past drainTimeout, or kept because a scale-up ended the drain. */
  partial: boolean;
  /** Why the drain stopped waiting. */
  ended: DrainEnd;
  /** The pool's count when this returns: `to`, plus the victims left draining or kept (`partial`). */
  reached: number;
  waitedMs: number;
}

/**
 * A scale-down by k = from - to that interrupts no job while an idle worker could go instead:
 * choose the victims (pure, policy/victims.ts), find their instances, ask all of them to drain,
 * remove the idle ones at once, then each busy one as soon as it has finished its job and exited,
 * up to drainTimeout; past it, stop or leave the rest as configured. A scale-up of the pool meanwhile
 * (drain.ts `requestDrainEnd`) ends the wait: the rest are un-marked and kept.
 */
export async function scaleDownWithVictims(input: ScaleDownInput): Promise<ScaleDownReport> {
  const { redis, reader, remover, pool, to } = input;
  const now = input.now ?? Date.now;
  const pollMs = input.pollMs ?? 200;
  const startedAt = now();
  const records = await reader.records(pool);
  const choice = chooseVictims(records, Math.max(0, input.from - to), startedAt / 1000);
  const byId = new Map(records.map((r) => [r.id, r]));
  const located = await remover.locate(choice.victims.map((v) => byId.get(v.id)!));
  const outcomes: VictimOutcome[] = choice.victims.map((v) => ({ ...v, instance: located.get(v.id), outcome: 'not_found' }));
  const runs: ExecutionResult[] = [];
  const found = outcomes.filter((v) => v.instance !== undefined);
  await redis.del(drainCancelKey(pool));
  await requestDrain(
    redis,
    pool,
    found.map((v) => v.id),
    input.drainTimeoutMs / 1000 + 60,
    startedAt,
  );

  // Pending victims still count toward the pool until they are removed.
  let pending = found;
  const removeNow = async (batch: VictimOutcome[], outcome: VictimOutcome['outcome']) => {
    if (batch.length === 0) return;
    pending = pending.filter((v) => !batch.includes(v));
    runs.push(
      ...(await remover.remove(
        batch.map((v) => v.instance!),
        to + pending.length,
      )),
    );
    for (const v of batch) v.outcome = outcome;
  };
  // Idle victims hold nothing: removing them now interrupts nothing. But one idle when read may
  // have started a job since (listing the instances takes a while); the drain request stops only
  // its next start. So look again now that it is asked: one busy now waits like any busy victim.
  const busyNow = new Set((await reader.records(pool)).filter((r) => r.busy).map((r) => r.id));
  await removeNow(
    pending.filter((v) => !byId.get(v.id)!.busy && !busyNow.has(v.id)),
    'removed',
  );
  const deadline = startedAt + input.drainTimeoutMs;
  let ended: DrainEnd = 'finished';
  while (pending.length > 0) {
    if (now() >= deadline) ended = 'timeout';
    else if (await drainEndAsked(redis, pool)) ended = 'scale_up';
    if (ended !== 'finished') break;
    await removeNow(await goneAmong(redis, pool, pending), 'removed');
    if (pending.length > 0) await sleep(Math.min(pollMs, Math.max(0, deadline - now())));
  }
  if (ended === 'scale_up') {
    await cancelDrain(
      redis,
      pool,
      pending.map((v) => v.id),
    );
    // One that finished its job between the last look and the un-marking has exited all the same.
    await removeNow(await goneAmong(redis, pool, pending), 'removed');
  }
  const end = endOfDrain(ended, pending.length, input.onDrainTimeout);
  if (end.outcome === 'stopped') await removeNow(pending, 'stopped');
  for (const v of pending) {
    v.outcome = end.outcome ?? 'left';
    if (end.outcome === 'kept') v.why = `${v.why}; ${KEPT_BY_SCALE_UP}`;
  }
  const partial = end.partial;
  // Victims not found, or fewer heartbeats than k: the executor's own count brings the pool to `to`.
  if (runs.length === 0 && !partial) runs.push(...(await remover.remove([], to)));
  return { victims: outcomes, missing: choice.missing, runs, partial, ended, reached: to + pending.length, waitedMs: now() - startedAt };
}

async function goneAmong<V extends { id: string }>(redis: Redis, pool: string, victims: V[]): Promise<V[]> {
  const gone = new Set(
    await goneWorkers(
      redis,
      pool,
      victims.map((v) => v.id),
    ),
  );
  return victims.filter((v) => gone.has(v.id));
}
