/**
 * The receiver benchmark's numbers as markdown, and its section of bench/RESULTS.md (only the
 * `## Receiver webhook` section is replaced; other sections are left as they are).
 */
import { median, type LoadResult } from './receiver-load.js';

export const SECTION = '## Receiver webhook';

/** What one run cost, per answered request: CPU of the server process, of its reaped children, of Redis. */
export interface Cost {
  /** Requests the server handled in the run (answered or in flight at the stop). */
  served: number;
  serverCpuUs: number;
  /** Share of the server's CPU spent in the kernel (system time). */
  serverSysShare: number;
  childCpuUs: number;
  redisCpuUs: number;
  /** Redis calls by command over the run (the bench's own KEYS/INFO left out). */
  redisCalls: Record<string, number>;
}

export type Measured = LoadResult & { cost: Cost };

export interface Cell {
  target: string;
  connections: number;
  runs: Measured[];
}

export interface Row {
  target: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  answers: Record<string, number>;
  serverCpuUs: number;
  serverSysShare: number;
  childCpuUs: number;
  redisCpuUs: number;
  /** Redis calls per served request by command, over all runs. */
  redisPerRequest: Record<string, number>;
}

/** Medians over the runs of one target at one concurrency; counts are summed over the runs. */
export function toRow(cell: Cell): Row {
  const answers: Record<string, number> = {};
  const calls: Record<string, number> = {};
  for (const run of cell.runs) for (const [k, v] of Object.entries(run.answers)) answers[k] = (answers[k] ?? 0) + v;
  for (const run of cell.runs) for (const [k, v] of Object.entries(run.cost.redisCalls)) calls[k] = (calls[k] ?? 0) + v;
  const requests = cell.runs.reduce((s, r) => s + r.requests, 0);
  const served = cell.runs.reduce((s, r) => s + r.cost.served, 0);
  return {
    target: cell.target,
    connections: cell.connections,
    rps: median(cell.runs.map((r) => r.rps)),
    p50: median(cell.runs.map((r) => r.p50)),
    p99: median(cell.runs.map((r) => r.p99)),
    requests,
    non2xx: cell.runs.reduce((s, r) => s + r.non2xx, 0),
    errors: cell.runs.reduce((s, r) => s + r.errors, 0),
    answers,
    serverCpuUs: median(cell.runs.map((r) => r.cost.serverCpuUs)),
    serverSysShare: median(cell.runs.map((r) => r.cost.serverSysShare)),
    childCpuUs: median(cell.runs.map((r) => r.cost.childCpuUs)),
    redisCpuUs: median(cell.runs.map((r) => r.cost.redisCpuUs)),
    redisPerRequest: Object.fromEntries(Object.entries(calls).map(([k, v]) => [k, v / Math.max(1, served)])),
  };
}

export const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
const answersText = (a: Record<string, number>) =>
  Object.entries(a)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k.replace(/^200 /, '')} ${v}`)
    .join(', ');

/** `baselines`: targets without Redis or decisions (the floors); ratios are against `floorTarget`. */
export function resultsTable(rows: Row[], floorTarget: string, baselines: readonly string[] = [floorTarget]): string {
  const floor = (c: number) => rows.find((r) => r.target === floorTarget && r.connections === c)!;
  const lines = [
    '| path | conc. | req/s | p50 ms | p99 ms | req/s vs floor | p99 − floor p99 (ms) | requests | non-2xx | answers (all runs) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const f = floor(r.connections);
    const isFloor = r.target === floorTarget;
    const baseline = baselines.includes(r.target);
    lines.push(
      `| ${r.target} | ${r.connections} | ${Math.round(r.rps)} | ${ms(r.p50)} | ${ms(r.p99)} ` +
        `| ${isFloor ? '—' : `${((100 * r.rps) / f.rps).toFixed(0)} %`} | ${isFloor ? '—' : ms(r.p99 - f.p99)} | ${r.requests} ` +
        `| ${r.non2xx}${r.errors ? ` (+${r.errors} no answer)` : ''} | ${baseline ? '(not parsed)' : answersText(r.answers)} |`,
    );
  }
  return lines.join('\n');
}

/** CPU and Redis work per request: robust to the machine's other load, unlike req/s. */
export function costTable(rows: Row[], floorTarget: string, baselines: readonly string[] = [floorTarget]): string {
  const floor = (c: number) => rows.find((r) => r.target === floorTarget && r.connections === c)!;
  const lines = [
    '| path | conc. | server CPU µs/req | × floor | of it kernel | ' +
      'redis-server CPU µs/req | children (`true`) CPU µs/req | Redis calls/req |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const isFloor = r.target === floorTarget;
    const baseline = baselines.includes(r.target);
    const calls = Object.entries(r.redisPerRequest)
      .filter(([, v]) => v >= 0.01)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', ');
    const total = Object.values(r.redisPerRequest).reduce((s, v) => s + v, 0);
    lines.push(
      `| ${r.target} | ${r.connections} | ${Math.round(r.serverCpuUs)} ` +
        `| ${isFloor ? '—' : `${(r.serverCpuUs / floor(r.connections).serverCpuUs).toFixed(1)} ×`} ` +
        `| ${(100 * r.serverSysShare).toFixed(0)} % | ${baseline ? '—' : Math.round(r.redisCpuUs)} ` +
        `| ${baseline ? '—' : Math.round(r.childCpuUs)} | ${baseline ? '—' : `${total.toFixed(2)}: ${calls}`} |`,
    );
  }
  return lines.join('\n');
}
