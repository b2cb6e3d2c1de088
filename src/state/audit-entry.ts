import type { ExecutionResult } from '../executors/types.js';
import type { Decision, Outcome } from '../policy/types.js';

export type Actor = 'alertmanager' | 'api';

/** One decision as the audit log keeps it. Written before any command runs. */
export interface AuditRecord extends Pick<Decision, 'pool' | 'scale' | 'from' | 'to' | 'outcome' | 'reason' | 'alerts'> {
  time: string;
  actor: Actor;
  requestId: string;
  /** True while the command is running (the entry is completed when it ends). */
  executing: boolean;
}

/** A worker a scale-down chose to remove, and what became of it (workers/scale-down.ts). */
export interface AuditVictim {
  worker: string;
  tier: 'draining' | 'idle' | 'busy';
  why: string;
  /** The executor's name for it: pm2 id, `unit@N.service`, container, pod. */
  instance: string | null;
  outcome: 'removed' | 'stopped' | 'left' | 'kept' | 'not_found';
}

/**
 * How the command of a `scaled` decision ended; `interrupted` when its receiver died before the
 * end was seen (then argv, durationMs and outputTail are unknown: null).
 */
export type ExecutionRecord = Pick<ExecutionResult, 'exitCode' | 'timedOut' | 'error'> & {
  outcome: Extract<Outcome, 'scaled' | 'failed' | 'interrupted'>;
  argv: string[] | null;
  durationMs: number | null;
  outputTail: string | null;
  /** When lease renewal failed while the command ran (Redis away): the pool may have been taken meanwhile. */
  leaseLost?: string;
  /** A scale-down that chose its workers: which, why, and what became of each. */
  victims?: AuditVictim[];
  /** `partial`: some chosen busy workers were still draining at drainTimeout and were left to finish. */
  drain?: 'complete' | 'partial';
};

/** What the audit API returns: the decision with its execution folded in. */
export interface AuditEntry extends Omit<AuditRecord, 'executing'> {
  id: string;
  /** `running` while the command runs, `done` otherwise. */
  status: 'running' | 'done';
  argv: string[] | null;
  exitCode: number | null;
  durationMs: number | null;
  timedOut: boolean;
  outputTail: string | null;
  error: string | null;
  victims: AuditVictim[] | null;
  drain: 'complete' | 'partial' | null;
  /** Present when lease renewal failed while the command ran. */
  leaseLost?: string;
}

export function toEntry(id: string, record: AuditRecord, execution: ExecutionRecord | undefined): AuditEntry {
  const { executing, ...rest } = record;
  return {
    id,
    ...rest,
    outcome: execution?.outcome ?? record.outcome,
    status: executing && !execution ? 'running' : 'done',
    argv: execution?.argv ?? null,
    exitCode: execution?.exitCode ?? null,
    durationMs: execution?.durationMs ?? null,
    timedOut: execution?.timedOut ?? false,
    outputTail: execution?.outputTail ?? null,
    error: execution?.error ?? null,
    victims: execution?.victims ?? null,
    drain: execution?.drain ?? null,
    ...(execution?.leaseLost ? { leaseLost: execution.leaseLost } : {}),
  };
}
