import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { parseDurationArg } from '../client/args.js';
import { resolveContext, type ApiOptions } from '../client/context.js';
import { withApi, withJson } from '../client/options.js';
import { formatClock, formatDuration } from '../render/format.js';
import { stdoutStyle } from '../render/terminal.js';

interface PauseOptions extends ApiOptions {
  for: string;
  comment: string;
  createdBy?: string;
  json?: boolean;
}

/** Who the silence says made it: `--created-by`, else the login name. */
function caller(): string {
  try {
    return userInfo().username || 'alertscale';
  } catch {
    return 'alertscale';
  }
}

export function registerPause(program: Command): void {
  withJson(withApi(program.command('pause')))
    .argument('<pool>', 'pool name')
    .description('stop automatic scaling of a pool for a while: an Alertmanager silence on pool="<pool>" (manual scale still works)')
    .requiredOption('--for <duration>', 'how long, e.g. 30m, 1h, 2h30m', (text: string) => (parseDurationArg(text), text))
    .requiredOption('-m, --comment <text>', 'why (shown in Alertmanager and in alertscale status)')
    .option('--created-by <name>', 'who paused it (default: your login name)')
    .addHelpText('after', '\nExamples:\n  alertscale pause demo --for 1h --comment "deploy"\n  alertscale resume demo')
    .action(async (pool: string, opts: PauseOptions) => {
      const ctx = resolveContext(opts);
      const result = await ctx.api.pause(pool, { duration: opts.for, comment: opts.comment, createdBy: opts.createdBy ?? caller() });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const { style } = stdoutStyle();
      const now = Date.now();
      const until = Date.parse(result.until);
      process.stdout.write(
        `${style.yellow(`paused ${pool} until ${formatClock(until, now)} (${formatDuration(until - now + 500)})`)}: ` +
          `Alertmanager silence ${result.silenceId} by ${result.createdBy}: ${result.comment}\n` +
          `resume with: alertscale resume ${pool}\n`,
      );
    });
}
