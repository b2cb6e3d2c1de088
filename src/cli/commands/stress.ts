import { Redis } from 'ioredis';
import { SingleBar, Presets } from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { demoTargetsFromConfig, readDemoConfig } from '../../demo/config-lookup.js';
import { nonNegativeInt, positiveInt, positiveRate } from '../../demo/cli-args.js';
import { MAX_JOB_MS, newRunId } from '../../demo/job.js';
import { WORKER_DEFAULTS } from '../../demo/settings.js';
import { enqueueJobs, formatStressSummary, redactUrl, type StressPlan } from '../../demo/stress.js';
import { formatHttpLoadSummary, loopbackUrl, runHttpLoad, type HttpLoadPlan } from '../../demo/web/load.js';
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
  url?: string;
  failRatio: number;
  maxInFlight: number;
}

/** What the web demo app accepts as `?ms=` (src/demo/web/app.py MAX_MS). */
const MAX_WORK_MS = 10_000;
/** Default pace of an HTTP load: requests arrive at a rate, they do not wait for the server. */
const DEFAULT_HTTP_RATE = 20;

function ratio(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError('expected a share between 0 and 1, e.g. 0.05');
  return n;
}

export function registerStress(program: Command): void {
  withConfig(program.command('stress'))
    .description(
      'enqueue demo jobs (unique ids) for the demo pool, ' +
        'or with --url send HTTP requests to the web demo pool; a progress bar on a terminal',
    )
    .requiredOption('-n, --tasks <n>', 'number of jobs to enqueue (with --url: requests to send)', positiveInt)
    .option(
      '-r, --rate <perSecond>',
      'enqueue at most this many jobs per second (default: as fast as possible; ' +
        `with --url: requests started per second, default ${DEFAULT_HTTP_RATE})`,
      positiveRate,
    )
    .option('--job-ms <ms>', 'how long each job takes (with --url: the ?ms= each request asks the app to work)', nonNegativeInt, 1000)
    .option('--cpu-ms <ms>', 'part of each job spent burning CPU (the rest sleeps)', nonNegativeInt, 0)
    .option('--redis <url>', 'Redis URL (env REDIS_URL; default: redis.url from alertscale.yml)')
    .option('--queue <key>', 'Redis list (env QUEUE_KEY; default: the list queue of --pool in alertscale.yml, else demo:jobs)')
    .option('--pool <name>', 'pool whose queue to fill when --queue is not given', 'demo')
    .option(
      '--url <url>',
      'HTTP mode: GET this loopback URL (the web demo app, e.g. http://127.0.0.1:8000/work) instead of enqueueing jobs',
    )
    .option('--fail-ratio <share>', 'with --url: share of requests that ask the app for a 500', ratio, 0)
    .option('--max-in-flight <n>', 'with --url: requests open at once; more due are skipped and counted', positiveInt, 256)
    .addHelpText(
      'after',
      `
Examples:
  alertscale stress -n 300 --job-ms 500 --config .stack/alertscale.yml
  alertscale stress --url http://127.0.0.1:8000/work -n 600 --rate 25 --job-ms 200   # the web pool's p95 rises`,
    )
    .action(async (opts: StressOptions, command: Command) => {
      if (opts.url !== undefined) return stressHttp(opts);
      if (opts.jobMs > MAX_JOB_MS) throw new Error(`--job-ms ${opts.jobMs} is above the limit of ${MAX_JOB_MS} ms`);
      if (opts.cpuMs > opts.jobMs)
        throw new Error(`--cpu-ms ${opts.cpuMs} is longer than --job-ms ${opts.jobMs}; CPU time is part of a job`);
      const config = readDemoConfig(opts.config, command.getOptionValueSource('config') !== 'default');
      const fromConfig = demoTargetsFromConfig(config, opts.pool);
      const redisUrl = opts.redis ?? nonEmpty(process.env.REDIS_URL) ?? fromConfig.redisUrl ?? WORKER_DEFAULTS.redisUrl;
      const queueKey = opts.queue ?? nonEmpty(process.env.QUEUE_KEY) ?? fromConfig.queueKey ?? WORKER_DEFAULTS.queueKey;
      const plan: StressPlan = {
        tasks: opts.tasks,
        jobMs: opts.jobMs,
        cpuMs: opts.cpuMs,
        runId: newRunId(),
        ...(opts.rate ? { rate: opts.rate } : {}),
      };

      // A load generator should fail fast on a wrong URL, not retry quietly forever.
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: (times) => (times > 3 ? null : 200) });
      let lastError: Error | undefined;
      redis.on('error', (err: Error) => (lastError = err));
      const bar = process.stdout.isTTY
        ? new SingleBar(
            { format: 'enqueue {bar} {value}/{total} jobs | {percentage}% | {duration_formatted}', hideCursor: true },
            Presets.shades_classic,
          )
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

async function stressHttp(opts: StressOptions): Promise<void> {
  if (opts.jobMs > MAX_WORK_MS) throw new Error(`--job-ms ${opts.jobMs} is above the web app's limit of ${MAX_WORK_MS} ms`);
  const plan: HttpLoadPlan = {
    url: loopbackUrl(opts.url!),
    requests: opts.tasks,
    rate: opts.rate ?? DEFAULT_HTTP_RATE,
    workMs: opts.jobMs,
    failRatio: opts.failRatio,
    maxInFlight: opts.maxInFlight,
    timeoutMs: 30_000,
  };
  const bar = process.stdout.isTTY
    ? new SingleBar(
        { format: 'requests {bar} {value}/{total} | {percentage}% | {duration_formatted}', hideCursor: true },
        Presets.shades_classic,
      )
    : undefined;
  bar?.start(plan.requests, 0);
  try {
    const result = await runHttpLoad(plan, (n) => bar?.update(n));
    bar?.stop();
    process.stdout.write(`${formatHttpLoadSummary(plan, result)}\n`);
    if (result.sent > 0 && result.ok + result.errors === 0)
      throw new Error(`stress: no request to ${plan.url.origin} was answered; is the web pool running?`);
  } finally {
    bar?.stop();
  }
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}
