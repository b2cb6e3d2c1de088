import type { PoolView } from '../../receiver/pool-view.js';
import type { AuditEntry, AuditPage } from '../../state/index.js';

export type { AuditEntry, AuditPage, PoolView };

/** An Alertmanager silence that matches a pool (made by `alertscale pause`, amtool or the UI). */
export interface PauseInfo {
  silenceId: string;
  /** RFC 3339 end of the silence. */
  until: string;
  comment: string;
  createdBy: string;
  matchers?: { name: string; value: string; isRegex: boolean; isEqual?: boolean }[];
  /** Directions whose scaling alerts the silence mutes (a `scale="up"` silence pauses only up). */
  scale?: ('up' | 'down')[];
  /** It also matches other labels (alertname…): only some scaling alerts are muted. */
  partial?: boolean;
  /** Its matchers are exactly pool="<pool>": `resume` expires it. */
  resumable?: boolean;
  otherSilenceIds?: string[];
}

/** `GET /v1/pools` entry: the pool view with the silence that pauses it. */
export interface PoolInfo extends Omit<PoolView, 'paused'> {
  /** null: not paused (or unknown, see pausedUnknown). */
  paused: PauseInfo | null;
}

/** `POST /v1/pools/:pool/scale` answer (202 scaled, 200 otherwise). */
export interface ScaleResult {
  pool: string;
  auditId: string;
  outcome: AuditEntry['outcome'];
  scale: 'up' | 'down' | null;
  from: number;
  to: number;
  reason: string;
}

/** `POST /v1/pools/:pool/pause` answer (201). */
export interface PauseResult {
  pool?: string;
  silenceId: string;
  until: string;
  comment: string;
  createdBy: string;
}

/** `DELETE /v1/pools/:pool/pause` answer: silences expired, and matching ones left in place. */
export interface ResumeResult {
  expired: string[];
  /** Broader silences (regex, other labels) that still pause the pool: left to their owner. */
  left: string[];
  paused?: PauseInfo | null;
  message?: string;
}

/** `GET /v1/pools` answer. */
export interface PoolList {
  pools: PoolInfo[];
  /** e.g. `paused state unknown: …` when Alertmanager could not be read. */
  warnings?: string[];
}
