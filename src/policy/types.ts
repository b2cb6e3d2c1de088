import type { AlertRef, ScaleDirection, ScaleSignal } from '../alerts/signal.js';

/** Why a decision came out as it did: closed, so it can be a metric label and an audit filter. */
export const OUTCOMES = [
  'scaled',
  'no_change',
  'at_max',
  'at_min',
  'cooldown',
  'dry_run',
  'paused',
  'failed',
  'interrupted',
  'rejected',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The bounds and pacing of one pool (milliseconds for durations). */
export interface PoolPolicy {
  min: number;
  max: number;
  enabled: boolean;
  step: number;
  stepInterval: number;
  maxStep?: number;
  cooldown: { up: number; down: number };
}

/** What alertscale knows of a pool when deciding. Times are unix milliseconds. */
export interface PoolState {
  replicas: number;
  lastUpAt?: number;
  lastDownAt?: number;
}

/** What earlier notifications did about one alert (keyed by fingerprint). */
export interface AlertHistory {
  /** startsAt of the firing this history belongs to; another startsAt is a new firing. */
  startsAt: string;
  resolved: boolean;
  lastStepAt?: number;
}

export interface SignalInput extends ScaleSignal {
  history?: AlertHistory;
}

export interface Decision {
  pool: string;
  /** Direction acted on (or wanted); null when nothing asked for a direction. */
  scale: ScaleDirection | null;
  from: number;
  to: number;
  outcome: Outcome;
  /** One sentence in the operator's words: what was asked, what bounded it. */
  reason: string;
  cooldownRemainingSeconds?: number;
  /** Every alert of the pool in the notification. */
  alerts: AlertRef[];
  /** Step signals that moved the pool: their history gets `lastStepAt`. */
  steppedFingerprints: string[];
}
