import type { ExecutorConfigOf } from './schema.js';
import { argvForCompose } from './compose.js';
import { argvForKubernetes } from './kubernetes.js';

/**
 * How executors other than pm2 (pm2-victims.ts) name and remove a chosen worker. Pure: argv
 * arrays only, run by the caller through run.ts. A worker is placed by what its heartbeat says:
 * its pid (systemd: the unit in /proc/<pid>/cgroup) or its host (a container's or pod's hostname
 * is its id / name unless the deployment sets another).
 */

/** The `unit@N.service` a process runs in, from /proc/<pid>/cgroup text; undefined when not one of `unit`'s. */
export function systemdUnitOfCgroup(text: string, unit: string): string | undefined {
  const prefix = `${unit}@`;
  for (const line of text.split('\n')) {
    const path = line.slice(line.lastIndexOf(':') + 1);
    for (const part of path.split('/').reverse()) {
      if (part.startsWith(prefix) && part.endsWith('.service') && /^\d{1,9}$/.test(part.slice(prefix.length, -'.service'.length)))
        return part;
    }
  }
  return undefined;
}

/** Stop exactly these instances: the pool is then at the count of the rest. */
export function systemdRemoveArgv(config: ExecutorConfigOf<'systemd'>, units: readonly string[]): string[] | null {
  return units.length === 0 ? null : [config.bin, 'stop', ...units];
}

/** The annotation the ReplicaSet controller reads to pick which pods a scale-down deletes first. */
export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

/**
 * Mark the chosen pods cheapest to delete, then scale: the ReplicaSet removes the pods with the
 * lowest cost first (Kubernetes ≥ 1.22). -1000 is below the default 0 of every other pod.
 */
export function kubernetesVictimSteps(config: ExecutorConfigOf<'kubernetes'>, pods: readonly string[], replicas: number): string[][] {
  const scale = argvForKubernetes(config, { pool: '', replicas, current: replicas });
  // `kubectl [--context C] [-n NS]`: the scale argv without its verb and arguments.
  const kubectl = scale.slice(0, -3);
  const annotate = pods.length === 0 ? [] : [[...kubectl, 'annotate', '--overwrite', 'pod', ...pods, `${POD_DELETION_COST}=-1000`]];
  return [...annotate, scale];
}

/**
 * Stop and remove the chosen containers, then let compose hold the service at `replicas` without
 * recreating the others. Containers are named by the id the worker reports as its host.
 */
export function composeVictimSteps(config: ExecutorConfigOf<'compose'>, containers: readonly string[], replicas: number): string[][] {
  const up = argvForCompose(config, { pool: '', replicas, current: replicas });
  const remove =
    containers.length === 0
      ? []
      : [
          ['docker', 'stop', ...containers],
          ['docker', 'rm', ...containers],
        ];
  return [...remove, up];
}

/** `{victims}` / `{victim_pids}` elements (schema.ts) → one element per victim. */
export function expandVictims(argv: readonly string[], victims: { ids: readonly string[]; pids: readonly string[] }): string[] {
  return argv.flatMap((element) =>
    element === '{victims}' ? [...victims.ids] : element === '{victim_pids}' ? [...victims.pids] : [element],
  );
}
