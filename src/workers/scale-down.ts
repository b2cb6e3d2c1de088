import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { InstanceRemover } from '../executors/removers.js';
import type { ExecutionResult } from '../executors/types.js';
import { chooseVictims, type Victim } from '../policy/victims.js';
import { goneWorkers, requestDrain } from './drain.js';
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
  /** removed: gone and removed; stopped: removed before its job ended (drainTimeout, `stop`); left: still draining (`leave`). */
  outcome: 'removed' | 'stopped' | 'left' | 'not_found';
}

export interface ScaleDownReport {
  victims: VictimOutcome[];
  /** Victims asked for that had no heartbeat to match (the pool had fewer live workers than `from`). */
  missing: number;
  /** Every removal run, in order. */
  runs: ExecutionResult[];
  /** Some busy victims were left draining past drainTimeout. */
  partial: boolean;
  /** The pool's count when this returns: `to`, plus the victims left draining (`partial`). */
  reached: number;
  waitedMs: number;
}

/**
 * A scale-down by k = from - to that interrupts no job while an idle worker could go instead:
 * choose the victims (pure, policy/victims.ts), find their instances, ask all of them to drain,
 * remove the idle ones at once, then each busy one as soon as it has finished its job and exited,
 * up to drainTimeout; past it, stop or leave the rest as configured.
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
  while (pending.length > 0 && now() < deadline) {
    const gone = new Set(
      await goneWorkers(
        redis,
        pool,
        pending.map((v) => v.id),
      ),
    );
    await removeNow(
      pending.filter((v) => gone.has(v.id)),
      'removed',
    );
    if (pending.length > 0) await sleep(Math.min(pollMs, Math.max(0, deadline - now())));
  }
  const partial = pending.length > 0 && input.onDrainTimeout === 'leave';
  if (pending.length > 0 && input.onDrainTimeout === 'stop') await removeNow(pending, 'stopped');
  for (const v of pending) v.outcome = 'left';
  // Victims not found, or fewer heartbeats than k: the executor's own count brings the pool to `to`.
  if (runs.length === 0 && !partial) runs.push(...(await remover.remove([], to)));
  return { victims: outcomes, missing: choice.missing, runs, partial, reached: to + pending.length, waitedMs: now() - startedAt };
}
