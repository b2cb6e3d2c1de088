import type { AuditEntry, PoolInfo } from './types.js';

/**
 * A pool's `lastDecision` is recorded when the decision is made, before its command runs, so a
 * command that then failed still reads `scaled` there. The audit entry of the same id knows how it
 * ended: use its outcome (`running` while the command runs). Pure.
 */
export function withSettledDecisions(pools: PoolInfo[], entries: AuditEntry[]): PoolInfo[] {
  const byId = new Map(entries.map((e) => [e.id, e]));
  return pools.map((p) => {
    const entry = p.lastDecision ? byId.get(p.lastDecision.id) : undefined;
    if (!p.lastDecision || !entry) return p;
    const outcome = entry.status === 'running' ? 'running' : entry.outcome;
    const failure = entry.outcome === 'failed' ? ` (${entry.timedOut ? 'timed out' : (entry.error ?? `exit ${entry.exitCode}`)})` : '';
    return {
      ...p,
      lastDecision: { ...p.lastDecision, outcome: outcome as AuditEntry['outcome'], reason: `${p.lastDecision.reason}${failure}` },
    };
  });
}
