import type { ExecutorConfigOf } from './schema.js';
import { createCommandBackedExecutor } from './preset.js';
import type { ExecutionResult, Executor, ScaleRequest } from './types.js';

export type CeleryExecutorConfig = ExecutorConfigOf<'celery'>;

/**
 * Without `autoscale`: `celery -A APP control pool_grow|pool_shrink K --json [--destination a,b]`,
 * K the unsigned size of the change; null at delta 0 (nothing to grow or shrink).
 *
 * With `autoscale: true`: `celery -A APP control autoscale N N --json`. Celery's arguments are MAX
 * then MIN (the bounds of its own autoscaler); a worker grows to MIN and shrinks to MAX at once.
 * Setting both to the target pins the pool at N, so celery's autoscaler cannot drift away from what
 * alertscale decided (and alertscale's `current` stays true). Always sent, being absolute.
 *
 * `--json` because `celery control` exits 0 even when a worker refuses the command (measured with
 * Celery 5.2: "Can't shrink pool. All processes busy!", "pool_grow is not supported with
 * autoscale"); only the JSON replies tell a refusal from a success.
 */
export function argvForCelery(config: CeleryExecutorConfig, request: ScaleRequest): string[] | null {
  const control = [config.bin, '-A', config.app, 'control'];
  const options = ['--json', ...(config.destination?.length ? ['--destination', config.destination.join(',')] : [])];
  if (config.autoscale) {
    const n = String(request.replicas);
    return [...control, 'autoscale', n, n, ...options];
  }
  const delta = request.replicas - request.current;
  if (delta === 0) return null;
  const action = delta > 0 ? 'pool_grow' : 'pool_shrink';
  return [...control, action, String(Math.abs(delta)), ...options];
}

/** One worker's answer in `celery control --json` output: `[{"w1@host": {"ok": "…"}}, …]`. */
type ControlReply = Record<string, { ok?: unknown; error?: unknown }>;

/**
 * Why the replies in `output` do not confirm the command, or undefined when every worker said ok.
 * The JSON is the last line celery prints; anything before it (warnings) is ignored.
 */
export function celeryRefusal(output: string): string | undefined {
  const line = output.trim().split('\n').at(-1) ?? '';
  let replies: unknown;
  try {
    replies = JSON.parse(line);
  } catch {
    return `celery control printed no JSON replies (last line: ${JSON.stringify(line.slice(0, 200))})`;
  }
  if (!Array.isArray(replies) || replies.length === 0) return 'no Celery worker replied';
  const refused = (replies as ControlReply[]).flatMap((reply) =>
    Object.entries(reply)
      .filter(([, answer]) => answer?.ok === undefined)
      .map(([node, answer]) => `${node}: ${String(answer?.error ?? 'no ok in reply')}`),
  );
  return refused.length > 0 ? `Celery worker(s) refused: ${refused.join('; ')}` : undefined;
}

/** `celery -A APP inspect stats --json [--destination …]`: each worker's pool, processes included. */
export function currentArgvForCelery(config: CeleryExecutorConfig): string[] {
  const destination = config.destination?.length ? ['--destination', config.destination.join(',')] : [];
  return [config.bin, '-A', config.app, 'inspect', 'stats', '--json', ...destination];
}

/** The live count: pool processes summed over the workers that answered `inspect stats`. */
export function countCeleryProcesses(stdout: string): number {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  const replies = JSON.parse(line) as Record<string, { pool?: { processes?: unknown } }>;
  const workers = Object.entries(replies ?? {});
  if (workers.length === 0) throw new Error('no Celery worker answered inspect stats');
  return workers.reduce((sum, [node, stats]) => {
    const processes = stats?.pool?.processes;
    if (!Array.isArray(processes)) throw new Error(`${node}: inspect stats has no pool.processes list`);
    return sum + processes.length;
  }, 0);
}

export function createCeleryExecutor(pool: string, config: CeleryExecutorConfig): Executor {
  const base = createCommandBackedExecutor(pool, config, {
    kind: 'celery',
    argvFor: argvForCelery,
    current: { argvFor: currentArgvForCelery, parse: countCeleryProcesses },
  });
  return {
    kind: base.kind,
    current: base.current!,
    async scale(request: ScaleRequest): Promise<ExecutionResult> {
      const result = await base.scale(request);
      // argv empty: nothing ran (delta 0 or a refused request); there are no replies to read.
      if (!result.ok || result.argv.length === 0) return result;
      const refusal = celeryRefusal(result.outputTail);
      return refusal ? { ...result, ok: false, error: `pool ${pool}: ${refusal}` } : result;
    },
  };
}
