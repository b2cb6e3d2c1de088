import type { ExecutorConfigOf } from './schema.js';
import { createCommandBackedExecutor } from './preset.js';
import type { Executor, ScaleRequest } from './types.js';

export type NomadExecutorConfig = ExecutorConfigOf<'nomad'>;

export function argvForNomad(config: NomadExecutorConfig, request: ScaleRequest): string[] {
  return [config.bin, 'job', 'scale', config.job, config.group, String(request.replicas)];
}

/** The job as JSON; the group's `Count` is its desired size. */
export function currentArgvForNomad(config: NomadExecutorConfig): string[] {
  return [config.bin, 'job', 'inspect', config.job];
}

interface NomadJob {
  TaskGroups?: { Name?: unknown; Count?: unknown }[];
}

/** `Count` of task group `group` in `nomad job inspect` output (`{"Job": {...}}` or the bare job). */
export function parseNomadGroupCount(stdout: string, group: string): number {
  let parsed: { Job?: NomadJob } & NomadJob;
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    throw new Error(`nomad job inspect did not print JSON: ${JSON.stringify(stdout.slice(0, 200))}`);
  }
  const groups = (parsed.Job ?? parsed).TaskGroups ?? [];
  const count = groups.find((g) => g.Name === group)?.Count;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
    throw new Error(`no task group ${JSON.stringify(group)} with a Count in the job`);
  }
  return count;
}

export function createNomadExecutor(pool: string, config: NomadExecutorConfig): Executor {
  return createCommandBackedExecutor(pool, config, {
    kind: 'nomad',
    argvFor: argvForNomad,
    current: { argvFor: currentArgvForNomad, parse: (stdout) => parseNomadGroupCount(stdout, config.group) },
  });
}
