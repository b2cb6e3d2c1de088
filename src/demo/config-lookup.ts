import { existsSync } from 'node:fs';
import { loadConfig, type Config } from '../config/index.js';

/**
 * alertscale.yml for a demo command: required when the user named it, optional when it is just
 * the default path (the worker also runs from env alone, e.g. under pm2).
 */
export function readDemoConfig(file: string, explicit: boolean): Config | undefined {
  if (!explicit && !existsSync(file)) return undefined;
  return loadConfig(file);
}

/** Redis URL and the list queue feeding `pool` (the first `kind: list` queue with `pool: <pool>`). */
export function demoTargetsFromConfig(config: Config | undefined, pool: string): { redisUrl?: string; queueKey?: string } {
  if (!config) return {};
  const queue = Object.values(config.queues).find((q) => q.kind === 'list' && q.pool === pool);
  return { redisUrl: config.redis.url, ...(queue && queue.kind === 'list' ? { queueKey: queue.key } : {}) };
}
