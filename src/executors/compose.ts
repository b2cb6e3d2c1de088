import type { ExecutorConfigOf } from './schema.js';
import { createCommandBackedExecutor } from './preset.js';
import { countLines } from './probe.js';
import type { Executor, ScaleRequest } from './types.js';

export type ComposeExecutorConfig = ExecutorConfigOf<'compose'>;

/** `docker compose [-f FILE] [-p PROJECT]`: the part every compose command starts with. */
function composePrefix(config: ComposeExecutorConfig): string[] {
  return [...config.bin, ...(config.file ? ['-f', config.file] : []), ...(config.project ? ['-p', config.project] : [])];
}

/** `--no-recreate` so scaling never restarts the containers that already run. */
export function argvForCompose(config: ComposeExecutorConfig, request: ScaleRequest): string[] {
  const service = config.service;
  return [...composePrefix(config), 'up', '-d', '--no-recreate', '--scale', `${service}=${request.replicas}`, service];
}

/** One running container id per line. */
export function currentArgvForCompose(config: ComposeExecutorConfig): string[] {
  return [...composePrefix(config), 'ps', '-q', config.service];
}

export function createComposeExecutor(pool: string, config: ComposeExecutorConfig): Executor {
  return createCommandBackedExecutor(pool, config, {
    kind: 'compose',
    argvFor: argvForCompose,
    current: { argvFor: currentArgvForCompose, parse: countLines },
  });
}
