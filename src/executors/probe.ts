import { runForOutput, type RunSettings } from './run.js';
import type { ExecutionResult } from './types.js';

/** A `current()` probe that failed; `result` says what ran and what it printed. */
export class CurrentProbeError extends Error {
  constructor(
    message: string,
    readonly result: ExecutionResult,
  ) {
    super(message);
    this.name = 'CurrentProbeError';
  }
}

/** Turns a probe's stdout into a replica count, or throws an Error saying what was wrong. */
export type CountParser = (stdout: string) => number;

/** Run `argv` and parse its stdout into a count. Throws CurrentProbeError with context. */
export async function probeCount(pool: string, argv: string[], settings: RunSettings, parse: CountParser): Promise<number> {
  const { result, stdout } = await runForOutput(argv, settings);
  const where = `pool ${pool}: current probe ${JSON.stringify(argv)}`;
  if (!result.ok) throw new CurrentProbeError(`${where} failed: ${result.error}${tailNote(result)}`, result);
  try {
    return parse(stdout);
  } catch (err) {
    throw new CurrentProbeError(`${where}: ${(err as Error).message}`, result);
  }
}

function tailNote(result: ExecutionResult): string {
  const last = result.outputTail.trim().split('\n').pop();
  return last ? ` (last output: ${last})` : '';
}

/** stdout that is one non-negative integer, surrounding whitespace allowed. */
export function parseReplicaCount(stdout: string): number {
  const text = stdout.trim();
  if (!/^\d{1,9}$/.test(text)) {
    throw new Error(`expected a non-negative integer on stdout, got ${JSON.stringify(text.slice(0, 200))}`);
  }
  return Number(text);
}

/** One item per non-empty line (container ids, unit names). */
export function countLines(stdout: string): number {
  return stdout.split('\n').filter((line) => line.trim() !== '').length;
}
