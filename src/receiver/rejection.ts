import type { ScaleSignal } from '../alerts/signal.js';
import type { Decision } from '../policy/types.js';
import { isRedisUnavailable } from '../state/index.js';
import { unavailable } from './errors.js';
import type { PoolActionDeps } from './pool-actions.js';

/** An alert naming a pool alertscale.yml does not define: audited as `rejected`, nothing runs. */
export async function rejectUnknownPool(deps: PoolActionDeps, pool: string, signals: ScaleSignal[], requestId: string) {
  const alerts = signals.map(({ alertname, fingerprint, status, startsAt, generatorURL }) => ({ alertname, fingerprint, status, startsAt, generatorURL }));
  const decision: Decision = {
    pool, scale: signals[0]!.scale, from: 0, to: 0, outcome: 'rejected', alerts, steppedFingerprints: [],
    reason: `pool "${pool}" is not defined in alertscale.yml (alerts: ${alerts.map((a) => a.alertname).join(', ')})`,
  };
  try {
    const auditId = await deps.audit.append({
      time: new Date(deps.now()).toISOString(), pool, scale: decision.scale, from: 0, to: 0, outcome: 'rejected',
      reason: decision.reason, alerts, actor: 'alertmanager', requestId, executing: false,
    });
    // Not a pool label value of ours: keep it out of metric labels (unbounded cardinality).
    deps.metrics.decisions.inc({ pool: '', scale: decision.scale ?? 'none', outcome: 'rejected' });
    return { decision, auditId };
  } catch (err) {
    throw isRedisUnavailable(err) ? unavailable(`pool ${pool}`, err) : err;
  }
}
