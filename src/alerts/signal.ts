import { isPoolName } from '../config/names.js';
import type { WebhookAlert } from './webhook-schema.js';

export type ScaleDirection = 'up' | 'down';

/** Which alert asked for what: kept with every decision and audit entry. */
export interface AlertRef {
  alertname: string;
  fingerprint: string;
  status: 'firing' | 'resolved';
  startsAt: string;
  generatorURL: string;
}

/** A scaling alert in the operator's terms: pool, direction, and how much. */
export interface ScaleSignal extends AlertRef {
  pool: string;
  scale: ScaleDirection;
  /** Desired worker count (annotation `target`, rounded up). */
  target?: number;
  /** Workers to add/remove when there is no target (annotation `step`). */
  step?: number;
}

export type Classified =
  | { kind: 'signal'; signal: ScaleSignal }
  /** No `pool` and no `scale` label: not a scaling alert. Counted, not acted on. */
  | { kind: 'other'; alert: AlertRef }
  /** Half a contract or a bad value: the notification is refused, nothing runs. */
  | { kind: 'invalid'; alert: AlertRef; problem: string };

export function alertRef(alert: WebhookAlert): AlertRef {
  return {
    alertname: alert.labels.alertname ?? '',
    fingerprint: alert.fingerprint,
    status: alert.status,
    startsAt: alert.startsAt,
    generatorURL: alert.generatorURL,
  };
}

/** Map one webhook alert onto the scaling-alert contract (docs/ARCHITECTURE.md). Pure. */
export function classifyAlert(alert: WebhookAlert): Classified {
  const ref = alertRef(alert);
  const { pool, scale } = alert.labels;
  if (pool === undefined && scale === undefined) return { kind: 'other', alert: ref };
  const invalid = (problem: string): Classified => ({ kind: 'invalid', alert: ref, problem });
  if (pool === undefined) return invalid('has a "scale" label but no "pool" label');
  if (!isPoolName(pool)) return invalid(`label pool=${JSON.stringify(pool)} is not a pool name (^[a-z0-9][a-z0-9_-]{0,63}$)`);
  if (scale !== 'up' && scale !== 'down') {
    return invalid(scale === undefined ? 'has a "pool" label but no "scale" label' : `label scale=${JSON.stringify(scale)} must be "up" or "down"`);
  }
  const target = parseCount(alert.annotations.target, 'target', { round: true, min: 0 });
  if (typeof target === 'string') return invalid(target);
  const step = parseCount(alert.annotations.step, 'step', { round: false, min: 1 });
  if (typeof step === 'string') return invalid(step);
  return { kind: 'signal', signal: { ...ref, pool, scale, target, step } };
}

/** A count from an annotation: undefined when absent, an error message when not a usable number. */
function parseCount(text: string | undefined, name: string, opts: { round: boolean; min: number }): number | undefined | string {
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text.trim());
  if (!Number.isFinite(value)) return `annotation ${name}=${JSON.stringify(text)} is not a number`;
  // Prometheus `{{ $value }}` of `ceil(x)` prints "3"; of a ratio it prints "2.4": round up, never down.
  // The 1e-9 forgives float noise either side of a whole number; a negative value is refused, not
  // rounded up to 0 (and max() keeps ceil's -0 out of the signal).
  const count = opts.round ? Math.max(opts.min, Math.ceil(value - 1e-9)) : value;
  if (value < opts.min - 1e-9 || !Number.isInteger(count) || count > 1_000_000) {
    return `annotation ${name}=${JSON.stringify(text)} must be ${opts.round ? 'a number' : 'an integer'} between ${opts.min} and 1000000`;
  }
  return count;
}
