import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { createRemover, type InstanceRemover } from '../executors/removers.js';
import type { Executor } from '../executors/types.js';
import { createSilenceCache, createSilencesClient, type SilenceCache, type SilencesClient } from '../silences/index.js';
import {
  createAuditLog,
  createDecisionStore,
  createPoolStore,
  stateKeys,
  type AuditLog,
  type DecisionStore,
  type PoolStore,
} from '../state/index.js';
import { createWorkersReader, type WorkersReader } from '../workers/read.js';
import { createReceiverMetrics, type ReceiverMetrics } from './metrics.js';
import { createPoolQueue, type PoolQueue } from './pool-queue.js';

/**
 * Everything the receiver's code reaches outside itself, built once per receiver. Each function
 * names the part it uses as a `Pick<Deps, …>` of its own, so its signature says what it touches.
 */
export interface Deps {
  config: Config;
  /** Only for `/readyz`: every read and write goes through the stores below. */
  redis: Redis;
  pools: PoolStore;
  audit: AuditLog;
  /** A decision's lock+read and record+unlock, one Redis call each. */
  decisions: DecisionStore;
  executors: ReadonlyMap<string, Executor>;
  /** Per pool whose executor can remove chosen workers (pm2, systemd, compose, kubernetes, `command` with `{victims}`). */
  removers: ReadonlyMap<string, InstanceRemover>;
  /** The pools' workers from their heartbeats (+ /proc): the workers route and the victim choice. */
  workers: WorkersReader;
  /** Alertmanager's silences as this receiver sees them; null without Alertmanager (nothing is paused). */
  silences: SilenceCache | null;
  metrics: ReceiverMetrics;
  logger: Logger;
  now: () => number;
  /** How long a request waits for a pool lock held by another action before answering 503. */
  lockWaitMs: number;
  /** Local requests waiting for a pool, in arrival order. */
  queue: PoolQueue;
  /** Executions still running, so shutdown and tests can wait for them. */
  running: Set<Promise<void>>;
}

export interface DepsOptions {
  config: Config;
  redis: Redis;
  executors: ReadonlyMap<string, Executor>;
  /** Default: from each pool's executor config (executors/removers.ts). */
  removers?: ReadonlyMap<string, InstanceRemover>;
  logger: Logger;
  now?: () => number;
  lockWaitMs?: number;
  /**
   * Alertmanager's silences API, for pause/resume and `paused`. Default: a client for
   * config.alertmanager.url. null: no Alertmanager (nothing shows as paused; pause answers 502).
   */
  silences?: SilencesClient | null;
}

export function createDeps(input: DepsOptions): Deps {
  const { config, redis } = input;
  const keys = stateKeys(config.redis.keyPrefix);
  const client = input.silences === undefined ? createSilencesClient({ url: config.alertmanager.url }) : input.silences;
  return {
    config,
    redis,
    pools: createPoolStore(redis, keys),
    audit: createAuditLog(redis, keys, config.receiver.auditMaxEntries),
    decisions: createDecisionStore(redis, keys, config.receiver.auditMaxEntries),
    executors: input.executors,
    removers: input.removers ?? removersOf(config),
    workers: createWorkersReader({ redis }),
    silences: client === null ? null : createSilenceCache({ client }),
    metrics: createReceiverMetrics(),
    logger: input.logger,
    now: input.now ?? Date.now,
    lockWaitMs: input.lockWaitMs ?? 1_000,
    queue: createPoolQueue(),
    running: new Set(),
  };
}

function removersOf(config: Config): Map<string, InstanceRemover> {
  const out = new Map<string, InstanceRemover>();
  for (const [pool, p] of Object.entries(config.pools)) {
    const remover = createRemover(pool, p.executor);
    if (remover) out.set(pool, remover);
  }
  return out;
}
