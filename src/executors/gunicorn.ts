import type { ExecutorConfigOf } from './schema.js';
import { assertPoolName, requestProblem } from './preset.js';
import { childPids, commandLine, isRunning, readPidfile } from './proc.js';
import { notRun } from './run.js';
import type { ExecutionResult, Executor, ScaleRequest } from './types.js';

export type GunicornExecutorConfig = ExecutorConfigOf<'gunicorn'>;

/** How often the worker count is read while waiting for one signal to take effect. */
const POLL_MS = 50;

/**
 * The signal that moves the master one worker towards `target`, or null at the target. The live
 * count (not alertscale's belief) decides: gunicorn is asked for exactly the missing steps.
 */
export function signalToward(workers: number, target: number): 'SIGTTIN' | 'SIGTTOU' | null {
  if (workers < target) return 'SIGTTIN';
  if (workers > target) return 'SIGTTOU';
  return null;
}

/** What was done, as the equivalent command: `kill -TTIN 1234`. */
export function argvForGunicorn(signal: 'SIGTTIN' | 'SIGTTOU', masterPid: number): string[] {
  return ['kill', `-${signal.slice(3)}`, String(masterPid)];
}

/**
 * The master's pid, checked alive and named gunicorn: a stale pidfile may name a reused pid, and
 * SIGTTIN/SIGTTOU stop an ordinary process. Throws with the pidfile in the message.
 */
async function runningMaster(pidfile: string): Promise<number> {
  const pid = await readPidfile(pidfile);
  if (!isRunning(pid)) throw new Error(`gunicorn master ${pid} from ${pidfile} is not running`);
  const cmdline = await commandLine(pid);
  if (!cmdline.includes('gunicorn')) {
    throw new Error(`pid ${pid} from ${pidfile} is not gunicorn (${JSON.stringify(cmdline.slice(0, 80))}); stale pidfile?`);
  }
  return pid;
}

/** Poll until the count moves past `from` in the signal's direction; undefined at the deadline. */
async function nextCount(master: number, from: number, signal: string, deadline: number): Promise<number | undefined> {
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    const now = (await childPids(master)).length;
    if (signal === 'SIGTTIN' ? now > from : now < from) return now;
  }
  return undefined;
}

/**
 * Gunicorn coalesces signals that arrive together (two TTIN back to back gave one more worker, not
 * two), so: one signal, wait until the count changes, then the next.
 */
async function stepTo(config: GunicornExecutorConfig, target: number, started: number): Promise<ExecutionResult> {
  const master = await runningMaster(config.pidfile);
  const deadline = started + config.timeout;
  const counts = [(await childPids(master)).length];
  let signal = signalToward(counts[0]!, target);
  const first = signal;
  while (signal !== null) {
    process.kill(master, signal);
    const next = await nextCount(master, counts.at(-1)!, signal, deadline);
    if (next === undefined) return summary(master, first, counts, target, started, true);
    counts.push(next);
    signal = signalToward(next, target);
  }
  return summary(master, first, counts, target, started, false);
}

function summary(
  master: number,
  signal: 'SIGTTIN' | 'SIGTTOU' | null,
  counts: number[],
  target: number,
  started: number,
  timedOut: boolean,
): ExecutionResult {
  const sent = timedOut ? counts.length : counts.length - 1;
  const done = signal ? `sent ${signal} ×${sent} to gunicorn master ${master}` : `gunicorn master ${master} already has ${target} workers`;
  const result: ExecutionResult = {
    ok: !timedOut,
    argv: signal ? argvForGunicorn(signal, master) : [],
    exitCode: null,
    durationMs: Math.round(Date.now() - started),
    timedOut,
    outputTail: `${done}; workers ${counts.join(' → ')}`,
  };
  if (timedOut) result.error = `gunicorn workers reached ${counts.at(-1)} of ${target} before the timeout`;
  return result;
}

/** No process is spawned: signals go straight to the master named in the pidfile. */
export function createGunicornExecutor(pool: string, config: GunicornExecutorConfig): Executor {
  assertPoolName(pool);
  return {
    kind: 'gunicorn',
    async scale(request: ScaleRequest): Promise<ExecutionResult> {
      const problem = requestProblem(pool, request);
      if (problem) return notRun([], problem);
      // gunicorn ignores TTOU at one worker: zero cannot be reached this way.
      if (request.replicas < 1) return notRun([], `pool ${pool}: gunicorn keeps at least 1 worker; cannot scale to 0`);
      const started = Date.now();
      try {
        return await stepTo(config, request.replicas, started);
      } catch (err) {
        const result = notRun([], `pool ${pool}: ${(err as Error).message}`);
        return { ...result, durationMs: Date.now() - started };
      }
    },
    async current(): Promise<number> {
      try {
        return (await childPids(await runningMaster(config.pidfile))).length;
      } catch (err) {
        throw new Error(`pool ${pool}: ${(err as Error).message}`);
      }
    },
  };
}
