import { hostname } from 'node:os';
import type { Command } from 'commander';
import { demoTargetsFromConfig, readDemoConfig } from '../../demo/config-lookup.js';
import { runDemoWorkerProcess } from '../../demo/main.js';
import { dropUndefined, resolveWorkerSettings } from '../../demo/settings.js';
import { withConfig } from '../options.js';

interface WorkerOptions {
  config: string;
  redis?: string;
  queue?: string;
  pool?: string;
  workerId?: string;
}

export function registerWorker(program: Command): void {
  withConfig(program.command('worker'))
    .description(
      'run one demo worker in the foreground: consumes the demo queue reliably, writes heartbeats; ' +
        'Ctrl-C finishes the job in hand, then exits (a second Ctrl-C exits at once)',
    )
    .option('--redis <url>', 'Redis URL (env REDIS_URL; default: redis.url from alertscale.yml)')
    .option('--queue <key>', 'Redis list to consume (env QUEUE_KEY; default: the list queue of the pool in alertscale.yml, else demo:jobs)')
    .option('--pool <name>', 'pool the heartbeats belong to (env POOL; default demo)')
    .option('--worker-id <id>', 'worker id in heartbeat and processing keys (env WORKER_ID; default <host>-<pid>)')
    .action(async (opts: WorkerOptions, command: Command) => {
      const flags = dropUndefined({ redisUrl: opts.redis, queueKey: opts.queue, pool: opts.pool, workerId: opts.workerId });
      const config = readDemoConfig(opts.config, command.getOptionValueSource('config') !== 'default');
      const pool = flags.pool ?? process.env.POOL ?? 'demo';
      const settings = resolveWorkerSettings({
        flags,
        env: process.env,
        config: demoTargetsFromConfig(config, pool),
        host: hostname(),
        pid: process.pid,
      });
      process.exit(await runDemoWorkerProcess(settings));
    });
}
