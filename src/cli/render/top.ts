import type { ScalingAlert } from '../client/alertmanager.js';
import type { AuditEntry, PoolInfo } from '../client/types.js';
import { auditRow } from './audit.js';
import { formatClock, formatDuration, formatPercent, pad, truncate } from './format.js';
import { cooldownCell, replicasCell } from './status.js';
import { plain, type Style } from './style.js';
import { renderTable, type Cell } from './table.js';
import { renderWorkers } from './workers.js';
import type { PoolWorkers } from '../../workers/view.js';

/** One pool on the `top` screen: the receiver's view and the exporter's numbers. */
export interface TopPool
  extends Pick<PoolInfo, 'pool' | 'replicas' | 'desired' | 'min' | 'max' | 'enabled' | 'paused' | 'cooldownRemainingSeconds'> {
  alive?: number;
  busy?: number;
  queue?: number;
  processes?: number;
  /** CPU seconds per second per process since the previous refresh (1 = a core each). */
  cpuPerWorker?: number;
}

/** Everything one frame of `top` shows; built by the loop, drawn by `renderTop`. */
export interface TopSnapshot {
  time: number;
  receiverUrl: string;
  intervalMs: number;
  pools: TopPool[];
  /** undefined when Alertmanager could not be read. */
  alerts?: ScalingAlert[];
  decisions: AuditEntry[];
  /** One line each: sources that could not be read this round. */
  problems: string[];
  /** With `--pool`: that pool's workers (GET /v1/pools/:pool/workers). */
  workers?: PoolWorkers;
}

/** `█████░░░░░`: a share as a bar of `cells` characters. */
export function bar(ratio: number, cells: number): string {
  const full = Math.max(0, Math.min(cells, Math.round(ratio * cells)));
  return '█'.repeat(full) + '░'.repeat(cells - full);
}

const heat = (ratio: number, style: Style) => (ratio >= 0.8 ? style.red : ratio >= 0.5 ? style.yellow : style.green);

function poolRow(p: TopPool, now: number, style: Style): Cell[] {
  const workers = replicasCell(p);
  const ratio = p.alive ? (p.busy ?? 0) / p.alive : undefined;
  const busy = p.alive === undefined || p.busy === undefined ? '-' : `${p.busy}/${p.alive}`;
  const state = p.paused
    ? { text: `paused ${formatDuration(Date.parse(p.paused.until) - now)}`, color: style.yellow }
    : !p.enabled
      ? { text: 'dry run', color: style.cyan }
      : { text: 'auto', color: style.green };
  return [
    { text: p.pool, color: style.bold },
    workers,
    busy,
    ratio === undefined ? '' : { text: bar(ratio, 6), color: heat(ratio, style) },
    ratio === undefined ? '' : formatPercent(ratio),
    p.queue === undefined ? '-' : String(p.queue),
    p.cpuPerWorker === undefined ? '-' : { text: formatPercent(p.cpuPerWorker), color: heat(p.cpuPerWorker, style) },
    `${p.min}-${p.max}`,
    cooldownCell(p.cooldownRemainingSeconds),
    state,
  ];
}

function alertRow(a: ScalingAlert, now: number, style: Style): Cell[] {
  const how = a.target !== undefined ? `target ${a.target}` : `step ${a.step ?? 1}`;
  const active = a.state === 'active';
  return [
    { text: a.alertname, color: active ? style.red : style.dim },
    a.pool,
    a.scale,
    how,
    formatDuration(now - Date.parse(a.startsAt)),
    { text: a.state, color: active ? style.red : style.yellow },
  ];
}

/**
 * One frame of `alertscale top`, `width` columns wide (at most `height` lines): pools, firing
 * scaling alerts, the last decisions. Pure: the loop does the I/O.
 */
export function renderTop(s: TopSnapshot, width: number, style: Style = plain, height = Infinity): string[] {
  const now = s.time;
  const title =
    ` alertscale top  ${formatClock(now, now)}  ${s.receiverUrl.replace(/^https?:\/\//, '')} ` +
    ` every ${formatDuration(s.intervalMs)}  q quits`;
  const lines = [style.inverse(pad(truncate(title, width), width)), ''];
  const opts = { width, style };

  if (s.pools.length > 0) {
    lines.push(
      ...renderTable(
        [
          { header: 'POOL', shrink: true, min: 6 },
          { header: 'WORKERS' },
          { header: 'BUSY', align: 'right' },
          { header: '' },
          { header: '', align: 'right' },
          { header: 'QUEUE', align: 'right' },
          { header: 'CPU/W', align: 'right' },
          { header: 'MIN-MAX' },
          { header: 'COOLDOWN', shrink: true, min: 4 },
          { header: 'STATE', shrink: true, min: 4 },
        ],
        s.pools.map((p) => poolRow(p, now, style)),
        { ...opts, gap: 1 },
      ),
    );
  } else if (s.problems.length === 0) lines.push(style.dim('no pools'));

  if (s.workers) {
    const [summary, ...table] = renderWorkers({ view: s.workers, width, style });
    lines.push('', style.bold(`WORKERS OF ${s.workers.pool}`), summary!, ...table);
  }

  const alerts = s.alerts;
  lines.push(
    '',
    style.bold(alerts === undefined ? 'FIRING SCALING ALERTS (Alertmanager not readable)' : `FIRING SCALING ALERTS (${alerts.length})`),
  );
  if (alerts && alerts.length > 0) {
    const table = renderTable(
      // Shown without a header (the section title says what they are), so the header takes no room.
      [
        { header: '', shrink: true, min: 8 },
        { header: '', shrink: true, min: 4 },
        { header: '' },
        { header: '' },
        { header: '' },
        { header: '' },
      ],
      alerts.map((a) => alertRow(a, now, style)),
      opts,
    );
    lines.push(...table.slice(1));
  } else if (alerts) lines.push(style.dim('none'));

  lines.push('', style.bold('LAST DECISIONS'));
  if (s.decisions.length > 0) {
    const table = renderTable(
      [{ header: '' }, { header: '', shrink: true, min: 4 }, { header: '' }, { header: '' }, { header: '', shrink: true, min: 10 }],
      s.decisions.map((e) => auditRow(e, now, style)),
      opts,
    );
    lines.push(...table.slice(1));
  } else lines.push(style.dim('none yet'));

  if (s.problems.length > 0) lines.push('', ...s.problems.map((p) => style.red(truncate(p, width))));
  return lines.slice(0, height);
}
