import type { Command } from 'commander';

export const DEFAULT_CONFIG = process.env.ALERTSCALE_CONFIG ?? 'alertscale.yml';

/** `--config FILE`, shared by every subcommand that reads alertscale.yml. */
export function withConfig(command: Command): Command {
  return command.option('-c, --config <file>', 'path to alertscale.yml (env ALERTSCALE_CONFIG)', DEFAULT_CONFIG);
}
