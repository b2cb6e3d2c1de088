import type { Command } from 'commander';
import { parseCountArg } from '../client/args.js';
import type { ApiClient } from '../client/http.js';
import { resolveContext, type ApiOptions } from '../client/context.js';
import { CliError } from '../client/errors.js';
import { durationOption, withApi, withJson } from '../client/options.js';
import type { AuditEntry, ScaleResult } from '../client/types.js';
import { formatElapsed, oneLine } from '../render/format.js';
import { stdoutStyle } from '../render/terminal.js';

interface ScaleOptions extends ApiOptions {
  reason: string;
  wait: boolean;
  waitTimeout: number;
  json?: boolean;
}

/** Poll the audit entry until its command has finished, or the time is up. */
async function waitForCommand(api: ApiClient, id: string, timeoutMs: number): Promise<AuditEntry | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 100; Date.now() < deadline; delay = Math.min(1_000, delay * 2)) {
    const entry = await api.auditEntry(id);
    if (entry && entry.status === 'done') return entry;
    await new Promise((r) => setTimeout(r, delay));
  }
  return undefined;
}

export function registerScale(program: Command): void {
  withJson(withApi(program.command('scale')))
    .argument('<pool>', 'pool name')
    .argument('<replicas>', 'the worker count to run', parseCountArg)
    .description('scale a pool by hand: within its min/max, ignoring cooldowns, audited with your reason; waits for the command')
    .requiredOption('-r, --reason <text>', 'why (it goes into the audit log)')
    .option('--no-wait', 'return once the receiver has accepted, without waiting for the command')
    .addOption(durationOption('--wait-timeout <duration>', 'how long to wait for the command to finish', '2m'))
    .addHelpText(
      'after',
      '\nExamples:\n  alertscale scale demo 4 --reason "load test at 15:00"\n  alertscale scale demo 1 -r "back to normal" --no-wait',
    )
    .action(async (pool: string, replicas: number, opts: ScaleOptions) => {
      const ctx = resolveContext(opts);
      const result = await ctx.api.scale(pool, replicas, opts.reason);
      const { style } = stdoutStyle();
      const say = (line: string, entry?: AuditEntry) => {
        if (opts.json) process.stdout.write(`${JSON.stringify({ ...result, ...(entry ? { entry } : {}) }, null, 2)}\n`);
        else process.stdout.write(`${line}\n`);
      };
      if (result.outcome !== 'scaled') {
        say(describeUnscaled(result));
        return;
      }
      const started = `${pool}: scaling ${result.from} → ${result.to} (audit ${result.auditId})`;
      if (!opts.wait) {
        say(`${started}; follow it with: alertscale audit --pool ${pool} --follow`);
        return;
      }
      const entry = await waitForCommand(ctx.api, result.auditId, opts.waitTimeout);
      if (!entry) {
        throw new CliError(
          `${started}: the command is still running after ${formatElapsed(opts.waitTimeout)}; ` +
            `follow it with: alertscale audit --pool ${pool} --follow`,
        );
      }
      if (entry.outcome === 'failed') {
        const why = entry.timedOut ? 'timed out' : oneLine(entry.error ?? `exit ${entry.exitCode}`);
        if (opts.json) say('', entry);
        throw new CliError(
          `${pool}: scaling ${result.from} → ${result.to} failed (${why}); see the command and its output with: alertscale why ${pool}`,
        );
      }
      const took = entry.durationMs === null ? '' : ` in ${formatElapsed(entry.durationMs)}`;
      say(style.green(`${pool}: scaled ${result.from} → ${result.to}${took} (audit ${result.auditId})`), entry);
    });
}

/** A manual scale that ran nothing: already there, or a dry-run pool. */
function describeUnscaled(r: ScaleResult): string {
  if (r.outcome === 'no_change') return `${r.pool}: already at ${r.from}; nothing to do`;
  if (r.outcome === 'dry_run')
    return `${r.pool}: would scale ${r.from} → ${r.to}, but the pool is a dry run (enabled: false); nothing was run`;
  return `${r.pool}: ${r.outcome}: ${oneLine(r.reason)}`;
}
