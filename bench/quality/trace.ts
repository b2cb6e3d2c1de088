import { readFileSync } from 'node:fs';
import { MAX_JOB_MS } from '../../src/demo/job.js';

/** One job of a trace: when it arrives (seconds after the start) and how long it runs. */
export interface TraceJob {
  atS: number;
  durationMs: number;
}

export interface Trace {
  name: string;
  jobs: TraceJob[];
}

export const TRACE_HEADER = 'at_s,duration_ms';

/** A trace file that is not `at_s,duration_ms` CSV; the message names file:line. */
export class TraceError extends Error {}

/** Parse trace CSV text; jobs come back sorted by arrival. Blank lines and `#` comments are skipped. */
export function parseTrace(text: string, file: string): TraceJob[] {
  const lines = text.split(/\r?\n/);
  const at = (i: number, msg: string) => new TraceError(`${file}:${i + 1}: ${msg}`);
  const first = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
  if (first < 0 || lines[first]!.trim().replace(/\s/g, '') !== TRACE_HEADER) {
    throw at(Math.max(first, 0), `expected the header "${TRACE_HEADER}"`);
  }
  const jobs: TraceJob[] = [];
  for (let i = first + 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== 2) throw at(i, `expected 2 columns (at_s,duration_ms), got ${cells.length}: ${JSON.stringify(line)}`);
    const atS = Number(cells[0]);
    const durationMs = Number(cells[1]);
    if (cells[0] === '' || !Number.isFinite(atS) || atS < 0) throw at(i, `at_s must be a number ≥ 0, got ${JSON.stringify(cells[0])}`);
    if (cells[1] === '' || !Number.isInteger(durationMs) || durationMs < 0 || durationMs > MAX_JOB_MS) {
      throw at(i, `duration_ms must be an integer in [0, ${MAX_JOB_MS}], got ${JSON.stringify(cells[1])}`);
    }
    jobs.push({ atS, durationMs });
  }
  if (jobs.length === 0) throw at(lines.length - 1, 'no jobs after the header');
  return jobs.sort((a, b) => a.atS - b.atS);
}

export function formatTrace(jobs: readonly TraceJob[]): string {
  return `${TRACE_HEADER}\n${jobs.map((j) => `${j.atS.toFixed(3)},${j.durationMs}`).join('\n')}\n`;
}

export function readTrace(file: string): Trace {
  const name = file.replace(/^.*\//, '').replace(/\.csv$/, '');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TraceError(`${file}: cannot read: ${(err as Error).message}`);
  }
  return { name, jobs: parseTrace(text, file) };
}

/** Last moment any job would end if it started on arrival, in seconds. */
export function traceEndS(jobs: readonly TraceJob[]): number {
  return jobs.reduce((end, j) => Math.max(end, j.atS + j.durationMs / 1000), 0);
}
