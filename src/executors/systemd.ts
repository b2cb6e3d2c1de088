import type { ExecutorConfigOf } from './schema.js';
import { assertPoolName, requestProblem, runSettings } from './preset.js';
import { probeCount } from './probe.js';
import { nothingToDo, notRun, runArgv, runForOutput } from './run.js';
import type { ExecutionResult, Executor, ScaleRequest } from './types.js';

export type SystemdExecutorConfig = ExecutorConfigOf<'systemd'>;

const instanceUnit = (unit: string, n: number) => `${unit}@${n}.service`;

/** Active instance numbers of `unit@N.service` in list-units output, ascending; other names are not ours. */
export function activeInstances(unit: string, stdout: string): number[] {
  const prefix = `${unit}@`;
  const numbers = new Set<number>();
  for (const line of stdout.split('\n')) {
    const name = line.trim().split(/\s+/)[0] ?? '';
    const n = name.startsWith(prefix) && name.endsWith('.service') ? name.slice(prefix.length, -'.service'.length) : '';
    if (/^\d{1,9}$/.test(n)) numbers.add(Number(n));
  }
  return [...numbers].sort((a, b) => a - b);
}

/**
 * From the active instance numbers to `replicas` of them. Instances come and go on their own
 * (a crash, an operator's `systemctl stop worker@2`), so the numbers can have gaps: growing starts
 * the lowest free numbers, shrinking stops the highest active ones. One command either way; null
 * when `replicas` are already active (systemctl start with no unit is an error).
 */
export function argvForSystemd(config: SystemdExecutorConfig, replicas: number, active: readonly number[]): string[] | null {
  if (replicas > active.length) {
    const taken = new Set(active);
    const start: string[] = [];
    for (let n = 1; start.length < replicas - active.length; n++) if (!taken.has(n)) start.push(instanceUnit(config.unit, n));
    return [config.bin, 'start', ...start];
  }
  if (replicas < active.length) {
    const stop = [...active].sort((a, b) => b - a).slice(0, active.length - replicas);
    return [config.bin, 'stop', ...stop.map((n) => instanceUnit(config.unit, n))];
  }
  return null;
}

/** Active instances, one per line; systemctl matches the pattern itself (no shell glob). */
export function currentArgvForSystemd(config: SystemdExecutorConfig): string[] {
  return [config.bin, 'list-units', '--plain', '--no-legend', '--state=active', `${config.unit}@*.service`];
}

/** scale() reads which instances are active first: the argv depends on their numbers, not only their count. */
export function createSystemdExecutor(pool: string, config: SystemdExecutorConfig): Executor {
  assertPoolName(pool);
  const settings = runSettings(config);
  const parse = (stdout: string) => activeInstances(config.unit, stdout).length;
  return {
    kind: 'systemd',
    async scale(request: ScaleRequest): Promise<ExecutionResult> {
      const problem = requestProblem(pool, request);
      if (problem) return notRun([], problem);
      if (request.replicas === request.current) return nothingToDo(`pool ${pool} is already at ${request.replicas}; nothing to run`);
      const listed = await runForOutput(currentArgvForSystemd(config), settings);
      if (!listed.result.ok) {
        return { ...listed.result, error: `pool ${pool}: could not list the active ${config.unit}@ instances: ${listed.result.error}` };
      }
      const argv = argvForSystemd(config, request.replicas, activeInstances(config.unit, listed.stdout));
      if (argv === null)
        return nothingToDo(`pool ${pool} already has ${request.replicas} active ${config.unit}@ instances; nothing to run`);
      return runArgv(argv, settings);
    },
    current: () => probeCount(pool, currentArgvForSystemd(config), settings, parse),
  };
}
