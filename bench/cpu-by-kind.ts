/**
 * CPU by kind of process, from /proc (bench/cpu-by-process.ts runs a command under it). A process
 * keeps what it spent when it exits; one that lives less than one sample is never seen, and its CPU
 * is in its parent's "reaped children" column (cutime + cstime) once the parent has waited for it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { type HostCpu, parseCmdline, parsePidStat, parseProcStat } from '../src/exporter/parse.js';

/** First match wins: the processes of a quality-bench stack, by what their command line says. */
const KINDS: ReadonlyArray<readonly [kind: string, pattern: RegExp]> = [
  ['alertmanager', /(^|\/)(prometheus-)?alertmanager\s/],
  ['prometheus', /(^|\/)prometheus\s/],
  ['redis', /redis-(server|sentinel)/],
  ['demo worker', /alertscale-demo-worker/],
  ['pm2 daemon', /PM2 v\S+: God Daemon/],
  ['pm2 CLI: jlist', /pm2\S*\s+jlist\b/],
  ['pm2 CLI: other', /(^|\/)pm2(\.js)?\s/],
  ['receiver', /alertscale\.js receiver\b/],
  ['exporter', /alertscale\.js exporter\b/],
  ['gunicorn', /gunicorn/],
  ['this profiler', /cpu-by-process/],
  ['benchmark driver (node)', /bench\/|tsx|vitest/],
];

export function kindOf(cmdline: string): string {
  if (cmdline === '') return 'kernel threads';
  return KINDS.find(([, re]) => re.test(cmdline))?.[0] ?? 'other';
}

export interface KindTotals {
  kind: string;
  /** CPU seconds the kind's own processes spent while watched. */
  ownS: number;
  /** CPU seconds of children they waited for while watched (short-lived ones included). */
  reapedS: number;
  /** Distinct processes of the kind seen. */
  processes: number;
}

export interface Snapshot {
  kind: string;
  pid: number;
  startTicks: number;
  cpuTicks: number;
  childTicks: number;
  /** Exited, not yet reaped: its times are final, its command line is gone. */
  zombie: boolean;
}

export function snapshot(): Snapshot[] {
  const out: Snapshot[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parsePidStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      const kind = kindOf(parseCmdline(readFileSync(`/proc/${name}/cmdline`, 'utf8')));
      const { pid, startTicks, cpuTicks, childTicks } = stat;
      out.push({ kind, pid, startTicks, cpuTicks, childTicks, zombie: stat.state === 'Z' });
    } catch {
      // exited between readdir and read: its last sample, if any, stays booked
    }
  }
  return out;
}

interface Booked {
  kind: string;
  /** Ticks when first seen: at the baseline for a process already running, else 0 (its whole life). */
  from: { cpu: number; child: number };
  last: { cpu: number; child: number };
}

/**
 * Books every process by pid and start time, under the LAST kind it was seen as: a fork takes its
 * parent's command line until it execs, and pm2 renames a worker once its script runs, so the CPU
 * of those first moments belongs to what the process became. A process first seen as a zombie
 * is left to its parent's reaped column. The first snapshot is the baseline: CPU spent before
 * watching is not counted.
 */
export class CpuByKind {
  private readonly processes = new Map<string, Booked>();
  private snapshots = 0;

  observe(snap: readonly Snapshot[]): void {
    for (const s of snap) {
      const key = `${s.pid}/${s.startTicks}`;
      const now = { cpu: s.cpuTicks, child: s.childTicks };
      const known = this.processes.get(key);
      if (known) {
        known.last = now;
        if (!s.zombie) known.kind = s.kind;
      } else if (!s.zombie) {
        this.processes.set(key, { kind: s.kind, from: this.snapshots === 0 ? now : { cpu: 0, child: 0 }, last: now });
      }
    }
    this.snapshots++;
  }

  totals(clkTck: number): KindTotals[] {
    const byKind = new Map<string, KindTotals>();
    for (const p of this.processes.values()) {
      const t = byKind.get(p.kind) ?? { kind: p.kind, ownS: 0, reapedS: 0, processes: 0 };
      t.ownS += (p.last.cpu - p.from.cpu) / clkTck;
      t.reapedS += (p.last.child - p.from.child) / clkTck;
      t.processes++;
      byKind.set(p.kind, t);
    }
    return [...byKind.values()].filter((t) => t.ownS > 0 || t.reapedS > 0).sort((a, b) => b.ownS - a.ownS);
  }
}

export function cpuTable(rows: readonly KindTotals[], wallS: number): string {
  const pct = (s: number) => `${((100 * s) / wallS).toFixed(1)} %`;
  const total = rows.reduce((sum, r) => sum + r.ownS, 0);
  return [
    '| kind | own CPU (s) | of one core | reaped children CPU (s) | of one core | processes seen |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) => `| ${r.kind} | ${r.ownS.toFixed(1)} | ${pct(r.ownS)} | ${r.reapedS.toFixed(1)} | ${pct(r.reapedS)} | ${r.processes} |`,
    ),
    `| **all (own)** | ${total.toFixed(1)} | ${pct(total)} | | | |`,
  ].join('\n');
}

export function hostCpu(): HostCpu {
  return parseProcStat(readFileSync('/proc/stat', 'utf8'));
}

/** Share of the machine's CPU time between two /proc/stat readings that was busy (not idle or iowait), and stolen by the hypervisor. */
export function busyShare(before: HostCpu, after: HostCpu): { busy: number; steal: number } {
  const d = (m: keyof HostCpu['ticks']) => after.ticks[m] - before.ticks[m];
  const all = Object.keys(after.ticks).reduce((sum, m) => sum + d(m as keyof HostCpu['ticks']), 0);
  if (all <= 0) return { busy: 0, steal: 0 };
  return { busy: (all - d('idle') - d('iowait')) / all, steal: d('steal') / all };
}
