import type { ExecutorConfigOf } from './schema.js';
import { createCommandBackedExecutor } from './preset.js';
import { parseReplicaCount } from './probe.js';
import type { Executor, ScaleRequest } from './types.js';

export type KubernetesExecutorConfig = ExecutorConfigOf<'kubernetes'>;

/** `kubectl [--context C] [-n NS]`: global flags first, as kubectl documents them. */
function kubectlPrefix(config: KubernetesExecutorConfig): string[] {
  return [config.bin, ...(config.context ? ['--context', config.context] : []), ...(config.namespace ? ['-n', config.namespace] : [])];
}

export function argvForKubernetes(config: KubernetesExecutorConfig, request: ScaleRequest): string[] {
  return [...kubectlPrefix(config), 'scale', `deployment/${config.deployment}`, `--replicas=${request.replicas}`];
}

/** The desired count (spec), which is what `kubectl scale` sets; ready pods lag behind it. */
export function currentArgvForKubernetes(config: KubernetesExecutorConfig): string[] {
  return [...kubectlPrefix(config), 'get', 'deployment', config.deployment, '-o', 'jsonpath={.spec.replicas}'];
}

export function createKubernetesExecutor(pool: string, config: KubernetesExecutorConfig): Executor {
  return createCommandBackedExecutor(pool, config, {
    kind: 'kubernetes',
    argvFor: argvForKubernetes,
    current: { argvFor: currentArgvForKubernetes, parse: parseReplicaCount },
  });
}
