import { Command } from 'commander';
import { registerCommands } from './commands/index.js';

const program = new Command('alertscale')
  .description('Autoscale worker pools with Prometheus rules and Alertmanager webhooks')
  .showHelpAfterError()
  .exitOverride();

/**
 * Commander answers the root's `--help` before it looks at the command name, so `alertscale nosuch
 * --help` would print the main help and exit 0: a typo that looks like success in a script. The
 * root has no options of its own, so its first operand is the command; an unknown one is parsed
 * alone, which makes commander report it (with its "Did you mean") as the usage error it is.
 */
function argvToParse(argv: string[]): string[] {
  const name = argv.slice(2).find((a) => !a.startsWith('-'));
  if (name === undefined) return argv;
  const known = program.commands.some((c) => c.name() === name || c.aliases().includes(name));
  return known || name === 'help' ? argv : [...argv.slice(0, 2), name];
}

/** The command this run needs in full: the first operand, or the one after `help`. */
function commandToLoad(argv: string[]): string | undefined {
  const operands = argv.slice(2).filter((a) => !a.startsWith('-'));
  return operands[0] === 'help' ? operands[1] : operands[0];
}

try {
  const wanted = commandToLoad(process.argv);
  await registerCommands(program, (name) => name === wanted);
  await program.parseAsync(argvToParse(process.argv));
} catch (err) {
  const code = (err as { code?: string; exitCode?: number }).code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') process.exit(0);
  if (code?.startsWith('commander.')) process.exit(2);
  process.stderr.write(`alertscale: ${(err as Error).message}\n`);
  process.exit(1);
}
