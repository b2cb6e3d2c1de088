/**
 * A pool's CPU seconds as a counter that never goes down when a process exits.
 *
 * Summing utime+stime of the processes alive now would drop by a whole process's lifetime each
 * time one exits. Instead the ledger keeps, per pool, the last ticks seen for each process and
 * adds only the deltas; a process seen for the first time adds its whole lifetime (the CPU it
 * spent before we looked is still the pool's). Processes are named by pid AND start time, so a
 * reused pid starts from zero instead of producing a negative delta.
 */

export interface ProcessSample {
  pid: number;
  startTicks: number;
  cpuTicks: number;
}

interface Seen {
  startTicks: number;
  cpuTicks: number;
}

export class CpuLedger {
  private readonly totals = new Map<string, number>();
  private readonly seen = new Map<string, Map<number, Seen>>();

  /**
   * Record one complete observation of a pool's processes; pids absent from `samples` are forgotten.
   * Returns the pool's total in ticks.
   */
  observe(pool: string, samples: readonly ProcessSample[]): number {
    const before = this.seen.get(pool) ?? new Map<number, Seen>();
    const now = new Map<number, Seen>();
    let total = this.totals.get(pool) ?? 0;
    for (const s of samples) {
      const prev = before.get(s.pid);
      // Ticks only grow for one process; max() guards against a torn read all the same.
      total += prev && prev.startTicks === s.startTicks ? Math.max(0, s.cpuTicks - prev.cpuTicks) : s.cpuTicks;
      now.set(s.pid, { startTicks: s.startTicks, cpuTicks: Math.max(s.cpuTicks, prev?.startTicks === s.startTicks ? prev.cpuTicks : 0) });
    }
    this.seen.set(pool, now);
    this.totals.set(pool, total);
    return total;
  }

  /** The pool's total in ticks (0 before the first observation). */
  total(pool: string): number {
    return this.totals.get(pool) ?? 0;
  }
}
