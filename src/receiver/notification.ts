import { classifyAlert, type ScaleSignal, type WebhookPayload } from '../alerts/index.js';
import { decide, decideUnknownPool } from '../policy/decide.js';
import { historyUpdates, withHistory } from '../policy/history.js';
import { audible, pausedDecision, withMuted, type Muted } from '../policy/paused.js';
import { asksToGrow } from '../policy/signals.js';
import type { AlertHistory, Decision } from '../policy/types.js';
import { mutedSignals } from '../silences/index.js';
import type { Deps } from './deps.js';
import { HttpError } from './errors.js';
import { actOnPool, type ActionDeps, type ActionResult } from './pool-actions.js';
import { toPolicy } from './pool-policy.js';

export interface DecisionSummary {
  pool: string;
  auditId: string;
  outcome: Decision['outcome'];
  scale: Decision['scale'];
  from: number;
  to: number;
  reason: string;
  cooldownRemainingSeconds?: number;
}

export interface NotificationResult {
  requestId: string;
  decisions: DecisionSummary[];
  /** Alerts without pool/scale labels: counted, not acted on. */
  ignoredAlerts: number;
}

/**
 * How long a webhook waits for a silence list when the remembered one is older than ~2 s, and
 * again to confirm a match on a list asked for now. Silences only matter here in a race (a
 * silence made just after Alertmanager sent this), so they are never worth more: too slow or
 * Alertmanager down, and the notification is handled as not silenced.
 */
export const SILENCE_WAIT_MS = 50;
export const SILENCE_CONFIRM_MS = 100;

export type NotificationDeps = ActionDeps & Pick<Deps, 'silences'>;

/** One Alertmanager notification: every pool in it decided (and its command started) independently. */
export async function handleNotification(deps: NotificationDeps, payload: WebhookPayload, requestId: string): Promise<NotificationResult> {
  const classified = payload.alerts.map(classifyAlert);
  const invalid = classified.flatMap((c) =>
    c.kind === 'invalid' ? [{ alertname: c.alert.alertname, fingerprint: c.alert.fingerprint, problem: c.problem }] : [],
  );
  const signals = classified.flatMap((c) => (c.kind === 'signal' ? [c.signal] : []));
  const ignoredAlerts = classified.filter((c) => c.kind === 'other').length;
  deps.metrics.alertsReceived.inc({ kind: 'other' }, ignoredAlerts);
  deps.metrics.alertsReceived.inc({ kind: 'scaling' }, signals.length + invalid.length);
  if (invalid.length > 0) {
    throw new HttpError(422, 'invalid_alert', `${invalid.length} alert(s) break the scaling-alert contract; nothing was run`, invalid);
  }

  const muted = await findMuted(deps, payload, classified);
  const byPool = new Map<string, ScaleSignal[]>();
  for (const signal of signals) byPool.set(signal.pool, [...(byPool.get(signal.pool) ?? []), signal]);
  const settled = await Promise.allSettled(
    [...byPool].map(([pool, poolSignals]) =>
      Object.hasOwn(deps.config.pools, pool)
        ? actOnPool(deps, alertAction(deps, pool, poolSignals, requestId, muted))
        : rejectUnknownPool(deps, decideUnknownPool(pool, poolSignals), requestId),
    ),
  );
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) throw failure.reason;
  const decisions = settled.map((s) => summarise((s as PromiseFulfilledResult<{ decision: Decision; auditId: string }>).value));
  if (decisions.length > 0 && decisions.every((d) => d.outcome === 'rejected')) {
    throw new HttpError(422, 'unknown_pool', decisions.map((d) => d.reason).join('; '), { decisions });
  }
  return { requestId, decisions, ignoredAlerts };
}

const NOTHING_MUTED: Muted = new Map();

/** Firing signals of known pools that an active silence matches (see silences/muted.ts). */
async function findMuted(
  deps: Pick<Deps, 'config' | 'silences' | 'now'>,
  payload: WebhookPayload,
  classified: ReturnType<typeof classifyAlert>[],
): Promise<Muted> {
  const { silences } = deps;
  if (!silences) return NOTHING_MUTED;
  const firing = classified.flatMap((c, i) =>
    c.kind === 'signal' && c.signal.status === 'firing' && Object.hasOwn(deps.config.pools, c.signal.pool)
      ? [{ signal: c.signal, labels: payload.alerts[i]!.labels }]
      : [],
  );
  if (firing.length === 0) return NOTHING_MUTED;
  const remembered = await silences.peek(SILENCE_WAIT_MS);
  if (!remembered || mutedSignals(firing, remembered, deps.now()).size === 0) return NOTHING_MUTED;
  // Confirm on a list asked for now: Alertmanager sends a firing ~0.4 s after a silence is
  // expired early, and the remembered list may still show that silence active.
  const now = await silences.fresh(SILENCE_CONFIRM_MS);
  return now ? mutedSignals(firing, now, deps.now()) : NOTHING_MUTED;
}

function alertAction(deps: Pick<Deps, 'config'>, pool: string, signals: ScaleSignal[], requestId: string, muted: Muted) {
  const policy = toPolicy(deps.config.pools[pool]!);
  return {
    pool,
    actor: 'alertmanager' as const,
    requestId,
    fingerprints: signals.map((s) => s.fingerprint),
    endsDrain: asksToGrow(audible(signals, muted)),
    decide: (state: Parameters<typeof decide>[0]['state'], history: Map<string, AlertHistory>, now: number) => {
      // Muted by a silence that began after Alertmanager sent this: paused, or decide on the rest.
      const paused = pausedDecision(pool, state.replicas, signals, muted);
      if (paused) return paused;
      const acting = withHistory(audible(signals, muted), history);
      return withMuted(decide({ pool, policy, state, now, signals: acting }), signals, muted);
    },
    nextHistory: (decision: Decision, history: Map<string, AlertHistory>, now: number) => historyUpdates(signals, decision, history, now),
  };
}

/** An alert naming a pool alertscale.yml does not define: audited, nothing runs. */
async function rejectUnknownPool(
  deps: Pick<Deps, 'audit' | 'metrics' | 'now'>,
  decision: Decision,
  requestId: string,
): Promise<ActionResult> {
  const { pool, scale, from, to, outcome, reason, alerts } = decision;
  const auditId = await deps.audit.append({
    time: new Date(deps.now()).toISOString(),
    pool,
    scale,
    from,
    to,
    outcome,
    reason,
    alerts,
    actor: 'alertmanager',
    requestId,
    executing: false,
  });
  // Not a pool label value of ours: keep it out of metric labels (unbounded cardinality).
  deps.metrics.decisions.inc({ pool: '', scale: scale ?? 'none', outcome });
  return { decision, auditId };
}

function summarise({ decision, auditId }: { decision: Decision; auditId: string }): DecisionSummary {
  const { pool, outcome, scale, from, to, reason, cooldownRemainingSeconds } = decision;
  return {
    pool,
    auditId,
    outcome,
    scale,
    from,
    to,
    reason,
    ...(cooldownRemainingSeconds !== undefined ? { cooldownRemainingSeconds } : {}),
  };
}
