import type { ExecutorConfigOf } from './schema.js';
import { livePm2Processes, pm2HomeOf } from './pm2-live.js';
import { assertPoolName, requestProblem, runSettings } from './preset.js';
import { combineResults, nothingToDo, notRun, runArgv, runForOutput, type RunSettings } from './run.js';
import type { ExecutionResult, Executor, ScaleRequest } from './types.js';

export type Pm2ExecutorConfig = ExecutorConfigOf<'pm2'>;

export function listArgvForPm2(config: Pm2ExecutorConfig): string[] {
  return [config.bin, 'jlist'];
}

interface Pm2Process {
  name?: unknown;
  pm_id?: unknown;
  pm2_env?: { status?: unknown };
}

/** One process of the app as `pm2 jlist` shows it. */
export interface Pm2Instance {
  id: number;
  status: string;
}

/**
 * The process list of `pm2 jlist`. pm2 may print lines first (e.g. "[PM2] Spawning PM2 daemon",
 * which also starts with "["), so try each line that opens an array until one parses.
 */
export function parsePm2List(stdout: string): Pm2Process[] {
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.trimStart().startsWith('[')) continue;
    try {
      const parsed: unknown = JSON.parse(lines.slice(i).join('\n'));
      if (Array.isArray(parsed)) return parsed as Pm2Process[];
    } catch {
      // not the JSON yet: a log line that happens to start with "["
    }
  }
  throw new Error(`no JSON process list in pm2 jlist output: ${JSON.stringify(stdout.slice(0, 200))}`);
}

/** Every process of `app`, online or not. */
export function instancesOf(stdout: string, app: string): Pm2Instance[] {
  return parsePm2List(stdout)
    .filter((p) => p.name === app)
    .map((p) => ({ id: Number(p.pm_id), status: String(p.pm2_env?.status ?? 'unknown') }));
}

/**
 * The pm2 commands that bring `app` to `replicas`, given its processes now. Pure.
 *
 * `pm2 scale APP 0` DELETES the app (measured with pm2 7: the process list is empty afterwards and
 * `pm2 scale APP 1` then fails with "Application not found"), so zero is reached by keeping one
 * process and stopping it: `pm2 scale APP 1`, `pm2 stop APP` (both stop workers with SIGINT and
 * kill_timeout, as a scale-down does). `pm2 scale` counts stopped processes too, so waking starts
 * the stopped ones first, by id (`pm2 start APP` would RESTART online ones and interrupt their
 * jobs), then scales. `pm2 scale APP N` is absolute but exits 1 ("Nothing to do") when the app
 * has N processes already, so it runs only when pm2's count (online or not) differs from N.
 */
export function pm2Steps(config: Pm2ExecutorConfig, replicas: number, instances: readonly Pm2Instance[]): string[][] {
  const { bin, app } = config;
  if (instances.length === 0)
    throw new Error(`pm2 has no process named ${JSON.stringify(app)}: start the app once (pm2 start … --name ${app}) so it can be scaled`);
  if (replicas === 0) {
    return [
      ...(instances.length > 1 ? [[bin, 'scale', app, '1']] : []),
      ...(instances.some((p) => p.status !== 'stopped') ? [[bin, 'stop', app]] : []),
    ];
  }
  const stopped = instances.filter((p) => p.status === 'stopped');
  // At its count already, `pm2 scale` exits 1 ("Nothing to do"): run it only to change the count.
  const scale = instances.length === replicas ? [] : [[bin, 'scale', app, String(replicas)]];
  return [...stopped.map((p) => [bin, 'start', String(p.id)]), ...scale];
}

async function runSteps(steps: readonly string[][], settings: RunSettings): Promise<ExecutionResult> {
  const results: ExecutionResult[] = [];
  for (const argv of steps) {
    const result = await runArgv(argv, settings);
    results.push(result);
    if (!result.ok) break;
  }
  return combineResults(results);
}

export function createPm2Executor(pool: string, config: Pm2ExecutorConfig): Executor {
  assertPoolName(pool);
  const settings = runSettings(config);
  const list = listArgvForPm2(config);
  return {
    kind: 'pm2',
    async scale(request: ScaleRequest): Promise<ExecutionResult> {
      const problem = requestProblem(pool, request);
      if (problem) return notRun([], problem);
      const { result, stdout } = await runForOutput(list, settings);
      if (!result.ok) return { ...result, error: `pool ${pool}: could not list pm2 processes: ${result.error}` };
      let steps: string[][];
      try {
        steps = pm2Steps(config, request.replicas, instancesOf(stdout, config.app));
      } catch (err) {
        return notRun(list, `pool ${pool}: ${(err as Error).message}`);
      }
      if (steps.length === 0)
        return nothingToDo(
          `pool ${pool}: pm2 app ${config.app} already has ${request.replicas} ` +
            `${request.replicas === 0 ? '(stopped)' : 'online'}; nothing to run`,
        );
      return runSteps(steps, settings);
    },
    // The live count comes from /proc (pm2-live.ts), not `pm2 jlist`: the probe runs before every
    // decision, and a pm2 CLI run costs a Node start-up. `scale` lists with pm2: it needs stopped ones.
    async current(): Promise<number> {
      try {
        return (await livePm2Processes(pm2HomeOf(config.env), config.app)).length;
      } catch (err) {
        throw new Error(`pool ${pool}: pm2 app ${config.app}: ${(err as Error).message}`);
      }
    },
  };
}
