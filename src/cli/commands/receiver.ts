import type { Command } from 'commander';
import { readRedisPassword, readToken } from '../../config/index.js';
import { createExecutor } from '../../executors/index.js';
import { createReceiver } from '../../receiver/app.js';
import { startReceiverServer } from '../../receiver/server.js';
import { createRedis } from '../../state/index.js';
import { loadConfigForCommand, untilSignal } from '../config.js';
import { createLogger } from '../logger.js';
import { withConfig } from '../options.js';

export function registerReceiver(program: Command): void {
  withConfig(program.command('receiver'))
    .description('serve the Alertmanager webhook (/v1/alertmanager), the pools/audit API, /metrics and health checks')
    .option('--listen <host:port>', 'listen address (default: receiver.listen in alertscale.yml, 127.0.0.1:9460)')
    .action(async (opts: { config: string; listen?: string }) => {
      const config = loadConfigForCommand(opts.config);
      if (!config) return;
      const log = createLogger('alertscale-receiver');
      const token = readToken(config.receiver);
      if (!token) log.warn('no receiver.tokenFile/tokenEnv: the webhook and API accept unauthenticated requests');
      const executors = new Map(Object.entries(config.pools).map(([pool, p]) => [pool, createExecutor(pool, p.executor)]));
      const redis = createRedis(config.redis, 'alertscale-receiver', readRedisPassword(config.redis));
      redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection problem'));
      const receiver = createReceiver({ config, redis, executors, logger: log, token });
      const server = await startReceiverServer(receiver, opts.listen ?? config.receiver.listen);
      log.info({ url: server.url, pools: Object.keys(config.pools), auth: token ? 'bearer' : 'none' }, 'receiver listening');
      const signal = await untilSignal((second) =>
        log.warn(
          { signal: second, running: receiver.deps.running.size },
          'second signal: stopping now; running scale commands are abandoned',
        ),
      );
      log.info({ signal }, 'receiver stopping; waiting for running scale commands');
      await server.close();
      redis.disconnect();
    });
}
