import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_STACK_PORTS, type StackPorts } from '../stack/stack-config.js';
import { assertPortsFree } from '../stack/ports.js';
import { startStack } from '../stack/stack.js';
import { untilSignal } from '../config.js';
import { withConfig } from '../options.js';
import { REPO_ROOT } from '../../repo-root.js';

export function registerStack(program: Command): void {
  withConfig(program.command('stack'))
    .description(
      'run the whole loop locally: Redis, Prometheus, Alertmanager, exporter, ' +
        'receiver, the pm2 demo pool and the gunicorn web pool (Ctrl-C stops all)',
    )
    .option('--dir <dir>', 'state folder (configs, data, logs, token)', '.stack')
    .action(async (opts: { config: string; dir: string }) => {
      const ports: StackPorts = DEFAULT_STACK_PORTS;
      await assertPortsFree(ports);
      const dir = resolve(opts.dir);
      const say = (line: string) => process.stdout.write(`  starting ${line}\n`);
      const stack = await startStack({ root: REPO_ROOT, dir, ports, baseConfig: resolve(opts.config), say });
      const cli = './bin/alertscale.js';
      process.stdout.write(`
alertscale stack is up (state and logs in ${dir}):
  Prometheus     ${stack.urls.prometheus}/alerts
  Alertmanager   ${stack.urls.alertmanager}
  receiver       ${stack.urls.receiver}/v1/pools   (token in ${dir}/webhook-token)
  exporter       ${stack.urls.exporter}/metrics
  web pool       ${stack.urls.web}/work?ms=200   (gunicorn; metrics ${stack.urls.webMetrics}/metrics)
  Redis          ${stack.urls.redis}

Try, in another terminal:
  ${cli} stress --tasks 200 --config ${stack.configFile}   # load: the demo pool grows within ~30 s
  ${cli} stress --url ${stack.urls.web}/work -n 600 --rate 25 --job-ms 200   # HTTP load: p95 rises, the web pool grows
  ${cli} status --config ${stack.configFile}               # pools, replicas, last decision
  curl -s -H "Authorization: Bearer $(cat ${dir}/webhook-token)" ${stack.urls.receiver}/v1/audit | head -c 600
  ${cli} demo                                   # or: the whole story narrated in this terminal (uses this stack)
Ctrl-C stops every process this started.
`);
      const signal = await untilSignal();
      process.stdout.write(`\n${signal}: stopping the stack…\n`);
      await stack.stop();
    });
}
