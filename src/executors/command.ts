import type { ExecutorConfigOf } from './schema.js';
import { createCommandBackedExecutor, type CommandPreset } from './preset.js';
import { parseReplicaCount } from './probe.js';
import { fillTemplate, templateValues } from './template.js';
import { expandVictims } from './victims.js';
import type { Executor, ScaleRequest } from './types.js';

export type CommandExecutorConfig = ExecutorConfigOf<'command'>;

/**
 * The operator's `scale` template, filled. Always runs, even at delta 0: the template decides.
 * Here no worker was chosen, so `{victims}` elements vanish (removers.ts fills them on a scale-down).
 */
export function argvForCommand(config: CommandExecutorConfig, request: ScaleRequest): string[] {
  return fillTemplate(expandVictims(config.scale, { ids: [], pids: [] }), templateValues(request));
}

/** The operator's `current` template; only `{pool}` is filled (the schema allows nothing else). */
export function currentArgvForCommand(config: CommandExecutorConfig, pool: string): string[] {
  if (!config.current) throw new Error(`pool ${pool}: no current probe configured`);
  return fillTemplate(config.current, { pool });
}

const preset: CommandPreset<CommandExecutorConfig> = { kind: 'command', argvFor: argvForCommand };
const withProbe: CommandPreset<CommandExecutorConfig> = {
  ...preset,
  current: { argvFor: currentArgvForCommand, parse: parseReplicaCount },
};

export function createCommandExecutor(pool: string, config: CommandExecutorConfig): Executor {
  return createCommandBackedExecutor(pool, config, config.current ? withProbe : preset);
}
