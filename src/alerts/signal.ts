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
  if (!isScaleDirection(scale)) {
    return invalid(
      scale === undefined ? 'has a "pool" label but no "scale" label' : `label scale=${JSON.stringify(scale)} must be "up" or "down"`,
    );
  }
  const target = parseCount(alert.annotations.target, 'target');
  if (typeof target === 'string') return invalid(target);
  const step = parseCount(alert.annotations.step, 'step');
  if (typeof step === 'string') return invalid(step);
  return { kind: 'signal', signal: { ...ref, pool, scale, target, step } };
}

/**
 * The contract's annotations: how each is read and what it may be. The receiver (classifyAlert)
 * and `alertscale check` (literal values in rule files) both judge them with `readCount`.
 */
export const COUNT_ANNOTATIONS = {
  /** Rounded up: `{{ $value }}` of a ratio prints "2.4", and too few workers is the worse error. */
  target: { round: true, min: 0 },
  step: { round: false, min: 1 },
} as const;
export type CountAnnotation = keyof typeof COUNT_ANNOTATIONS;
export const MAX_COUNT = 1_000_000;

export const isScaleDirection = (value: string | undefined): value is ScaleDirection => value === 'up' || value === 'down';

/** An annotation's count: undefined when absent, or why it is unusable. */
export function readCount(
  text: string | undefined,
  name: CountAnnotation,
): { count?: number } | { problem: 'not_a_number' | 'out_of_range' } {
  const { round, min } = COUNT_ANNOTATIONS[name];
  if (text === undefined || text.trim() === '') return {};
  const value = Number(text.trim());
  if (!Number.isFinite(value)) return { problem: 'not_a_number' };
  // Prometheus `{{ $value }}` of `ceil(x)` prints "3"; of a ratio it prints "2.4": round up, never down.
  // The 1e-9 forgives float noise either side of a whole number; a negative value is refused, not
  // rounded up to 0 (and max() keeps ceil's -0 out of the signal).
  const count = round ? Math.max(min, Math.ceil(value - 1e-9)) : value;
  if (value < min - 1e-9 || !Number.isInteger(count) || count > MAX_COUNT) return { problem: 'out_of_range' };
  return { count };
}

/** A count from an annotation: undefined when absent, an error message when not a usable number. */
function parseCount(text: string | undefined, name: CountAnnotation): number | undefined | string {
  const read = readCount(text, name);
  if (!('problem' in read)) return read.count;
  if (read.problem === 'not_a_number') return `annotation ${name}=${JSON.stringify(text)} is not a number`;
  const { round, min } = COUNT_ANNOTATIONS[name];
  return `annotation ${name}=${JSON.stringify(text)} must be ${round ? 'a number' : 'an integer'} between ${min} and ${MAX_COUNT}`;
}
