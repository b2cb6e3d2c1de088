import type { Command } from 'commander';
import { resolveContext, type ApiOptions } from '../client/context.js';
import { CliError } from '../client/errors.js';
import { withApi, withJson } from '../client/options.js';
import { stdoutStyle } from '../render/terminal.js';

export function registerResume(program: Command): void {
  withJson(withApi(program.command('resume')))
    .argument('<pool>', 'pool name')
    .description('end a pause: expire the Alertmanager silences made for this pool; exits 1 if another silence still pauses it')
    .action(async (pool: string, opts: ApiOptions & { json?: boolean }) => {
      const ctx = resolveContext(opts);
      const result = await ctx.api.resume(pool);
      if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else if (result.expired.length > 0) {
        process.stdout.write(`${stdoutStyle().style.green(`resumed ${pool}`)}: expired silence ${result.expired.join(', ')}\n`);
      } else if (result.left.length === 0) process.stdout.write(`${pool} was not paused (no active silence matches pool="${pool}")\n`);
      if (result.left.length > 0) {
        // Silences alertscale did not make for this pool alone (regex, extra matchers): left to their owner.
        const am = ctx.alertmanagerUrl ?? 'URL';
        throw new CliError(
          `${pool} is still paused by silence ${result.left.join(', ')} (broader than pool="${pool}", so resume leaves it alone); ` +
            `expire it if you mean to: amtool silence expire ${result.left.join(' ')} --alertmanager.url=${am}`,
        );
      }
    });
}
