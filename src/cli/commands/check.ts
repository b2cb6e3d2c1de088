import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../../config/index.js';
import { withConfig } from '../options.js';

export function registerCheck(program: Command): void {
  withConfig(program.command('check'))
    .description('validate alertscale.yml; exits 1 and lists every problem with its file, line and path')
    .action((opts: { config: string }) => {
      try {
        const config = loadConfig(opts.config);
        process.stdout.write(`${opts.config}: ok (${Object.keys(config.pools).length} pool(s), ${Object.keys(config.queues).length} queue(s))\n`);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        process.stderr.write(`${err.message}\n`);
        process.exitCode = 1;
      }
    });
}
