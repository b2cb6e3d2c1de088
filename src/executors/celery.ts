import type { ExecutorConfigOf } from '../config/executor-schema.js';
import { createCommandBackedExecutor } from './preset.js';
import type { Executor, ScaleRequest } from './types.js';

export type CeleryExecutorConfig = ExecutorConfigOf<'celery'>;

/**
 * Without `autoscale`: `celery -A APP control pool_grow|pool_shrink K [--destination a,b]`, K the
 * unsigned size of the change; null at delta 0 (nothing to grow or shrink).
 *
 * With `autoscale: true`: `celery -A APP control autoscale N N`. Celery's arguments are MAX then
 * MIN (the bounds of its own autoscaler); a worker grows to MIN and shrinks to MAX at once. Setting
 * both to the target pins the pool at N, so celery's autoscaler cannot drift away from what
 * alertscale decided (and alertscale's `current` stays true). Always sent, being absolute.
 */
export function argvForCelery(config: CeleryExecutorConfig, request: ScaleRequest): string[] | null {
  const control = [config.bin, '-A', config.app, 'control'];
  const destination = config.destination?.length ? ['--destination', config.destination.join(',')] : [];
  if (config.autoscale) {
    const n = String(request.replicas);
    return [...control, 'autoscale', n, n, ...destination];
  }
  const delta = request.replicas - request.current;
  if (delta === 0) return null;
  const action = delta > 0 ? 'pool_grow' : 'pool_shrink';
  return [...control, action, String(Math.abs(delta)), ...destination];
}

export function createCeleryExecutor(pool: string, config: CeleryExecutorConfig): Executor {
  return createCommandBackedExecutor(pool, config, { kind: 'celery', argvFor: argvForCelery });
}
