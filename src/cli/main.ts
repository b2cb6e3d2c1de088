import { Command } from 'commander';
import { registerCommands } from './commands/index.js';

const program = new Command('alertscale')
  .description('Autoscale worker pools with Prometheus rules and Alertmanager webhooks')
  .showHelpAfterError()
  .exitOverride();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const code = (err as { code?: string; exitCode?: number }).code;
  if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') process.exit(0);
  if (code?.startsWith('commander.')) process.exit(2);
  process.stderr.write(`alertscale: ${(err as Error).message}\n`);
  process.exit(1);
}
