export { ConfigError, formatProblem, type ConfigProblem } from './errors.js';
export { loadConfig, parseConfig } from './load.js';
export { configSchema, poolSchema, queueSchema, type Config, type PoolConfig, type QueueConfig, type RedisConfig } from './schema.js';
export type { ExecutorConfig, ExecutorKind } from '../executors/schema.js';
export { POOL_NAME, TARGET_NAME, isPoolName } from './names.js';
export { parsePrometheusDuration } from './duration.js';
export { parseListen } from './listen.js';
export { readRedisPassword, readToken } from './token.js';
