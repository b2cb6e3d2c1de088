import { z } from 'zod';
import { duration } from './fields.js';
import { DEFAULT_ALERTMANAGER_URL, DEFAULT_EXPORTER_LISTEN, DEFAULT_RECEIVER_LISTEN } from './endpoints.js';
import { executorSchema } from '../executors/schema.js';
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
    cooldown: z.strictObject({ up: duration.prefault('1m'), down: duration.prefault('5m') }).prefault({}),
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
     * order, e.g. `pm2 scale` removes the first processes in its list (the lowest ids); the plain behaviour, kept as a baseline).
     */
    victims: z.enum(['idle-first', 'executor']).default('idle-first'),
    /** How the exporter finds this pool's processes in /proc. */
    processes: z.strictObject({ match: regexSource, user: z.string().optional() }).optional(),
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
      /** A single Redis. Ignored by the receiver when `sentinels` is set. */
      url: z.string().default('redis://127.0.0.1:6379/0'),
      /** Redis Sentinel: the sentinels to ask where the master `name` is (the receiver follows a failover without a restart). */
      sentinels: z
        .array(z.strictObject({ host: z.string().min(1), port: z.int().min(1).max(65_535) }))
        .min(1)
        .optional(),
      /** The master's name in the sentinels' `sentinel monitor` line. */
      name: z.string().min(1).default('mymaster'),
      /** The Redis password, read from this file (relative to alertscale.yml); never written inline. */
      passwordFile: z.string().optional(),
      /**
       * After a decision whose command follows is recorded, wait until `replicas` replicas have it
       * (Redis WAIT) before running the command, so a failover cannot lose the record of a command
       * that ran. Default: 1 with sentinels, 0 (no wait) with a single Redis.
       */
      wait: z.strictObject({ replicas: z.int().min(0).optional(), timeout: duration.prefault('500ms') }).prefault({}),
      /** Prefix of every key alertscale writes (state, locks, audit). Heartbeats use `alertscale:hb:`. */
      keyPrefix: z.string().default('alertscale:'),
    })
    .prefault({}),
  receiver: z
    .strictObject({
      listen: listenAddress.default(DEFAULT_RECEIVER_LISTEN),
      /** Webhook and API bearer token: read from this file (relative to alertscale.yml)… */
      tokenFile: z.string().optional(),
      /** …or from this environment variable. Never written inline in the config. */
      tokenEnv: z.string().optional(),
      /**
       * A pool lock is a lease of this length, renewed every third of it while its command runs:
       * a receiver that dies mid-command leaves its pool free again within this.
       */
      lease: duration.prefault('5s').refine((ms) => ms >= 1_000, 'lease must be at least 1s (it is renewed every third of it)'),
      /** Audit stream cap (approximate, XADD MAXLEN ~). */
      auditMaxEntries: z.int().min(100).default(100_000),
    })
    .prefault({}),
  exporter: z.strictObject({ listen: listenAddress.default(DEFAULT_EXPORTER_LISTEN) }).prefault({}),
  alertmanager: z.strictObject({ url: z.url().default(DEFAULT_ALERTMANAGER_URL) }).prefault({}),
  pools: z.record(poolName, poolSchema),
  queues: z.record(z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/), queueSchema).default({}),
});

export type Config = z.infer<typeof configSchema>;
export type RedisConfig = Config['redis'];
export type PoolConfig = z.infer<typeof poolSchema>;
export type QueueConfig = z.infer<typeof queueSchema>;
