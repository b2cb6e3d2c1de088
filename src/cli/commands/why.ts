import type { Command } from 'commander';
import { checkTimeArg, parseLimitArg, parseTimeArg } from '../client/args.js';
import { fetchAudit } from '../client/audit-follow.js';
import { resolveContext, type ApiOptions } from '../client/context.js';
import { timeParam } from '../client/http.js';
import { durationOption, withApi, withJson } from '../client/options.js';
import type { PoolInfo } from '../client/types.js';
import { printLines, stdoutStyle } from '../render/terminal.js';
import { renderWhy, type PoolPacing } from '../render/why.js';

interface WhyOptions extends ApiOptions {
  at?: string;
  count: number;
  window: number;
  json?: boolean;
}

/** Bounds and pacing as the receiver applies them (its API reports seconds; the renderer takes ms). */
export function pacingOf(view: PoolInfo): PoolPacing {
  return {
    min: view.min,
    max: view.max,
    step: view.step,
    maxStep: view.maxStep,
    cooldown: { up: view.cooldown.up * 1000, down: view.cooldown.down * 1000 },
  };
}

export function registerWhy(program: Command): void {
  withJson(withApi(program.command('why')))
    .argument('<pool>', 'pool name')
    .description("explain a pool's decisions around a time: the alerts behind each, the bounds and cooldowns that applied, what ran")
    .option('--at <time>', 'the time to look around: 15m (ago), 14:03 (today), RFC 3339 or unix seconds (default: now)', checkTimeArg)
    .option('-n, --count <n>', 'decisions to show before the time (and after it, with --at)', parseLimitArg(100), 5)
    .addOption(durationOption('--window <duration>', 'with --at, how far after the time to look', '1h'))
    .addHelpText('after', '\nExamples:\n  alertscale why demo\n  alertscale why demo --at 14:03\n  alertscale why demo --at 2h --count 3')
    .action(async (pool: string, opts: WhyOptions) => {
      const ctx = resolveContext(opts);
      const now = Date.now();
      const at = opts.at ? parseTimeArg(opts.at, now) : undefined;
      const view = await ctx.api.pool(pool);
      const end = at ?? now;
      const [beforeNewest, afterNewest, scaled] = await Promise.all([
        fetchAudit(ctx.api, { pool, until: timeParam(end) }, opts.count),
        at === undefined
          ? Promise.resolve([])
          : fetchAudit(ctx.api, { pool, since: timeParam(at + 1), until: timeParam(at + opts.window) }, 5_000),
        fetchAudit(ctx.api, { pool, outcome: 'scaled', until: timeParam(at === undefined ? now : at + opts.window) }, 200),
      ]);
      const before = [...beforeNewest].reverse();
      // The API lists newest first: the decisions just after `at` are the last of the window.
      const after = afterNewest.slice(-opts.count).reverse();
      const pacing = pacingOf(view);
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ pool, at: at === undefined ? null : new Date(at).toISOString(), pacing, before, after }, null, 2)}\n`,
        );
        return;
      }
      printLines(renderWhy({ pool, before, after, at, pacing, scaled, now, ...stdoutStyle() }));
    });
}
