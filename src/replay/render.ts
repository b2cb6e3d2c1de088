/** A replay as text (timeline in `audit`'s words and columns, then a summary) and as JSON. Pure. */
import { changeCell } from '../cli/render/audit.js';
import { formatClock, formatDuration, oneLine } from '../cli/render/format.js';
import { outcomeColor } from '../cli/render/outcome.js';
import type { Style } from '../cli/render/style.js';
import { layoutTable, renderRows, type Column } from '../cli/render/table.js';
import type { ReplayResult } from './run.js';

export const OPEN_LOOP =
  'Replay is open loop: the metrics are what happened with the pool at its real size, ' +
  'so a replayed scale-up does not shorten the replayed queue.';

const COLUMNS: Column[] = [
  { header: 'TIME' },
  { header: 'POOL', shrink: true, min: 4 },
  { header: 'ALERTS', shrink: true, min: 6 },
  { header: 'OUTCOME' },
  { header: 'CHANGE' },
  { header: 'REASON', shrink: true, min: 10 },
];

export function renderReplay(result: ReplayResult, opts: { now: number; width: number; style: Style }): string[] {
  const { now, width, style } = opts;
  const lines = [
    `replay ${formatClock(result.from, now)} → ${formatClock(result.to, now)} (${formatDuration(result.to - result.from)}, ` +
      `evaluation every ${formatDuration(result.evaluationIntervalMs)})`,
    ...result.notes.map((n) => style.dim(`  ${n}`)),
    '',
  ];
  const decisions = result.pools.flatMap((p) => p.decisions).sort((a, b) => a.time - b.time);
  if (decisions.length === 0) lines.push('no notification would have reached the receiver in this window');
  else {
    const rows = decisions.map((d) => [
      formatClock(d.time, now),
      d.pool,
      [...new Set(d.alerts.map((a) => (a.status === 'resolved' ? `${a.alertname} (resolved)` : a.alertname)))].join(', '),
      { text: d.outcome, color: outcomeColor(d.outcome, style) },
      changeCell(d),
      oneLine(d.reason),
    ]);
    lines.push(...renderRows(COLUMNS, rows, layoutTable(COLUMNS, rows, { width }), { style }));
  }
  lines.push('');
  for (const p of result.pools) {
    const s = p.summary;
    const real = s.realWorkerSeconds === null ? 'no alertscale_pool_processes in the window' : `${s.realWorkerSeconds} really run`;
    const backlog = s.longestBacklogWithoutScaleUp
      ? `${formatDuration(s.longestBacklogWithoutScaleUp.ms)} from ${formatClock(s.longestBacklogWithoutScaleUp.start, now)}`
      : 'no queue metrics for this pool';
    lines.push(
      style.bold(`pool ${p.pool}`) + ` — rules ${p.rules.join(', ')}; started at ${p.start.replicas} (${p.start.source})`,
      `  actions: ${s.ups} up, ${s.downs} down; at max ${formatDuration(s.atMaxMs)}, at min ${formatDuration(s.atMinMs)}`,
      `  worker-seconds: ${s.replayedWorkerSeconds} replayed, ${real}`,
      `  longest backlog with no scale-up: ${backlog}`,
    );
  }
  lines.push('', style.dim(OPEN_LOOP));
  return lines;
}

/** `{decisions, replicas, summary}`: decisions of every pool in time order; replicas and summary by pool. */
export function replayJson(result: ReplayResult) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    from: iso(result.from),
    to: iso(result.to),
    evaluationIntervalSeconds: result.evaluationIntervalMs / 1000,
    openLoop: OPEN_LOOP,
    notes: result.notes,
    decisions: result.pools
      .flatMap((p) => p.decisions)
      .sort((a, b) => a.time - b.time)
      .map(({ time, pool, outcome, scale, from, to, reason, alerts }) => ({
        time: iso(time),
        pool,
        outcome,
        scale,
        from,
        to,
        reason,
        alerts,
      })),
    replicas: Object.fromEntries(result.pools.map((p) => [p.pool, p.replicas.map(([t, n]) => [t / 1000, n])])),
    summary: Object.fromEntries(
      result.pools.map((p) => [p.pool, { ...p.summary, startReplicas: p.start.replicas, startSource: p.start.source, rules: p.rules }]),
    ),
  };
}
