import type { Command } from 'commander';
import { resolveContext, type ApiOptions } from '../client/context.js';
import { readExporter } from '../client/exporter.js';
import { withSettledDecisions } from '../client/last-decision.js';
import { withApi, withJson } from '../client/options.js';
import { renderStatus } from '../render/status.js';
import { printLines, stdoutStyle } from '../render/terminal.js';

export function registerStatus(program: Command): void {
  withJson(withApi(program.command('status')))
    .description('a table of pools: replicas, desired, bounds, busy/alive workers, queue, cooldown, pause, last decision and why')
    .action(async (opts: ApiOptions & { json?: boolean }) => {
      const ctx = resolveContext(opts);
      const [{ pools: listed, warnings }, recent, exporter] = await Promise.all([
        ctx.api.pools(),
        ctx.api.audit({ limit: 200 }),
        ctx.exporterUrl
          ? readExporter(ctx.exporterUrl)
          : Promise.resolve({ ok: false as const, problem: 'no exporter.listen (no local alertscale.yml)' }),
      ]);
      const metrics = exporter.ok ? exporter.pools : undefined;
      const pools = withSettledDecisions(listed, recent.entries);
      if (opts.json) {
        const out = {
          pools: pools.map((p) => ({ ...p, workers: metrics?.get(p.pool) ?? null })),
          warnings,
          exporter: { url: ctx.exporterUrl ?? null, ok: exporter.ok, ...(exporter.ok ? {} : { problem: exporter.problem }) },
        };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } else {
        printLines(renderStatus({ pools, metrics, now: Date.now(), ...stdoutStyle() }));
      }
      for (const warning of warnings ?? []) process.stderr.write(`alertscale: note: the receiver says: ${warning}\n`);
      if (!exporter.ok) {
        // A soft source: the receiver's view is still right, only the worker numbers are missing.
        process.stderr.write(
          `alertscale: note: cannot read the exporter at ${ctx.exporterUrl ?? '(unknown)'} (${exporter.problem}); ` +
            `BUSY/ALIVE and QUEUE show "-"; start it with: alertscale exporter --config ${ctx.configFile}\n`,
        );
      }
    });
}
