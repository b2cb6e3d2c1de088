import type { PoolWorkers, WorkerView } from '../../workers/view.js';
import { formatDuration, formatPercent } from './format.js';
import type { Style } from './style.js';
import { renderTable, type Cell, type Column } from './table.js';

export interface WorkersInput {
  view: PoolWorkers;
  width: number;
  style: Style;
}

const COLUMNS: Column[] = [
  { header: 'WORKER', shrink: true, min: 12 },
  { header: 'STATE' },
  { header: 'JOB', shrink: true, min: 6 },
  { header: 'FOR', align: 'right' },
  { header: 'DONE', align: 'right' },
  { header: 'FAILED', align: 'right' },
  { header: 'CPU', align: 'right' },
  { header: 'RSS', align: 'right' },
  { header: 'LOAD', align: 'right' },
  { header: 'PID', align: 'right' },
  { header: 'HOST', shrink: true, min: 4 },
];

const seconds = (s: number | null | undefined) => (s === null || s === undefined ? '?' : formatDuration(s * 1000));
/** CPU as a share of one core, like top: `3%`, `104%`. */
export const cpuCell = (cpu: number | null) => (cpu === null ? '-' : formatPercent(cpu));
export const rssCell = (bytes: number | null) => (bytes === null ? '-' : `${Math.round(bytes / (1024 * 1024))}Mi`);

function stateCell(w: WorkerView, style: Style): Cell {
  const text = w.drain === 'no' ? w.state : `${w.state}, ${w.drain === 'draining' ? 'draining' : 'drain asked'}`;
  return { text, color: w.drain !== 'no' ? style.yellow : w.state === 'busy' ? style.green : style.dim };
}

/**
 * `alertscale workers POOL`: one line of pool summary, then a row per worker. FOR is how long the
 * job in hand has run (busy) or how long the worker has been idle.
 */
export function renderWorkers({ view, width, style }: WorkersInput): string[] {
  const s = view.summary;
  const head =
    `pool ${style.bold(view.pool)}: ${s.alive} alive, ${s.busy} busy, ${s.idle} idle${s.draining ? `, ${s.draining} draining` : ''}; ` +
    `jobs in progress ${s.jobsInProgress}, done ${s.done}, failed ${s.failed}; ` +
    `mean CPU ${s.meanCpu === null ? '-' : cpuCell(s.meanCpu)}${s.visible < s.alive ? ` (${s.visible} of ${s.alive} visible)` : ''}, ` +
    `mean load ${s.meanLoad === null ? '-' : s.meanLoad.toFixed(2)}`;
  if (view.workers.length === 0) return [head, 'no worker has a live heartbeat (alertscale:hb:' + view.pool + ':*)'];
  const rows: Cell[][] = view.workers.map((w) => [
    w.id,
    stateCell(w, style),
    w.job?.id ?? '-',
    seconds(w.job ? w.job.forSeconds : w.idleForSeconds),
    String(w.done),
    { text: String(w.failed), color: w.failed > 0 ? style.red : undefined },
    cpuCell(w.cpu),
    rssCell(w.rssBytes),
    w.load.toFixed(2),
    w.pid === null ? '-' : String(w.pid),
    w.host ?? '-',
  ]);
  return [head, ...renderTable(COLUMNS, rows, { width, style })];
}
