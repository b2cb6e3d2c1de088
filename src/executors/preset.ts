import { isPoolName } from '../config/names.js';
import { probeCount, type CountParser } from './probe.js';
import { nothingToDo, notRun, runArgv, type RunSettings } from './run.js';
import type { ExecutionResult, Executor, ScaleRequest } from './types.js';

/** The settings every executor config shares (after parsing: timeout in ms). */
export interface CommonSettings {
  timeout: number;
  env: Record<string, string>;
}

export function runSettings(config: CommonSettings): RunSettings {
  return { timeoutMs: config.timeout, env: config.env };
}

/** Executors are built for validated pool names only; anything else is a programming error. */
export function assertPoolName(pool: string): void {
  if (!isPoolName(pool)) throw new Error(`refusing to build an executor for pool ${JSON.stringify(pool)}: not a valid pool name`);
}

const isCount = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/** Why this executor must not act on `request`, or undefined when it may. */
export function requestProblem(pool: string, request: ScaleRequest): string | undefined {
  if (request.pool !== pool) return `request for pool ${JSON.stringify(request.pool)} sent to the executor of pool ${pool}`;
  if (!isCount(request.replicas)) return `pool ${pool}: replicas must be a non-negative integer, got ${request.replicas}`;
  if (!isCount(request.current)) return `pool ${pool}: current must be a non-negative integer, got ${request.current}`;
  return undefined;
}

/** A preset that scales by running one command. */
export interface CommandPreset<C extends CommonSettings> {
  kind: string;
  /** The argv that brings the pool to `request.replicas`; null when there is nothing to run. */
  argvFor(config: C, request: ScaleRequest): string[] | null;
  /** How to read the live count, when the tool can tell. */
  current?: { argvFor(config: C, pool: string): string[]; parse: CountParser };
}

/** An Executor that runs `preset`'s argv through runArgv. scale() never throws. */
export function createCommandBackedExecutor<C extends CommonSettings>(pool: string, config: C, preset: CommandPreset<C>): Executor {
  assertPoolName(pool);
  const settings = runSettings(config);
  const executor: Executor = {
    kind: preset.kind,
    async scale(request: ScaleRequest): Promise<ExecutionResult> {
      const problem = requestProblem(pool, request);
      if (problem) return notRun([], problem);
      let argv: string[] | null;
      try {
        argv = preset.argvFor(config, request);
      } catch (err) {
        return notRun([], `pool ${pool}: could not build the ${preset.kind} command: ${(err as Error).message}`);
      }
      if (argv === null) return nothingToDo(`pool ${pool} is already at ${request.replicas}; nothing to run`);
      return runArgv(argv, settings);
    },
  };
  const probe = preset.current;
  if (probe) executor.current = () => probeCount(pool, probe.argvFor(config, pool), settings, probe.parse);
  return executor;
}
