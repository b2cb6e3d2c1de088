import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MultiBar, Presets } from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { parsePrometheusDuration } from '../../config/duration.js';
import { nonNegativeInt, positiveInt } from '../../demo/cli-args.js';
import { MAX_JOB_MS } from '../../demo/job.js';
import { formatFigures } from '../stack/demo-narrator.js';
import { runDemo, type DemoRunOptions, type DemoTarget } from '../stack/demo-run.js';
import { assertPortsFree, pickFreePorts } from '../stack/ports.js';
import { DEFAULT_STACK_PORTS } from '../stack/stack-config.js';
import { runningFile, startStack, type Stack } from '../stack/stack.js';
import { withConfig } from '../options.js';
import { REPO_ROOT } from '../../repo-root.js';

/** Cooldowns of `--fast`: a whole cycle in well under a minute. */
const FAST_COOLDOWN = { up: '3s', down: '4s' };

interface DemoOptions {
  config: string;
  dir: string;
  tasks: number;
  jobMs: number;
  timeout: number;
  fast: boolean;
  freePorts: boolean;
}

function durationArg(value: string): number {
  const ms = parsePrometheusDuration(value);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError('expected a duration as Prometheus writes it, e.g. 90s or 5m');
  return ms;
}

/** The stack running in `dir` (its stack.json, and a receiver that answers), if there is one. */
async function runningStack(dir: string): Promise<DemoTarget | undefined> {
  const file = runningFile(dir);
  if (!existsSync(file)) return undefined;
  const { urls } = JSON.parse(readFileSync(file, 'utf8')) as { urls: DemoTarget['urls'] };
  const ready = await fetch(`${urls.receiver}/readyz`, { signal: AbortSignal.timeout(1_000) }).then(
    (r) => r.ok,
    () => false,
  );
  if (!ready) return undefined;
  const config = loadConfig(join(dir, 'alertscale.yml'));
  return { urls, token: readFileSync(config.receiver.tokenFile!, 'utf8').trim(), config };
}

/** Ctrl-C / SIGTERM abort the run. `on`, not `once`: a signal nobody listens to kills the process. */
function abortOnSignals(): { signal: AbortSignal; received: () => NodeJS.Signals | undefined; dispose(): void } {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const handler = (s: NodeJS.Signals) => {
    received ??= s;
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    received: () => received,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/**
 * Narration lines, and on a terminal a progress bar of jobs done under them (linewrap: long
 * narration lines wrap instead of being cut at the terminal's edge). forceRedraw: flushing logged
 * lines clears the bar's line, and cli-progress skips redrawing a bar whose text did not change,
 * which left a blank line where the bar should be.
 */
function output(): Pick<DemoRunOptions, 'print' | 'progress'> {
  if (!process.stdout.isTTY) return { print: (line) => process.stdout.write(`${line}\n`) };
  const bars = new MultiBar(
    {
      format: 'jobs done {bar} {value}/{total} | {percentage}% | {duration_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      linewrap: true,
      forceRedraw: true,
    },
    Presets.shades_classic,
  );
  let bar: ReturnType<MultiBar['create']> | undefined;
  return {
    print: (line) => (bar ? bars.log(`${line}\n`) : process.stdout.write(`${line}\n`)),
    progress: {
      start: (total) => (bar = bars.create(total, 0)),
      update: (done) => bar?.update(done),
      stop: () => {
        bars.update(); // stop() draws the bar but drops lines still waiting in its log buffer
        bars.stop();
        bar = undefined;
      },
    },
  };
}

export function registerDemo(program: Command): void {
  withConfig(program.command('demo'))
    .description(
      'one-command demo: start the local stack (or use the one running), ' +
        'enqueue a burst and narrate the scale-up, the drain and the scale-down; stops what it started',
    )
    .option('-n, --tasks <n>', 'jobs in the burst', positiveInt, 300)
    .option('--job-ms <ms>', 'how long each job takes', nonNegativeInt, 500)
    .option('--dir <dir>', 'the stack folder: a stack running there is used, else one is started there', '.stack')
    .option(
      '--fast',
      `when starting the stack: cooldowns of ${FAST_COOLDOWN.up} up / ${FAST_COOLDOWN.down} down instead of the config's`,
      false,
    )
    .option(
      '--free-ports',
      'when starting the stack: any free loopback ports instead of the defaults (9090, 9093, 9460, 9464, 16379, …)',
      false,
    )
    .option('--timeout <duration>', 'give up when the pool is not back at rest after this long', durationArg, durationArg('5m'))
    .addHelpText(
      'after',
      `
What it shows, in order: the pool at rest; the burst; the scaling alert pending, then firing; each
decision of the receiver; workers growing; the queue drained; the pool shrinking; back at rest;
then the final figures (jobs done, peak workers, time to first scale, worker-seconds).

Exit codes: 0 the pool went up and came back to rest; 1 timeout or failure; 130 interrupted (Ctrl-C),
after stopping everything it started.

Examples:
  alertscale demo                              # the class demo: ~2 minutes with the demo config
  alertscale demo --fast -n 120 --job-ms 300   # a shorter one`,
    )
    .action(async (opts: DemoOptions) => {
      if (opts.jobMs > MAX_JOB_MS) throw new Error(`--job-ms ${opts.jobMs} is above the limit of ${MAX_JOB_MS} ms`);
      const dir = resolve(opts.dir);
      const signals = abortOnSignals();
      let started: Stack | undefined;
      try {
        let target = opts.freePorts ? undefined : await runningStack(dir);
        if (target) {
          process.stdout.write(`using the stack running in ${dir} (${target.urls.receiver})\n`);
        } else {
          const ports = opts.freePorts ? await pickFreePorts() : DEFAULT_STACK_PORTS;
          await assertPortsFree(ports);
          process.stdout.write(`starting the local stack in ${dir}…\n`);
          const pools = opts.fast ? { demo: { cooldown: FAST_COOLDOWN } } : undefined;
          started = await startStack({
            root: REPO_ROOT,
            dir,
            ports,
            baseConfig: resolve(opts.config),
            pools,
            say: (l) => process.stdout.write(`  ${l}\n`),
          });
          target = started;
        }
        if (signals.signal.aborted) throw new Error('interrupted before the demo began');
        const { end, figures } = await runDemo(target, {
          tasks: opts.tasks,
          jobMs: opts.jobMs,
          timeoutMs: opts.timeout,
          signal: signals.signal,
          ...output(),
        });
        if (end === 'interrupted') process.stdout.write(`\n${signals.received()}: interrupted; figures so far:\n`);
        if (end === 'timeout') process.stdout.write(`\nthe pool was not back at rest after ${opts.timeout / 1000} s; figures so far:\n`);
        process.stdout.write(`${formatFigures(figures)}\n`);
        process.exitCode = end === 'at-rest' ? 0 : end === 'interrupted' ? 130 : 1;
      } finally {
        if (started) {
          process.stdout.write('stopping the stack this demo started…\n');
          await started.stop();
          process.stdout.write('stopped.\n');
        }
        signals.dispose();
      }
    });
}
