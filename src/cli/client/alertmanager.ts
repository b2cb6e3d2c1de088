import { oneLine } from '../render/format.js';
import { networkReason } from './errors.js';
import { requestText } from './request.js';

/** An alert Alertmanager holds that follows the scaling-alert contract (labels pool and scale). */
export interface ScalingAlert {
  alertname: string;
  pool: string;
  scale: string;
  /** `active`, `suppressed` (silenced or inhibited), `unprocessed`. */
  state: string;
  startsAt: string;
  target?: string;
  step?: string;
  silencedBy: string[];
}

interface GettableAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  status?: { state?: string; silencedBy?: string[] };
}

/** Scaling alerts of an Alertmanager API v2 `GET /api/v2/alerts` answer, by pool then name. Pure. */
export function toScalingAlerts(alerts: GettableAlert[]): ScalingAlert[] {
  return alerts
    .filter((a) => a.labels.pool !== undefined && a.labels.scale !== undefined)
    .map((a) => ({
      alertname: a.labels.alertname ?? '',
      pool: a.labels.pool!,
      scale: a.labels.scale!,
      state: a.status?.state ?? 'unknown',
      startsAt: a.startsAt,
      target: a.annotations?.target,
      step: a.annotations?.step,
      silencedBy: a.status?.silencedBy ?? [],
    }))
    .sort((a, b) => a.pool.localeCompare(b.pool) || a.alertname.localeCompare(b.alertname) || a.startsAt.localeCompare(b.startsAt));
}

export type AlertsReading = { ok: true; alerts: ScalingAlert[] } | { ok: false; problem: string };

/** Firing scaling alerts straight from Alertmanager (a soft source, as the exporter is). */
export async function readScalingAlerts(url: string, timeoutMs = 3_000): Promise<AlertsReading> {
  const query = new URLSearchParams();
  query.append('filter', 'pool=~".+"');
  query.append('filter', 'scale=~".+"');
  try {
    const res = await requestText(`${url.replace(/\/+$/, '')}/api/v2/alerts?${query}`, { timeoutMs });
    if (!res.ok) return { ok: false, problem: `HTTP ${res.status}` };
    return { ok: true, alerts: toScalingAlerts(JSON.parse(res.text) as GettableAlert[]) };
  } catch (err) {
    return { ok: false, problem: oneLine(networkReason(err)) };
  }
}
