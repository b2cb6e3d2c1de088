import type { Command } from 'commander';
import { resolveContext, type ApiOptions } from '../client/context.js';
import { withApi, withJson } from '../client/options.js';
import { printLines, stdoutStyle } from '../render/terminal.js';
import { renderWorkers } from '../render/workers.js';

export function registerWorkers(program: Command): void {
  withJson(withApi(program.command('workers')))
    .argument('<pool>', 'pool name')
    .description(
      'every worker of a pool: idle or busy, the job in hand and for how long, ' +
        'idle for how long, done/failed, CPU, RSS, load; and the pool summary',
    )
    .addHelpText(
      'after',
      "\nWhat the receiver's GET /v1/pools/POOL/workers returns, from the workers' heartbeats (docs/HEARTBEATS.md).\n" +
        "CPU and RSS need the worker on the receiver's host; LOAD is 0.5 for holding a job + 0.5 × CPU (capped at one core).\n\n" +
        'Examples:\n  alertscale workers demo\n  alertscale workers demo --json',
    )
    .action(async (pool: string, opts: ApiOptions & { json?: boolean }) => {
      const ctx = resolveContext(opts);
      const view = await ctx.api.workers(pool);
      if (opts.json) process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
      else printLines(renderWorkers({ view, ...stdoutStyle() }));
    });
}
