import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { DEMO_PROCESS_NAME, parseWorkerArgs, resolveWorkerSettings, type WorkerSettings } from './settings.js';
import { createDemoWorker, type Logger } from './worker.js';

/**
 * Composition root of one demo worker process: Redis clients, logger, process title, signals.
 * SIGINT/SIGTERM (pm2 sends SIGINT on scale-down) finish the job in hand, then exit 0; a second
 * signal exits at once (the job is then recovered by another worker: at-least-once).
 */
export async function runDemoWorkerProcess(settings: WorkerSettings): Promise<number> {
  // The exporter finds the pool's processes by this name in /proc/<pid>/cmdline.
  process.title = `${DEMO_PROCESS_NAME} ${settings.pool} ${settings.workerId}`;
  const log: Logger = pino({
    level: process.env.LOG_LEVEL ?? 'info',
    base: { pool: settings.pool, worker: settings.workerId },
  });
  const connectionName = `${DEMO_PROCESS_NAME}:${settings.workerId}`;
  // Commands fail fast while Redis is away (the worker retries what matters itself), so a stop
  // request during an outage is not stuck behind ioredis's offline queue.
  const redis = new Redis(settings.redisUrl, { connectionName, maxRetriesPerRequest: 1 });
  // A BLMOVE lost with its connection must fail, not be silently resent: the worker then sweeps
  // its processing list for a job whose reply never arrived.
  const blocking = new Redis(settings.redisUrl, { connectionName, autoResendUnfulfilledCommands: false, maxRetriesPerRequest: 1 });
  let lastRedisError = 0;
  const onRedisError = (err: Error) => {
    if (Date.now() - lastRedisError < 5_000) return;
    lastRedisError = Date.now();
    log.warn({ err: err.message, redis: settings.redisUrl }, 'redis connection error');
  };
  redis.on('error', onRedisError);
  blocking.on('error', onRedisError);

  const worker = createDemoWorker({ settings, redis, blocking, host: hostname(), pid: process.pid, log });
  // pm2 copies its process options into the environment; kill_timeout is when SIGKILL follows SIGINT.
  const killTimeoutMs = Number(process.env.kill_timeout ?? NaN);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      log.warn({ signal, job: worker.current?.id }, 'second signal: exiting now; the job in hand will be requeued by another worker');
      process.exit(130);
    }
    const job = worker.current;
    if (job && Number.isFinite(killTimeoutMs) && job.ms > killTimeoutMs) {
      log.warn(
        { job: job.id, jobMs: job.ms, killTimeoutMs },
        'pm2 kill_timeout is shorter than this job; it may be killed and the job run again',
      );
    }
    worker.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  await worker.run();
  // QUIT when connected (lets replies drain); a client still reconnecting is just dropped.
  await Promise.allSettled([redis, blocking].map((c) => (c.status === 'ready' ? c.quit() : c.disconnect())));
  return 0;
}

/** Entry for the pm2 launcher and `node src/demo/alertscale-demo-worker.js [--redis URL …]`. */
export async function main(argv: readonly string[]): Promise<never> {
  try {
    const settings = resolveWorkerSettings({ flags: parseWorkerArgs(argv), env: process.env, host: hostname(), pid: process.pid });
    process.exit(await runDemoWorkerProcess(settings));
  } catch (err) {
    process.stderr.write(`${DEMO_PROCESS_NAME}: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
