import { z } from 'zod';
import { duration } from './duration.js';
import { executorSchema } from './executor-schema.js';
import { isListenAddress } from './listen.js';
import { POOL_NAME } from './names.js';

const poolName = z.string().regex(POOL_NAME, `pool names must match ${POOL_NAME}`);

/** `host:port`, loopback by default; a bare port means 127.0.0.1. */
const listenAddress = z.string().refine(isListenAddress, 'write host:port, e.g. 127.0.0.1:9460');

const regexSource = z.string().superRefine((source, ctx) => {
  try {
    new RegExp(source);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(err as Error).message}` });
  }
});

export const poolSchema = z
  .strictObject({
    min: z.int().min(0),
    max: z.int().min(1),
    /** false = dry run: decisions are made and audited, never executed. */
    enabled: z.boolean().default(true),
    /** Workers added or removed per step signal when the alert has no `step` annotation. */
    step: z.int().min(1).default(1),
    /**
     * A firing step alert steps again at most this often. Alertmanager re-sends a firing alert every
     * repeat_interval (set it ≥ this), so each repeat steps; HA duplicates and retries arrive within
     * seconds and do not.
     */
    stepInterval: duration.prefault('1m'),
    /** Largest change one action may make, whatever the target says. */
    maxStep: z.int().min(1).optional(),
    cooldown: z
      .strictObject({ up: duration.prefault('1m'), down: duration.prefault('5m') })
      .prefault({}),
    executor: executorSchema,
    /**
     * A scale-down whose executor can remove chosen workers waits this long for the busy ones it
     * chose to finish their job (docs/HEARTBEATS.md "Drain"), under the pool's lock.
     */
    drainTimeout: duration.prefault('1m'),
    /** Past drainTimeout: `stop` those workers anyway, or `leave` them draining (audited `drain: partial`). */
    afterDrainTimeout: z.enum(['stop', 'leave']).default('leave'),
    /**
     * Who picks the workers a scale-down removes: `idle-first` (the receiver, when the executor can
     * remove chosen workers: idle first, busy ones drained) or `executor` (the executor's own
     * order, e.g. `pm2 scale` removes the highest ids; the plain behaviour, kept as a baseline).
     */
    victims: z.enum(['idle-first', 'executor']).default('idle-first'),
    /** How the exporter finds this pool's processes in /proc. */
    processes: z
      .strictObject({ match: regexSource, user: z.string().optional() })
      .optional(),
  })
  .refine((pool) => pool.min <= pool.max, {
    message: 'min must be ≤ max',
    path: ['min'],
    // zod skips refinements once any field failed; check whenever min and max themselves are usable,
    // so min > max is reported together with the pool's other mistakes.
    when: ({ value }) => {
      const { min, max } = (value ?? {}) as { min?: unknown; max?: unknown };
      return Number.isInteger(min) && Number.isInteger(max);
    },
  });

export const queueSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('list'), key: z.string().min(1), pool: poolName.optional() }),
  z.strictObject({
    kind: z.literal('stream'),
    key: z.string().min(1),
    group: z.string().min(1),
    pool: poolName.optional(),
  }),
  z.strictObject({
    kind: z.literal('bullmq'),
    /** BullMQ queue name (the `new Queue(name)` argument). */
    name: z.string().min(1),
    prefix: z.string().default('bull'),
    pool: poolName.optional(),
  }),
]);

export const configSchema = z.strictObject({
  redis: z
    .strictObject({
      url: z.string().default('redis://127.0.0.1:6379/0'),
      /** Prefix of every key alertscale writes (state, locks, audit). Heartbeats use `alertscale:hb:`. */
      keyPrefix: z.string().default('alertscale:'),
    })
    .prefault({}),
  receiver: z
    .strictObject({
      listen: listenAddress.default('127.0.0.1:9460'),
      /** Webhook and API bearer token: read from this file (relative to alertscale.yml)… */
      tokenFile: z.string().optional(),
      /** …or from this environment variable. Never written inline in the config. */
      tokenEnv: z.string().optional(),
      /** How long a pool lock may be held before another receiver may take it. */
      lockTimeout: duration.prefault('10m'),
      /** Audit stream cap (approximate, XADD MAXLEN ~). */
      auditMaxEntries: z.int().min(100).default(100_000),
    })
    .prefault({}),
  exporter: z
    .strictObject({ listen: listenAddress.default('127.0.0.1:9464') })
    .prefault({}),
  alertmanager: z
    .strictObject({ url: z.url().default('http://127.0.0.1:9093') })
    .prefault({}),
  pools: z.record(poolName, poolSchema),
  queues: z.record(z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/), queueSchema).default({}),
}).superRefine((config, ctx) => {
  // A command runs under its pool's lock; a lock that expires first lets a second action start beside it.
  for (const [name, pool] of Object.entries(config.pools)) {
    if (pool.executor.timeout >= config.receiver.lockTimeout) {
      ctx.addIssue({
        code: 'custom',
        path: ['pools', name, 'executor', 'timeout'],
        message: `must be shorter than receiver.lockTimeout (${config.receiver.lockTimeout / 1000}s): raise lockTimeout or lower the timeout`,
      });
    } else if (pool.executor.timeout + pool.drainTimeout >= config.receiver.lockTimeout) {
      // A scale-down waits for drained workers under the lock, then runs the executor.
      ctx.addIssue({
        code: 'custom',
        path: ['pools', name, 'drainTimeout'],
        message: `drainTimeout + executor.timeout must be shorter than receiver.lockTimeout (${config.receiver.lockTimeout / 1000}s): raise lockTimeout or lower drainTimeout`,
      });
    }
  }
});

export type Config = z.infer<typeof configSchema>;
export type PoolConfig = z.infer<typeof poolSchema>;
export type QueueConfig = z.infer<typeof queueSchema>;
