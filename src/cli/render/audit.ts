import type { AuditEntry } from '../client/types.js';
import { formatClock, oneLine } from './format.js';
import { fromTo, outcomeColor } from './outcome.js';
import type { Style } from './style.js';
import { layoutTable, renderRows, type Cell, type Column } from './table.js';

export const AUDIT_COLUMNS: Column[] = [
  { header: 'TIME' },
  { header: 'POOL', shrink: true, min: 4 },
  { header: 'OUTCOME' },
  { header: 'CHANGE' },
  // The reason says who asked: a manual decision's starts with `manual:`.
  { header: 'REASON', shrink: true, min: 10 },
];

/** `up 1 → 3`, `up 3` (wanted up, stayed), `3` (no direction). */
export function changeCell(e: Pick<AuditEntry, 'scale' | 'from' | 'to'>): string {
  return e.scale ? `${e.scale} ${fromTo(e.from, e.to)}` : fromTo(e.from, e.to);
}

/** What an entry says happened, `running` while its command runs. */
export const entryOutcome = (e: AuditEntry) => (e.status === 'running' ? 'running' : e.outcome);

/** The reason, and for a failed command what went wrong. */
export function entryReason(e: AuditEntry): string {
  // What broke comes first: in a narrow column the end of a line is what gets cut.
  if (e.outcome === 'failed') return oneLine(`${e.timedOut ? 'timed out' : (e.error ?? `exit ${e.exitCode}`)} — ${e.reason}`);
  return oneLine(e.reason);
}

export function auditRow(e: AuditEntry, now: number, style: Style): Cell[] {
  const outcome = entryOutcome(e);
  return [
    formatClock(Date.parse(e.time), now),
    e.pool,
    { text: outcome, color: outcomeColor(outcome, style) },
    changeCell(e),
    entryReason(e),
  ];
}

/** Widths for a streamed log (`--follow`) before any row is known. */
export const AUDIT_STREAM_WIDTHS = [8, 6, 9, 10, 10];

export interface AuditTable {
  lines: string[];
  /** Reuse for rows printed later (`--follow`), so the columns stay put. */
  widths: number[];
}

/** The decision log as a table, entries in the order given. */
export function renderAudit(entries: AuditEntry[], opts: { now: number; width: number; style: Style; atLeast?: number[] }): AuditTable {
  const rows = entries.map((e) => auditRow(e, opts.now, opts.style));
  const widths = layoutTable(AUDIT_COLUMNS, rows, { width: opts.width, atLeast: opts.atLeast });
  return { lines: renderRows(AUDIT_COLUMNS, rows, widths, { style: opts.style }), widths };
}

/** Rows without a header, in the widths of an earlier table. */
export function renderAuditRows(entries: AuditEntry[], widths: number[], opts: { now: number; style: Style }): string[] {
  return renderRows(
    AUDIT_COLUMNS,
    entries.map((e) => auditRow(e, opts.now, opts.style)),
    widths,
    { style: opts.style, header: false },
  );
}
