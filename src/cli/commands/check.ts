import type { Command } from 'commander';
import { formatFinding, sortFindings, summaryLine } from '../check/findings.js';
import { runCheck } from '../check/run-check.js';
import { withConfig } from '../options.js';

export const DEFAULT_RULES = 'prometheus/rules';
export const DEFAULT_ALERTMANAGER_CONFIG = 'alertmanager/alertmanager.yml';
/** The tested examples of prometheus/rules/alerts.yml name pools example-*; see the alerts.yml header. */
export const DEFAULT_ALLOWED_POOLS = ['example-*'];

// No commander default for repeatable options: it would print `(default: [])` in the help.
const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

interface CheckFlags {
  config: string;
  rules?: string[];
  alertmanagerConfig: string;
  allowPool?: string[];
}

export function registerCheck(program: Command): void {
  withConfig(program.command('check'))
    .description(
      'validate alertscale.yml, run promtool check rules and amtool check-config when installed, and cross-check ' +
        'pool and metric names between the config, the rules and what alertscale publishes, ' +
        'and the webhook path in the Alertmanager config. ' +
        'One line per problem (file:line: error|warning: what; fix) on stderr. Exit 0: no errors (warnings allowed), 1: errors, 2: usage',
    )
    .option('-r, --rules <path>', `rule file or directory of *.yml (repeatable; default ${DEFAULT_RULES})`, collect)
    .option('-a, --alertmanager-config <file>', 'Alertmanager config to run amtool check-config on', DEFAULT_ALERTMANAGER_CONFIG)
    .option(
      '--allow-pool <glob>',
      'pools (glob) that rules may name without alertscale.yml defining them, e.g. pools of another alertscale ' +
        `instance (repeatable; always includes ${DEFAULT_ALLOWED_POOLS.join(', ')}: the examples in alerts.yml)`,
      collect,
    )
    .action(async (opts: CheckFlags, command: Command) => {
      const report = await runCheck({
        config: opts.config,
        rules: opts.rules ?? [DEFAULT_RULES],
        rulesGiven: opts.rules !== undefined,
        alertmanagerConfig: opts.alertmanagerConfig,
        alertmanagerGiven: command.getOptionValueSource('alertmanagerConfig') === 'cli',
        allowPools: [...DEFAULT_ALLOWED_POOLS, ...(opts.allowPool ?? [])],
      });
      for (const note of report.notes) process.stdout.write(`${note}\n`);
      for (const finding of sortFindings(report.findings)) process.stderr.write(`${formatFinding(finding)}\n`);
      process.stdout.write(`${summaryLine(report.findings)}\n`);
      if (report.findings.some((f) => f.severity === 'error')) process.exitCode = 1;
    });
}
