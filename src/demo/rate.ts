/**
 * Rate limiting for the load generator, as pure arithmetic on elapsed time so it is table-tested
 * and never drifts: job n (0-based) is due at n / rate seconds after the start.
 */

/** How many of `total` jobs should have been sent `elapsedMs` after the start. */
export function dueBy(elapsedMs: number, total: number, rate?: number): number {
  if (rate === undefined || !(rate > 0)) return total;
  return Math.min(total, Math.floor((Math.max(0, elapsedMs) * rate) / 1000) + 1);
}

/** Milliseconds from `elapsedMs` until job number `sent` (0-based) is due; 0 if already due. */
export function msUntilDue(sent: number, elapsedMs: number, rate?: number): number {
  if (rate === undefined || !(rate > 0)) return 0;
  return Math.max(0, Math.ceil((sent * 1000) / rate - elapsedMs));
}
