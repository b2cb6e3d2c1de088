import type { ExecutorConfigOf } from './schema.js';
import { createCommandBackedExecutor } from './preset.js';
import { parseReplicaCount } from './probe.js';
import type { Executor, ScaleRequest } from './types.js';

export type SwarmExecutorConfig = ExecutorConfigOf<'swarm'>;

export function argvForSwarm(config: SwarmExecutorConfig, request: ScaleRequest): string[] {
  return [config.bin, 'service', 'scale', `${config.service}=${request.replicas}`];
}

/** The desired replica count of a replicated service (a Go template, not a shell string). */
export function currentArgvForSwarm(config: SwarmExecutorConfig): string[] {
  return [config.bin, 'service', 'inspect', '--format', '{{.Spec.Mode.Replicated.Replicas}}', config.service];
}

export function createSwarmExecutor(pool: string, config: SwarmExecutorConfig): Executor {
  return createCommandBackedExecutor(pool, config, {
    kind: 'swarm',
    argvFor: argvForSwarm,
    current: { argvFor: currentArgvForSwarm, parse: parseReplicaCount },
  });
}
