/**
 * The receiver's side of a replay: every notification for a pool goes through the same pure
 * policy the receiver runs (classifyAlert → decide with the alerts' history → nextHistory), at
 * the instant the receiver would decide it, and a `scaled` decision moves the replayed pool once
 * its command has run. Open loop: the metrics stay what they were, whatever the replayed pool
 * size. Pure.
 *
 * Timing, as the receiver does it (src/receiver/pool-actions.ts, execution.ts): a notification is
 * decided `decisionMs` after it arrives (the executor's live-count probe and two Redis round
 * trips); a scaled decision's command then holds the pool's lock for `commandMs` of its direction
 * (a scale-down drains and lists, so it takes longer than a scale-up), so whatever
 * arrives meanwhile is decided after it ends (the receiver waits for the lock, answers 503 after
 * lockWait, and Alertmanager retries at once); and the command's end, not the decision, stamps
 * the cooldown and the step alerts' lastStepAt.
 */
import { classifyAlert, type AlertRef, type ScaleDirection } from '../alerts/index.js';
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
  /** [time ms, replicas] at the start and after every command's end. */
  replicas: [number, number][];
}

/** How long the receiver takes, per pool (ms). */
export interface ReceiverTiming {
  /** From a notification's arrival to its decision. */
  decisionMs: number;
  /** From a scaled decision to its command's end (when the cooldown is stamped), by direction. */
  commandMs: Record<ScaleDirection, number>;
}

export const INSTANT: ReceiverTiming = { decisionMs: 0, commandMs: { up: 0, down: 0 } };

export interface PoolReplayer {
  /** Decide `n` for this pool; returns when the receiver answered (undefined: nothing for this pool in it). */
  receive(n: Notification): number | undefined;
  result(): PoolReplay;
}

/** The receiver for one pool, from `replicas` at `from`: fed the notifications in time order. */
export function createPoolReplayer(
  pool: string,
  policy: PoolPolicy,
  start: { at: number; replicas: number },
  timing: ReceiverTiming = INSTANT,
): PoolReplayer {
  const state: PoolState = { replicas: start.replicas };
  const history = new Map<string, AlertHistory>();
  const decisions: ReplayedDecision[] = [];
  const replicas: [number, number][] = [[start.at, start.replicas]];
  // When the pool is next free: after the previous decision, or after its command.
  let free = -Infinity;
  return {
    receive(n) {
      if (!n.alerts.some((a) => a.labels.pool === pool)) return undefined;
      const classified = n.alerts.map(classifyAlert);
      const invalid = classified.flatMap((c, i) =>
        c.kind === 'invalid' && n.alerts[i]!.labels.pool === pool ? [`${c.alert.alertname}: ${c.problem}`] : [],
      );
      const signals = classified.flatMap((c) => (c.kind === 'signal' && c.signal.pool === pool ? [c.signal] : []));
      if (invalid.length > 0) {
        // The receiver refuses the whole notification (HTTP 422) before it looks at the pool, and runs nothing.
        decisions.push({
          time: n.at,
          pool,
          scale: null,
          from: state.replicas,
          to: state.replicas,
          outcome: 'rejected',
          reason: `refused: ${invalid.join('; ')}`,
          alerts: [],
        });
        return n.at;
      }
      if (signals.length === 0) return undefined;
      const now = Math.max(n.at, free) + timing.decisionMs;
      const decision = decide({ pool, policy, state: { ...state }, now, signals: withHistory(signals, history) });
      for (const [fp, h] of historyUpdates(signals, decision, history, now)) history.set(fp, h);
      decisions.push(toReplayed(decision, now));
      free = now;
      if (decision.outcome === 'scaled') {
        free = now + timing.commandMs[decision.scale!];
        completeCommand(state, history, decision, free);
        replicas.push([free, decision.to]);
      }
      // The answer leaves once the decision is recorded; a command runs after it.
      return now;
    },
    result: () => ({ pool, decisions, replicas }),
  };
}

/** Replay the decisions of one pool over notifications already delivered (their answers change nothing). */
export function replayPool(
  pool: string,
  policy: PoolPolicy,
  start: { at: number; replicas: number },
  notifications: readonly Notification[],
  timing: ReceiverTiming = INSTANT,
): PoolReplay {
  const replayer = createPoolReplayer(pool, policy, start, timing);
  for (const n of notifications) replayer.receive(n);
  return replayer.result();
}

/** What the receiver records once a command succeeded at `end`: the count, the cooldown stamp, the steps. */
function completeCommand(state: PoolState, history: Map<string, AlertHistory>, decision: Decision, end: number) {
  state.replicas = decision.to;
  if (decision.scale === 'up') state.lastUpAt = end;
  if (decision.scale === 'down') state.lastDownAt = end;
  for (const fp of decision.steppedFingerprints) {
    const h = history.get(fp);
    if (h) history.set(fp, { ...h, lastStepAt: end });
  }
}

function toReplayed({ pool, scale, from, to, outcome, reason, alerts }: Decision, time: number): ReplayedDecision {
  return { time, pool, scale, from, to, outcome, reason, alerts };
}
