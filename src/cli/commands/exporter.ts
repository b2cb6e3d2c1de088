import { once } from 'node:events';
import type { Command } from 'commander';
import { pino } from 'pino';
import { ConfigError, loadConfig, parseListen, type Config } from '../../config/index.js';
import { createExporter, createExporterRedis, startExporterServer, unknownProcessUsers } from '../../exporter/index.js';
import { untilSignal } from '../config.js';
import { withConfig } from '../options.js';

export function registerExporter(program: Command): void {
  withConfig(program.command('exporter'))
    .description('serve host, pool process, queue and worker-heartbeat metrics on /metrics for Prometheus (one per host)')
    .option('--listen <host:port>', 'listen address (default: exporter.listen in alertscale.yml, 127.0.0.1:9464)')
    .action(async (opts: { config: string; listen?: string }) => {
      let config: Config;
      try {
        config = loadConfig(opts.config);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        process.stderr.write(`${err.message}\n`);
        process.exitCode = 1;
        return;
      }
      const listen = opts.listen ?? config.exporter.listen;
      try {
        parseListen(listen);
      } catch (err) {
        process.stderr.write(`alertscale exporter: --listen: ${(err as Error).message}\n`);
        process.exitCode = 1;
        return;
      }

      const log = pino({ name: 'alertscale-exporter' });
      for (const path of unknownProcessUsers(config.pools)) {
        log.warn({ path }, 'processes.user is not in /etc/passwd; the pool matches no process until it is');
      }
      const redis = createExporterRedis(config.redis.url);
      // Give Redis a moment so the first scrape does not report it down; a dead Redis must not stop the start.
      await Promise.race([once(redis, 'ready').catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      const exporter = createExporter({ config, redis, logger: log });
      let server;
      try {
        server = await startExporterServer({ exporter, listen });
      } catch (err) {
        log.error({ listen, err: (err as Error).message }, 'cannot listen');
        redis.disconnect();
        process.exitCode = 1;
        return;
      }
      log.info(
        { url: `${server.url}/metrics`, pools: Object.keys(config.pools).length, queues: Object.keys(config.queues).length },
        'exporter listening',
      );

      const signal = await untilSignal((second) => log.warn({ signal: second }, 'second signal: stopping now'));
      log.info({ signal }, 'exporter stopping');
      await server.close();
      redis.disconnect();
    });
}
