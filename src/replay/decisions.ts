/**
 * The receiver's side of a replay: every notification for a pool goes through the same pure
 * policy the receiver runs (classifyAlert → decide with the alerts' history → nextHistory), and a
 * `scaled` decision moves the replayed pool and stamps its cooldown. Open loop: the metrics stay
 * what they were, whatever the replayed pool size. Pure.
 */
import { classifyAlert, type AlertRef } from '../alerts/index.js';
import { decide } from '../policy/decide.js';
import { historyUpdates, withHistory } from '../policy/history.js';
import type { AlertHistory, Decision, PoolPolicy, PoolState } from '../policy/types.js';
import type { Notification } from './alertmanager-delivery.js';

export interface ReplayedDecision extends Pick<Decision, 'pool' | 'scale' | 'from' | 'to' | 'outcome' | 'reason'> {
  time: number;
  alerts: AlertRef[];
}

export interface PoolReplay {
  pool: string;
  decisions: ReplayedDecision[];
  /** [time ms, replicas] at the start and after every change. */
  replicas: [number, number][];
}

/** Replay the decisions of one pool from `replicas` at `from`. */
export function replayPool(pool: string, policy: PoolPolicy, start: { at: number; replicas: number }, notifications: readonly Notification[]): PoolReplay {
  const state: PoolState = { replicas: start.replicas };
  const history = new Map<string, AlertHistory>();
  const decisions: ReplayedDecision[] = [];
  const replicas: [number, number][] = [[start.at, start.replicas]];
  for (const n of notifications) {
    const classified = n.alerts.map(classifyAlert);
    const invalid = classified.flatMap((c, i) => (c.kind === 'invalid' && n.alerts[i]!.labels.pool === pool ? [`${c.alert.alertname}: ${c.problem}`] : []));
    const signals = classified.flatMap((c) => (c.kind === 'signal' && c.signal.pool === pool ? [c.signal] : []));
    if (invalid.length > 0) {
      // The receiver refuses the whole notification (HTTP 422) and runs nothing.
      decisions.push({ time: n.at, pool, scale: null, from: state.replicas, to: state.replicas, outcome: 'rejected', reason: `refused: ${invalid.join('; ')}`, alerts: [] });
      continue;
    }
    if (signals.length === 0) continue;
    const decision = decide({ pool, policy, state: { ...state }, now: n.at, signals: withHistory(signals, history) });
    for (const [fp, h] of historyUpdates(signals, decision, history, n.at)) history.set(fp, h);
    apply(state, decision, n.at);
    if (decision.outcome === 'scaled') replicas.push([n.at, decision.to]);
    decisions.push(toReplayed(decision, n.at));
  }
  return { pool, decisions, replicas };
}

function apply(state: PoolState, decision: Decision, at: number) {
  if (decision.outcome !== 'scaled') return;
  state.replicas = decision.to;
  if (decision.scale === 'up') state.lastUpAt = at;
  if (decision.scale === 'down') state.lastDownAt = at;
}

function toReplayed({ pool, scale, from, to, outcome, reason, alerts }: Decision, time: number): ReplayedDecision {
  return { time, pool, scale, from, to, outcome, reason, alerts };
}
