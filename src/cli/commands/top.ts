import type { Command } from 'commander';
import { readScalingAlerts } from '../client/alertmanager.js';
import { resolveContext, type ApiOptions, type OpsContext } from '../client/context.js';
import { CliError } from '../client/errors.js';
import { readExporter } from '../client/exporter.js';
import { cpuPerWorker, type PoolMetrics } from '../client/exposition.js';
import { durationOption, withApi } from '../client/options.js';
import type { AuditEntry, PoolList } from '../client/types.js';
import type { PoolWorkers } from '../../workers/view.js';
import { createStyle, shouldColor } from '../render/style.js';
import { renderTop, type TopSnapshot } from '../render/top.js';

interface TopOptions extends ApiOptions {
  interval: number;
  once?: boolean;
  pool?: string;
}

interface Previous {
  at: number;
  pools: Map<string, PoolMetrics>;
}

/** Read every source once; a source that fails becomes a line on the screen, not an exit. */
async function collect(
  ctx: OpsContext,
  intervalMs: number,
  previous: Previous | undefined,
  pool?: string,
): Promise<{ snapshot: TopSnapshot; reading?: Previous }> {
  const problems: string[] = [];
  const soft = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (err) {
      if (!(err instanceof CliError)) throw err;
      problems.push(`${what}: ${err.message}`);
      return undefined;
    }
  };
  const [list, decisions, exporter, alerts, workers] = await Promise.all([
    soft<PoolList>('receiver', () => ctx.api.pools()),
    soft<AuditEntry[]>('audit', async () => (await ctx.api.audit({ limit: 5 })).entries),
    ctx.exporterUrl ? readExporter(ctx.exporterUrl) : undefined,
    ctx.alertmanagerUrl ? readScalingAlerts(ctx.alertmanagerUrl) : undefined,
    pool ? soft<PoolWorkers>(`workers of ${pool}`, () => ctx.api.workers(pool)) : undefined,
  ]);
  const at = Date.now();
  if (exporter && !exporter.ok) problems.push(`exporter at ${ctx.exporterUrl}: ${exporter.problem} (BUSY, QUEUE, CPU show -)`);
  if (alerts && !alerts.ok) problems.push(`Alertmanager at ${ctx.alertmanagerUrl}: ${alerts.problem}`);
  const metrics = exporter?.ok ? exporter.pools : undefined;
  const pools = list?.pools;
  for (const warning of list?.warnings ?? []) problems.push(`receiver: ${warning}`);
  // The receiver's audit problem repeats its pools problem; one line is enough.
  const unique = [...new Set(problems.map((p) => p.replace(/^audit: /, 'receiver: ')))];
  const snapshot: TopSnapshot = {
    time: at,
    receiverUrl: ctx.api.baseUrl,
    intervalMs,
    pools: (pools ?? []).map((p) => {
      const m = metrics?.get(p.pool);
      return {
        pool: p.pool,
        replicas: p.replicas,
        desired: p.desired,
        min: p.min,
        max: p.max,
        enabled: p.enabled,
        paused: p.paused,
        cooldownRemainingSeconds: p.cooldownRemainingSeconds,
        alive: m?.alive,
        busy: m?.busy,
        queue: m?.queue,
        processes: m?.processes,
        // Under half a second apart, a rate of /proc's 10 ms ticks is mostly noise.
        cpuPerWorker: previous && at - previous.at >= 500 ? cpuPerWorker(previous.pools.get(p.pool), m, at - previous.at) : undefined,
      };
    }),
    alerts: alerts?.ok ? alerts.alerts : undefined,
    decisions: decisions ?? [],
    problems: unique,
    ...(workers ? { workers } : {}),
  };
  return { snapshot, reading: metrics ? { at, pools: metrics } : undefined };
}

const ESC = '\x1b[';
const ENTER = `${ESC}?1049h${ESC}?25l`;
const LEAVE = `${ESC}?25h${ESC}?1049l`;

export function registerTop(program: Command): void {
  withApi(program.command('top'))
    .description('a live dashboard: workers, busy, queue and CPU per pool, firing scaling alerts, the last decisions (q quits)')
    .addOption(durationOption('--interval <duration>', 'refresh every', '2s'))
    .option('--once', 'print one frame and exit (the default when stdout is not a terminal)')
    .option('--pool <pool>', 'also show every worker of this pool (as alertscale workers POOL)')
    .action(async (opts: TopOptions) => {
      const ctx = resolveContext(opts);
      const out = process.stdout;
      const style = createStyle(shouldColor(out));
      const interval = Math.max(500, opts.interval);
      let previous: Previous | undefined;
      if (opts.once || !out.isTTY) {
        // CPU is a rate: one reading, a second apart from the one shown.
        previous = (await collect(ctx, interval, undefined, opts.pool)).reading;
        await new Promise((r) => setTimeout(r, 1_000));
        const { snapshot } = await collect(ctx, interval, previous, opts.pool);
        out.write(`${renderTop(snapshot, out.columns ?? 80, style).join('\n')}\n`);
        return;
      }
      // The first frame comes at once, without CPU; each later frame has the rate since the one before.
      await runLive(
        async () => {
          const { snapshot, reading } = await collect(ctx, interval, previous, opts.pool);
          if (reading) previous = reading;
          return snapshot;
        },
        interval,
        style,
      );
    });
}

/** The full-screen loop: alternate screen, hidden cursor, raw keys; the terminal is restored however it ends. */
async function runLive(next: () => Promise<TopSnapshot>, intervalMs: number, style: ReturnType<typeof createStyle>): Promise<void> {
  const out = process.stdout;
  const input = process.stdin;
  let last: TopSnapshot | undefined;
  let timer: NodeJS.Timeout | undefined;
  let quit: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (quit = resolve));

  const draw = () => {
    if (!last) return;
    const lines = renderTop(last, out.columns ?? 80, style, out.rows ?? 24);
    out.write(`${ESC}H${lines.map((l) => `${l}${ESC}K`).join('\n')}${ESC}J`);
  };
  const onKey = (data: Buffer) => {
    const key = data.toString();
    if (key === 'q' || key === 'Q' || key === '\x03' || key === '\x1b') quit();
  };
  const restore = () => {
    if (timer) clearTimeout(timer);
    if (input.isTTY) input.setRawMode(false);
    input.off('data', onKey);
    input.pause();
    out.off('resize', draw);
    out.write(LEAVE);
  };

  out.write(ENTER);
  if (input.isTTY) input.setRawMode(true);
  input.on('data', onKey);
  input.resume();
  out.on('resize', draw);
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
  let stopped = false;
  void done.then(() => (stopped = true));
  try {
    const tick = async () => {
      last = await next();
      if (stopped) return;
      draw();
      timer = setTimeout(() => void tick().catch(fail), intervalMs);
    };
    let failure: unknown;
    const fail = (err: unknown) => {
      failure = err;
      quit();
    };
    await tick().catch(fail);
    await done;
    if (failure) throw failure;
  } finally {
    restore();
    process.off('SIGINT', quit);
    process.off('SIGTERM', quit);
  }
}
