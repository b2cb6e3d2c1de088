import { parseArgs } from 'node:util';
import { isPoolName } from '../config/names.js';

/** Everything one demo worker process needs to know; resolved once at start. */
export interface WorkerSettings {
  redisUrl: string;
  queueKey: string;
  pool: string;
  workerId: string;
  /** Heartbeat key lifetime (docs/ARCHITECTURE.md "Heartbeat protocol": 30 s). */
  heartbeatTtlS: number;
  /** Heartbeat refresh period; far below the TTL so a GC pause never expires a live worker. */
  heartbeatEveryMs: number;
  /** How often a worker looks for processing lists of dead workers. */
  orphanScanEveryMs: number;
  /** BLMOVE timeout: the longest a stop request waits for an idle worker to notice it. */
  blockTimeoutS: number;
}

export const WORKER_DEFAULTS = {
  redisUrl: 'redis://127.0.0.1:6379/0',
  queueKey: 'demo:jobs',
  pool: 'demo',
  heartbeatTtlS: 30,
  heartbeatEveryMs: 1_000,
  orphanScanEveryMs: 5_000,
  blockTimeoutS: 1,
} as const;

/** The name the exporter's `processes.match` looks for (process title and pm2 script name). */
export const DEMO_PROCESS_NAME = 'alertscale-demo-worker';

const WORKER_ID = /^[A-Za-z0-9_.@-]{1,120}$/;

/** What a flag, the environment or alertscale.yml may set; later layers fill what earlier ones left. */
export type WorkerOverrides = Partial<Pick<WorkerSettings, 'redisUrl' | 'queueKey' | 'pool' | 'workerId'>>;

export interface ResolveInput {
  /** Highest precedence: command-line flags. */
  flags?: WorkerOverrides;
  env?: NodeJS.ProcessEnv;
  /** Lowest precedence before the defaults: values found in alertscale.yml. */
  config?: WorkerOverrides;
  host: string;
  pid: number;
}

/**
 * flags > env (REDIS_URL, QUEUE_KEY, POOL, WORKER_ID) > alertscale.yml > defaults. Throws on bad
 * values. ORPHAN_SCAN_MS (env only) tunes how soon a crashed worker's job is taken over.
 */
export function resolveWorkerSettings({ flags = {}, env = {}, config = {}, host, pid }: ResolveInput): WorkerSettings {
  const fromEnv: WorkerOverrides = {
    redisUrl: nonEmpty(env.REDIS_URL),
    queueKey: nonEmpty(env.QUEUE_KEY),
    pool: nonEmpty(env.POOL),
    workerId: nonEmpty(env.WORKER_ID),
  };
  const pick = <K extends keyof WorkerOverrides>(k: K) => flags[k] ?? fromEnv[k] ?? config[k];
  const settings: WorkerSettings = {
    ...WORKER_DEFAULTS,
    orphanScanEveryMs: positiveNumber('ORPHAN_SCAN_MS', env.ORPHAN_SCAN_MS) ?? WORKER_DEFAULTS.orphanScanEveryMs,
    redisUrl: pick('redisUrl') ?? WORKER_DEFAULTS.redisUrl,
    queueKey: pick('queueKey') ?? WORKER_DEFAULTS.queueKey,
    pool: pick('pool') ?? WORKER_DEFAULTS.pool,
    workerId: pick('workerId') ?? defaultWorkerId(env, host, pid),
  };
  if (!isPoolName(settings.pool))
    throw new Error(`demo worker: pool "${settings.pool}" is not a valid pool name (lowercase letters, digits, _ and -)`);
  if (!WORKER_ID.test(settings.workerId))
    throw new Error(`demo worker: worker id "${settings.workerId}" must match ${WORKER_ID} (it becomes part of Redis keys)`);
  if (!/^rediss?:\/\//.test(settings.redisUrl))
    throw new Error(`demo worker: redis URL "${settings.redisUrl}" must start with redis:// or rediss://`);
  return settings;
}

/**
 * host-pid, and under pm2 host-pm2.<instance>-pid. The pid is always part of it: a restarted
 * instance is a new worker, so it can never mistake a live predecessor's jobs for its own.
 */
export function defaultWorkerId(env: NodeJS.ProcessEnv, host: string, pid: number): string {
  const safeHost = host.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 60) || 'host';
  const instance = env.NODE_APP_INSTANCE ?? env.pm_id;
  return instance !== undefined && /^\d+$/.test(instance) ? `${safeHost}-pm2.${instance}-${pid}` : `${safeHost}-${pid}`;
}

/** Flags the pm2 launcher accepts after `--` (the CLI's `alertscale worker` has the same names). */
export function parseWorkerArgs(argv: readonly string[]): WorkerOverrides {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      redis: { type: 'string' },
      queue: { type: 'string' },
      pool: { type: 'string' },
      'worker-id': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  return dropUndefined({ redisUrl: values.redis, queueKey: values.queue, pool: values.pool, workerId: values['worker-id'] });
}

function positiveNumber(name: string, v: string | undefined): number | undefined {
  if (nonEmpty(v) === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`demo worker: ${name}=${v} must be a positive number of milliseconds`);
  return n;
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

export function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
