import type { ExecutorConfig } from './schema.js';
import { createCeleryExecutor } from './celery.js';
import { createCommandExecutor } from './command.js';
import { createComposeExecutor } from './compose.js';
import { createGunicornExecutor } from './gunicorn.js';
import { createKubernetesExecutor } from './kubernetes.js';
import { createNomadExecutor } from './nomad.js';
import { createPm2Executor } from './pm2.js';
import { createSwarmExecutor } from './swarm.js';
import { createSystemdExecutor } from './systemd.js';
import type { Executor } from './types.js';

export type { ExecutionResult, Executor, ScaleRequest } from './types.js';
export { CurrentProbeError } from './probe.js';
export { runArgv, runForOutput, type RunSettings } from './run.js';

/**
 * The executor of one pool, from its parsed `executor:` config. Throws when `pool` is not a valid
 * pool name: names reach argv only after that check.
 */
export function createExecutor(pool: string, config: ExecutorConfig): Executor {
  switch (config.kind) {
    case 'command':
      return createCommandExecutor(pool, config);
    case 'pm2':
      return createPm2Executor(pool, config);
    case 'compose':
      return createComposeExecutor(pool, config);
    case 'swarm':
      return createSwarmExecutor(pool, config);
    case 'kubernetes':
      return createKubernetesExecutor(pool, config);
    case 'nomad':
      return createNomadExecutor(pool, config);
    case 'systemd':
      return createSystemdExecutor(pool, config);
    case 'gunicorn':
      return createGunicornExecutor(pool, config);
    case 'celery':
      return createCeleryExecutor(pool, config);
  }
}
