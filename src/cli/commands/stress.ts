import { Redis } from 'ioredis';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { demoTargetsFromConfig, readDemoConfig } from '../../demo/config-lookup.js';
import { nonNegativeInt, positiveInt, positiveRate } from '../../demo/cli-args.js';
import { MAX_JOB_MS, newRunId } from '../../demo/job.js';
import { WORKER_DEFAULTS } from '../../demo/settings.js';
import { enqueueJobs, formatStressSummary, redactUrl, type StressPlan } from '../../demo/stress.js';
import { withConfig } from '../options.js';

interface StressOptions {
  config: string;
  tasks: number;
  rate?: number;
  jobMs: number;
  cpuMs: number;
  redis?: string;
  queue?: string;
  pool: string;
}

export function registerStress(program: Command): void {
  withConfig(program.command('stress'))
    .description('enqueue demo jobs (unique ids) for the demo pool, with a progress bar on a terminal')
    .requiredOption('-n, --tasks <n>', 'number of jobs to enqueue', positiveInt)
    .option('-r, --rate <perSecond>', 'enqueue at most this many jobs per second (default: as fast as possible)', positiveRate)
    .option('--job-ms <ms>', 'how long each job takes', nonNegativeInt, 1000)
    .option('--cpu-ms <ms>', 'part of each job spent burning CPU (the rest sleeps)', nonNegativeInt, 0)
    .option('--redis <url>', 'Redis URL (env REDIS_URL; default: redis.url from alertscale.yml)')
    .option('--queue <key>', 'Redis list (env QUEUE_KEY; default: the list queue of --pool in alertscale.yml, else demo:jobs)')
    .option('--pool <name>', 'pool whose queue to fill when --queue is not given', 'demo')
    .action(async (opts: StressOptions, command: Command) => {
      if (opts.jobMs > MAX_JOB_MS) throw new Error(`--job-ms ${opts.jobMs} is above the limit of ${MAX_JOB_MS} ms`);
      if (opts.cpuMs > opts.jobMs) throw new Error(`--cpu-ms ${opts.cpuMs} is longer than --job-ms ${opts.jobMs}; CPU time is part of a job`);
      const config = readDemoConfig(opts.config, command.getOptionValueSource('config') !== 'default');
      const fromConfig = demoTargetsFromConfig(config, opts.pool);
      const redisUrl = opts.redis ?? nonEmpty(process.env.REDIS_URL) ?? fromConfig.redisUrl ?? WORKER_DEFAULTS.redisUrl;
      const queueKey = opts.queue ?? nonEmpty(process.env.QUEUE_KEY) ?? fromConfig.queueKey ?? WORKER_DEFAULTS.queueKey;
      const plan: StressPlan = { tasks: opts.tasks, jobMs: opts.jobMs, cpuMs: opts.cpuMs, runId: newRunId(), ...(opts.rate ? { rate: opts.rate } : {}) };

      // A load generator should fail fast on a wrong URL, not retry quietly forever.
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: (times) => (times > 3 ? null : 200) });
      let lastError: Error | undefined;
      redis.on('error', (err: Error) => (lastError = err));
      const bar = process.stdout.isTTY
        ? new SingleBar({ format: 'enqueue {bar} {value}/{total} jobs | {percentage}% | {duration_formatted}', hideCursor: true }, Presets.shades_classic)
        : undefined;
      bar?.start(plan.tasks, 0);
      try {
        const result = await enqueueJobs({ redis, queueKey, onProgress: (sent) => bar?.update(sent) }, plan);
        bar?.stop();
        process.stdout.write(`${formatStressSummary(plan, result, { queueKey, redisUrl })}\n`);
      } catch (err) {
        bar?.stop();
        throw new Error(`stress: cannot enqueue to ${queueKey} at ${redactUrl(redisUrl)}: ${(lastError ?? (err as Error)).message}`);
      } finally {
        redis.disconnect();
      }
    });
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}
