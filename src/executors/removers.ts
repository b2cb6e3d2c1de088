import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { choosesVictims, type ExecutorConfig } from './schema.js';
import { createPm2Remover } from './pm2-victims.js';
import { runSettings } from './preset.js';
import { runArgv } from './run.js';
import { fillTemplate, templateValues } from './template.js';
import type { ExecutionResult } from './types.js';
import { composeVictimSteps, expandVictims, kubernetesVictimSteps, systemdRemoveArgv, systemdUnitOfCgroup } from './victims.js';

/** A worker as its heartbeat places it. */
export interface PlacedWorker {
  id: string;
  pid?: number;
  host?: string;
}

/**
 * Removes chosen workers' instances (issue 13 §3). `locate` names each chosen worker's instance
 * before it drains; `remove` takes exactly those instances away and leaves the pool at `replicas`.
 */
export interface InstanceRemover {
  locate(victims: readonly PlacedWorker[]): Promise<Map<string, string>>;
  remove(instances: readonly string[], replicas: number): Promise<ExecutionResult[]>;
}

/** Executors that cannot remove a chosen worker (say so in the README): they keep their own order. */
export const CANNOT_CHOOSE = ['swarm', 'nomad', 'gunicorn', 'celery'] as const;

async function runAll(steps: readonly string[][], settings: ReturnType<typeof runSettings>): Promise<ExecutionResult[]> {
  const results: ExecutionResult[] = [];
  for (const argv of steps) {
    const r = await runArgv(argv, settings);
    results.push(r);
    if (!r.ok) break;
  }
  return results;
}

const byHost = async (victims: readonly PlacedWorker[]) =>
  new Map(victims.flatMap((v) => (v.host ? [[v.id, v.host] as [string, string]] : [])));

/**
 * The remover of a pool's executor, or undefined when the executor cannot choose (then a
 * scale-down runs the executor's own scale, as before). `command` chooses when its `scale` argv
 * has a `{victims}` or `{victim_pids}` element.
 */
export function createRemover(
  pool: string,
  config: ExecutorConfig,
  opts: { procRoot?: string; host?: string } = {},
): InstanceRemover | undefined {
  const settings = runSettings(config);
  const here = opts.host ?? hostname();
  const procRoot = opts.procRoot ?? '/proc';
  switch (config.kind) {
    case 'pm2':
      return createPm2Remover(config, { host: here });
    case 'systemd':
      return {
        // The unit a local worker runs in, from its cgroup; a worker elsewhere cannot be placed.
        locate: async (victims) => {
          const out = new Map<string, string>();
          for (const v of victims) {
            if (v.pid === undefined || v.host !== here) continue;
            let text: string;
            try {
              text = readFileSync(`${procRoot}/${v.pid}/cgroup`, 'utf8');
            } catch {
              continue; // gone: nothing to remove
            }
            const unit = systemdUnitOfCgroup(text, config.unit);
            if (unit) out.set(v.id, unit);
          }
          return out;
        },
        remove: async (units) => {
          const argv = systemdRemoveArgv(config, units);
          return argv ? runAll([argv], settings) : [];
        },
      };
    case 'kubernetes':
      return { locate: byHost, remove: (pods, replicas) => runAll(kubernetesVictimSteps(config, pods, replicas), settings) };
    case 'compose':
      return { locate: byHost, remove: (containers, replicas) => runAll(composeVictimSteps(config, containers, replicas), settings) };
    case 'command': {
      if (!choosesVictims(config.scale)) return undefined;
      // The instance is "id pid": the template takes either.
      const split = (instances: readonly string[]) => ({
        ids: instances.map((i) => i.split(' ')[0]!),
        pids: instances.map((i) => i.split(' ')[1] ?? '').filter(Boolean),
      });
      return {
        locate: async (victims) => new Map(victims.map((v) => [v.id, `${v.id} ${v.pid ?? ''}`.trim()])),
        // With no victim to name there is nothing for the template to do.
        remove: async (instances, replicas) => {
          if (instances.length === 0) return [];
          const argv = fillTemplate(
            expandVictims(config.scale, split(instances)),
            templateValues({ pool, replicas, current: replicas + instances.length }),
          );
          return runAll([argv], settings);
        },
      };
    }
    default:
      return undefined;
  }
}
