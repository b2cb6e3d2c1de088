import { hostname } from 'node:os';
import type { Pm2ExecutorConfig } from './pm2.js';
import { instancesOf, listArgvForPm2, type Pm2Instance } from './pm2.js';
import { livePm2Processes, pm2HomeOf } from './pm2-live.js';
import { runSettings } from './preset.js';
import { notRun, runArgv, runForOutput, type RunSettings } from './run.js';
import type { ExecutionResult } from './types.js';

/** A worker as far as locating its pm2 process goes. */
interface Locatable {
  id: string;
  pid?: number;
  host?: string;
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
 * The pm2 commands that remove exactly `victims` (pm2 ids) and leave `app` at `replicas` online,
 * given its processes now. Pure.
 *
 * - `pm2 delete <id>…` the victims (SIGINT, then kill_timeout, for one still running; a drained one
 *   has exited and is only dropped from the list) and, with them, every other *stopped* process:
 *   a worker that drained and exited stays stopped (`--stop-exit-codes 0`), and left in the list it
 *   would be counted by the next `pm2 scale`, which then deletes the first processes in the list
 *   (the lowest ids, the oldest workers), busy or not.
 * - A victim no longer listed is not named: a batch before deleted it as a stopped leftover.
 * - When no process would be left (to 0, or a batch whose pending victims all exited meanwhile),
 *   one is kept, stopped (`pm2 scale APP 0` and deleting the last process both delete the app, and
 *   nothing could wake it).
 * - Only when more others are online than `replicas` (victims the heartbeats could not name) does
 *   `pm2 scale` run: the executor's own choice, as without victims.
 */
export function pm2RemoveSteps(
  config: Pm2ExecutorConfig,
  victims: readonly string[],
  replicas: number,
  instances: readonly Pm2Instance[],
): string[][] {
  const { bin, app } = config;
  const chosen = new Set(victims);
  const others = instances.filter((p) => !chosen.has(String(p.id)));
  const online = others.filter((p) => p.status !== 'stopped');
  // A victim missing from the list was deleted already, as a stopped leftover of an earlier batch:
  // `pm2 delete` of an id it does not know fails the whole command.
  const ids = new Set(instances.map((p) => String(p.id)));
  const listed = victims.filter((id) => ids.has(id));
  const gone = [...listed, ...others.filter((p) => p.status === 'stopped').map((p) => String(p.id))];
  // Nothing left online: deleting all of `gone` would delete every process, and the app with it.
  // Not only on the way to 0: a batch whose pending victims (counted in `replicas`) all drained and
  // exited meanwhile is there too (seen in the bench: 5 → 0 in two batches deleted the app).
  if (online.length === 0 && gone.length > 0) {
    // Keep a process that is stopped already, if there is one: nothing more to stop.
    const isStopped = (id: string) => instances.find((p) => String(p.id) === id)?.status === 'stopped';
    const keep = gone.find(isStopped) ?? gone[0]!;
    const rest = gone.filter((id) => id !== keep);
    return [...(rest.length > 0 ? [[bin, 'delete', ...rest]] : []), ...(isStopped(keep) ? [] : [[bin, 'stop', keep]])];
  }
  const remove = gone.length > 0 ? [[bin, 'delete', ...gone]] : [];
  // Fewer online than `replicas`: a victim still pending (counted in `replicas`) drained and exited
  // meanwhile and was deleted with the leftovers. A scale-down never starts a process to make up for it.
  if (online.length <= replicas) return remove;
  if (replicas === 0) return [...remove, ...(online.length > 1 ? [[bin, 'scale', app, '1']] : []), [bin, 'stop', app]];
  return [...remove, [bin, 'scale', app, String(replicas)]];
}

/** Removes chosen pm2 processes by id (pm2RemoveSteps), after reading the app's processes. */
export function createPm2Remover(
  config: Pm2ExecutorConfig,
  opts: { host?: string; run?: (argv: readonly string[], s: RunSettings) => Promise<ExecutionResult> } = {},
) {
  const settings = runSettings(config);
  const list = listArgvForPm2(config);
  const host = opts.host ?? hostname();
  const run = opts.run ?? runArgv;
  return {
    async locate(victims: readonly Locatable[]): Promise<Map<string, string>> {
      let live: Awaited<ReturnType<typeof livePm2Processes>>;
      try {
        live = await livePm2Processes(pm2HomeOf(config.env), config.app);
      } catch (err) {
        throw new Error(`pm2 app ${config.app}: could not list processes to find the victims: ${(err as Error).message}`);
      }
      return locatePm2(victims, new Map(live.map((p) => [p.pid, p.pmId])), host);
    },
    async remove(instances: readonly string[], replicas: number): Promise<ExecutionResult[]> {
      const { result, stdout } = await runForOutput(list, settings);
      if (!result.ok) return [result];
      let steps: string[][];
      try {
        const processes = instancesOf(stdout, config.app);
        if (processes.length === 0) throw new Error(`pm2 has no process named ${JSON.stringify(config.app)}`);
        steps = pm2RemoveSteps(config, instances, replicas, processes);
      } catch (err) {
        return [notRun(list, `pm2 app ${config.app}: ${(err as Error).message}`)];
      }
      const results: ExecutionResult[] = [];
      for (const argv of steps) {
        const r = await run(argv, settings);
        results.push(r);
        if (!r.ok) break;
      }
      return results;
    },
  };
}
