import { hostname } from 'node:os';
import type { Pm2ExecutorConfig } from './pm2.js';
import { instancesOf, parsePm2List, pm2Steps } from './pm2.js';
import { runSettings } from './preset.js';
import { notRun, runArgv, runForOutput, type RunSettings } from './run.js';
import type { ExecutionResult } from './types.js';

/** A worker as far as locating its pm2 process goes. */
interface Locatable {
  id: string;
  pid?: number;
  host?: string;
}

/** pid → pm_id for the processes of `app` in a `pm2 jlist` output. Pure. */
export function pm2IdsByPid(stdout: string, app: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const p of parsePm2List(stdout) as Array<{ name?: unknown; pm_id?: unknown; pid?: unknown }>) {
    if (p.name === app && Number.isInteger(p.pid) && (p.pid as number) > 0) out.set(p.pid as number, Number(p.pm_id));
  }
  return out;
}

/**
 * The victims' pm2 processes by the pid their heartbeat reports (only heartbeats from this host:
 * pm2 runs here). Pure.
 */
export function locatePm2(victims: readonly Locatable[], ids: ReadonlyMap<number, number>, host: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of victims) {
    const pmId = v.pid !== undefined && v.host === host ? ids.get(v.pid) : undefined;
    if (pmId !== undefined) out.set(v.id, String(pmId));
  }
  return out;
}

/**
 * Removes chosen pm2 processes by id: `pm2 delete <id>…` (SIGINT, then kill_timeout, for one
 * still running; a drained one has exited and is only dropped from the list), then whatever
 * pm2Steps needs for the app to be at `replicas` (nothing, when the victims were all there were to
 * remove). pm2 has no "scale down removing these": `pm2 scale` removes the highest ids.
 */
export function createPm2Remover(
  config: Pm2ExecutorConfig,
  opts: { host?: string; run?: (argv: readonly string[], s: RunSettings) => Promise<ExecutionResult> } = {},
) {
  const settings = runSettings(config);
  const list = [config.bin, 'jlist'];
  const host = opts.host ?? hostname();
  const run = opts.run ?? runArgv;
  return {
    async locate(victims: readonly Locatable[]): Promise<Map<string, string>> {
      const { result, stdout } = await runForOutput(list, settings);
      if (!result.ok) throw new Error(`pm2 app ${config.app}: could not list processes to find the victims: ${result.error}`);
      return locatePm2(victims, pm2IdsByPid(stdout, config.app), host);
    },
    async remove(instances: readonly string[], replicas: number): Promise<ExecutionResult[]> {
      const results: ExecutionResult[] = [];
      // Deleting the last processes deletes the app (a woken pool-at-zero would have nothing to
      // start): at 0 one victim is kept, and pm2Steps stops it (`pm2 stop APP`).
      const deleting = replicas === 0 ? instances.slice(1) : instances;
      if (deleting.length > 0) {
        const deleted = await run([config.bin, 'delete', ...deleting], settings);
        results.push(deleted);
        if (!deleted.ok) return results;
      }
      const { result, stdout } = await runForOutput(list, settings);
      if (!result.ok) return [...results, result];
      let steps: string[][];
      try {
        steps = pm2Steps(config, replicas, instancesOf(stdout, config.app));
      } catch (err) {
        return [...results, notRun(list, `pm2 app ${config.app}: ${(err as Error).message}`)];
      }
      for (const argv of steps) {
        const r = await run(argv, settings);
        results.push(r);
        if (!r.ok) break;
      }
      return results;
    },
  };
}
