import type { PoolMetrics } from '../client/exposition.js';
import type { PoolInfo } from '../client/types.js';
import { formatClock, formatDuration, formatPercent, formatRelative, oneLine, truncate, wrap } from './format.js';
import { outcomeColor } from './outcome.js';
import type { Style } from './style.js';
import { renderTable, type Cell } from './table.js';

export interface StatusInput {
  pools: PoolInfo[];
  /** Exporter numbers by pool; undefined when the exporter could not be read. */
  metrics?: Map<string, PoolMetrics>;
  now: number;
  width: number;
  style: Style;
}

/** `↑14s ↓44s`: the time left before each direction may act; `-` when both may act now. */
export function cooldownCell(seconds: { up: number; down: number }): string {
  const parts = [];
  if (seconds.up > 0) parts.push(`↑${formatDuration(seconds.up * 1000)}`);
  if (seconds.down > 0) parts.push(`↓${formatDuration(seconds.down * 1000)}`);
  return parts.join(' ') || '-';
}

/** `until 14:05` (today) / `until 2026-12-05 00:51` / `-`; `?` when the receiver does not report pauses. */
export function pausedCell(pool: PoolInfo, now: number): string {
  if (pool.paused === null && pool.pausedUnknown) return '?';
  if (pool.paused === null) return '-';
  const until = Date.parse(pool.paused.until);
  const only = pool.paused.scale?.length === 1 ? ` (${pool.paused.scale[0]})` : pool.paused.partial ? ' (some)' : '';
  // Today's clock drops its seconds; another day's is already to the minute.
  return `until ${formatClock(until, now).replace(/^(\d\d:\d\d):\d\d$/, '$1')}${only}`;
}

export function utilizationCell(m: PoolMetrics | undefined): string {
  if (m?.alive === undefined || m.busy === undefined) return '-';
  return `${m.busy}/${m.alive} ${m.alive > 0 ? formatPercent(m.busy / m.alive) : '-'}`;
}

/** `3`, or `3 → 4` while the last decision wants another count (running, failed or dry run). */
export function replicasCell(p: Pick<PoolInfo, 'replicas' | 'desired'>): string {
  return p.desired === null || p.desired === p.replicas ? String(p.replicas) : `${p.replicas} → ${p.desired}`;
}

const count = (n: number | undefined) => (n === undefined ? '-' : String(n));

/** The `alertscale status` screen: a table of pools, then each pool's last decision and pause. */
export function renderStatus({ pools, metrics, now, width, style }: StatusInput): string[] {
  if (pools.length === 0) return ['no pools are configured (add one under pools: in alertscale.yml)'];
  const rows: Cell[][] = pools.map((p) => {
    const m = metrics?.get(p.pool);
    return [
      { text: p.enabled ? p.pool : `${p.pool} (dry run)`, color: style.bold },
      replicasCell(p),
      `${p.min}-${p.max}`,
      utilizationCell(m),
      count(m?.queue),
      cooldownCell(p.cooldownRemainingSeconds),
      { text: pausedCell(p, now), color: p.paused ? style.yellow : undefined },
    ];
  });
  const table = renderTable(
    [
      { header: 'POOL', shrink: true, min: 4 },
      { header: 'REPLICAS', align: 'right' },
      { header: 'MIN-MAX' },
      { header: 'BUSY/ALIVE' },
      { header: 'QUEUE', align: 'right' },
      { header: 'COOLDOWN', shrink: true, min: 4 },
      { header: 'PAUSED', shrink: true, min: 5 },
    ],
    rows,
    { width, style },
  );
  return [...table, '', ...pools.flatMap((p) => poolDetails(p, now, width, style))];
}

/** The lines under the table for one pool: its last decision and why, and its pause. */
export function poolDetails(p: PoolInfo, now: number, width: number, style: Style): string[] {
  const lines: string[] = [];
  const fit = (text: string) => truncate(text, width);
  const d = p.lastDecision;
  const name = `${p.pool}:`;
  if (d) {
    // `demo: scaled 3m ago — <why>`, wrapped rather than cut: the why is the point.
    const [first = '', ...rest] = wrap(`${name} ${d.outcome} ${formatRelative(Date.parse(d.time), now)} — ${oneLine(d.reason)}`, width, '');
    const head = first.slice(name.length + 1);
    const colored = head.startsWith(d.outcome) ? outcomeColor(d.outcome, style)(d.outcome) + head.slice(d.outcome.length) : head;
    lines.push(`${style.bold(name)} ${colored}`, ...wrap(rest.join(' '), width, '  '));
  } else {
    lines.push(`${style.bold(fit(name))} ${style.dim('no decision yet')}`);
  }
  if (p.paused) {
    const until = Date.parse(p.paused.until);
    const by = p.paused.createdBy ? ` by ${p.paused.createdBy}` : '';
    const comment = p.paused.comment ? `: ${oneLine(p.paused.comment)}` : '';
    const what = p.paused.scale?.length === 1 ? `scale-${p.paused.scale[0]} paused` : p.paused.partial ? 'partly paused' : 'paused';
    lines.push(
      ...wrap(
        `${what} until ${formatClock(until, now)} (${formatDuration(until - now)} left)${by}${comment} [silence ${p.paused.silenceId}]`,
        width,
        '  ',
      ).map(style.yellow),
    );
  } else if (p.pausedUnknown) {
    lines.push(style.yellow(fit("  paused: unknown (the receiver could not read Alertmanager's silences)")));
  }
  return lines;
}
