/**
 * What alertscale.yml may say about each executor kind: its keys, their defaults and checks, and
 * the argv-template placeholders. The executors own these (as a Nomad Autoscaler plugin owns its
 * config keys); config/schema.ts validates a pool's `executor:` with them. This file is at layer 0
 * with config/ (docs/ARCHITECTURE.md): it imports zod and config/ only, never the executors' code.
 */
import { z } from 'zod';
import { duration } from '../config/fields.js';
import { TARGET_NAME } from '../config/names.js';

/**
 * The placeholders of the `command` executor's argv templates, part of what alertscale.yml may
 * say (executors/template.ts fills them). Each element is filled on its own: a value never
 * splits an element, joins two, or means anything to a shell (none runs).
 *
 *   {pool}      the pool name (already checked against POOL_NAME)
 *   {replicas}  the target count, e.g. "4"
 *   {current}   the count alertscale believes the pool has now, e.g. "2"
 *   {delta}     replicas - current, always signed: "+2", "-1", "0"
 *               (the sign makes the direction visible in the audit log and lets a script branch on it)
 *
 * Any other `{word}` is a config-time error (a typo such as `{replica}` would otherwise reach the
 * program literally). Braces that do not wrap a bare word (`{.spec.replicas}`, `{{json .}}`) are
 * left alone.
 */
export const PLACEHOLDERS = ['pool', 'replicas', 'current', 'delta'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** What a `current` probe may use: it runs before any target is known. */
export const PROBE_PLACEHOLDERS: readonly Placeholder[] = ['pool'];

/**
 * The `command` executor's victim placeholders (issue 13): an element that is exactly `{victims}`
 * (the chosen workers' ids) or `{victim_pids}` (their pids) becomes one element per victim, none
 * when there are none. Inside other text they would have to be joined into one string that a
 * program must split again, so only whole elements may be one.
 */
export const VICTIM_PLACEHOLDERS = ['victims', 'victim_pids'] as const;
const isVictimElement = (e: string) => e === '{victims}' || e === '{victim_pids}';

/** Elements that use a victim placeholder inside other text (not allowed), for the config error. */
export function embeddedVictimPlaceholders(argv: readonly string[]): string[] {
  return argv.filter((e) => !isVictimElement(e) && /\{victims\}|\{victim_pids\}/.test(e));
}

/** Whether a `command` scale template names victims, i.e. the executor can remove chosen workers. */
export const choosesVictims = (argv: readonly string[]): boolean => argv.some(isVictimElement);

/** A `{word}` in an argv element. */
export const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Placeholders in `argv` that are not in `allowed`, e.g. ["{replica}"]; empty when all are known. */
export function unknownPlaceholders(argv: readonly string[], allowed: readonly string[] = PLACEHOLDERS): string[] {
  const unknown = new Set<string>();
  for (const element of argv) {
    for (const match of element.matchAll(PLACEHOLDER)) {
      if (!allowed.includes(match[1]!)) unknown.add(match[0]);
    }
  }
  return [...unknown];
}

/** One argv element naming a target; a leading `-` would turn a name into an option. */
const targetName = (what: string) =>
  z.string().regex(TARGET_NAME, `${what} must match ${TARGET_NAME} (letters, digits, _ . : @ / -; no leading -)`);

/** A program and its arguments: never a shell line. */
const argv = z.array(z.string()).min(1, 'an argv array needs at least the program, e.g. ["kubectl", "scale", …]');

/** An argv template: only the placeholders in `allowed` may appear (a typo must not reach the program). */
const argvTemplate = (allowed: readonly string[], what: string) =>
  argv.superRefine((elements, ctx) => {
    const unknown = unknownPlaceholders(elements, allowed);
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown placeholder(s) ${unknown.join(', ')} in ${what}; allowed: ${allowed.map((p) => `{${p}}`).join(' ')}`,
      });
    }
  });

/** Settings every executor shares. A zero timeout would kill every command at once. */
const common = {
  timeout: duration.pipe(z.number().min(1, 'timeout must be above 0, e.g. 30s')).prefault('30s'),
  env: z.record(z.string(), z.string()).default({}),
};

export const commandExecutor = z.strictObject({
  kind: z.literal('command'),
  /**
   * argv template run to scale; `{pool}` `{replicas}` `{current}` `{delta}` are substituted per
   * element; a whole element `{victims}` / `{victim_pids}` expands to the workers a scale-down chose.
   */
  scale: argvTemplate([...PLACEHOLDERS, ...VICTIM_PLACEHOLDERS], 'scale').refine((a) => embeddedVictimPlaceholders(a).length === 0, {
    message: '{victims} and {victim_pids} must be whole argv elements (each victim becomes one element), e.g. ["drain", "{victims}"]',
  }),
  /** argv whose stdout is the current replica count (a single integer); only `{pool}` is known then. */
  current: argvTemplate(PROBE_PLACEHOLDERS, 'current').optional(),
  ...common,
});

export const pm2Executor = z.strictObject({
  kind: z.literal('pm2'),
  app: targetName('pm2 app'),
  bin: z.string().default('pm2'),
  ...common,
});

export const composeExecutor = z.strictObject({
  kind: z.literal('compose'),
  service: targetName('compose service'),
  file: z
    .string()
    .min(1)
    .refine((f) => !f.startsWith('-'), 'a compose file path must not start with "-"')
    .optional(),
  project: targetName('compose project').optional(),
  bin: argv.default(['docker', 'compose']),
  ...common,
});

export const swarmExecutor = z.strictObject({
  kind: z.literal('swarm'),
  service: targetName('swarm service'),
  bin: z.string().default('docker'),
  ...common,
});

export const kubernetesExecutor = z.strictObject({
  kind: z.literal('kubernetes'),
  deployment: targetName('deployment'),
  namespace: targetName('namespace').optional(),
  context: targetName('context').optional(),
  bin: z.string().default('kubectl'),
  ...common,
});

export const nomadExecutor = z.strictObject({
  kind: z.literal('nomad'),
  job: targetName('nomad job'),
  group: targetName('nomad task group'),
  bin: z.string().default('nomad'),
  ...common,
});

export const systemdExecutor = z.strictObject({
  kind: z.literal('systemd'),
  /** Template unit name without `@`, e.g. `worker` for `worker@1.service`. */
  unit: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,200}$/, 'systemd template unit name, e.g. "worker" for worker@1.service'),
  bin: z.string().default('systemctl'),
  ...common,
});

export const gunicornExecutor = z.strictObject({
  kind: z.literal('gunicorn'),
  /** The master's pidfile (`gunicorn --pid FILE`). */
  pidfile: z.string().min(1),
  ...common,
});

export const celeryExecutor = z.strictObject({
  kind: z.literal('celery'),
  app: targetName('celery app'),
  /** Worker node names (`celery@host`); all workers when absent. */
  destination: z.array(targetName('celery destination')).optional(),
  /**
   * Workers started with `--autoscale` reject pool_grow/pool_shrink. With `autoscale: true`
   * alertscale sends `control autoscale N N` (MAX = MIN = the target): the pool is pinned at N and
   * celery's own autoscaler has no room to undo alertscale's decision.
   */
  autoscale: z.boolean().default(false),
  bin: z.string().default('celery'),
  ...common,
});

export const executorSchema = z.discriminatedUnion('kind', [
  commandExecutor,
  pm2Executor,
  composeExecutor,
  swarmExecutor,
  kubernetesExecutor,
  nomadExecutor,
  systemdExecutor,
  gunicornExecutor,
  celeryExecutor,
]);

export type ExecutorConfig = z.infer<typeof executorSchema>;
export type ExecutorKind = ExecutorConfig['kind'];

/** The parsed config of one executor kind, e.g. `ExecutorConfigOf<'pm2'>`. */
export type ExecutorConfigOf<K extends ExecutorKind> = Extract<ExecutorConfig, { kind: K }>;
