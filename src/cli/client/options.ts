import { Option, type Command } from 'commander';
import { withConfig } from '../options.js';
import { parseDurationArg } from './args.js';

/**
 * A usage mistake as one line with the way out (`alertscale: <problem>; usage: alertscale scale
 * --help`), not the whole help page; commander still exits with code 2.
 */
export function oneLineUsage(command: Command): Command {
  return command.showHelpAfterError(false).configureOutput({
    outputError: (text, write) => {
      const problem = text
        .trim()
        .replace(/^error:\s*/i, '')
        .replace(/\s*\n\s*/g, ' ')
        .replace(/\.$/, '');
      write(`alertscale: ${problem}; usage: alertscale ${command.name()} --help\n`);
    },
  });
}

/** A duration option shown with its default as written (`10s`), parsed to milliseconds. */
export function durationOption(flags: string, description: string, defaultText: string): Option {
  return new Option(flags, description).argParser(parseDurationArg).default(parseDurationArg(defaultText), defaultText);
}

/** `--config`, `--url`, `--token-file`, `--timeout`: how an operator command reaches the receiver. */
export function withApi(command: Command): Command {
  return oneLineUsage(withConfig(command))
    .option('--url <url>', 'receiver URL (default: http:// + receiver.listen of alertscale.yml)')
    .option('--token-file <file>', 'file holding the API bearer token (default: receiver.tokenFile/tokenEnv of alertscale.yml)')
    .addOption(durationOption('--timeout <duration>', 'how long to wait for each answer', '10s'));
}

/** `--json`: machine-readable output instead of the table. */
export function withJson(command: Command): Command {
  return command.option('--json', 'print JSON instead of a table');
}
