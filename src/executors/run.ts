import { execa } from 'execa';
import type { ExecutionResult } from './types.js';

/** How long a command may run, and what it sees. Built from an executor's `timeout` and `env`. */
export interface RunSettings {
  timeoutMs: number;
  /** Merged over process.env (the command still finds PATH, HOME, …). */
  env?: Record<string, string>;
  /** After the timeout's SIGTERM, how long before SIGKILL. */
  graceMs?: number;
}

/** A finished run plus its whole stdout, for probes that parse it (pm2 jlist, kubectl get). */
export interface RunOutput {
  result: ExecutionResult;
  stdout: string;
}

/** The audit log keeps only the end of the output: that is where errors are. */
export const OUTPUT_TAIL_BYTES = 4096;
export const DEFAULT_GRACE_MS = 2000;
/**
 * After the program exits, how long its output may keep flowing. A background process it started
 * (`worker &`) inherits stdout and would keep the pipe open for ever; past this, we stop reading
 * (that process then gets EPIPE if it writes: scripts should redirect what they leave behind).
 */
const DRAIN_MS = 250;
/** A command that prints more than this is killed (execa's maxBuffer); scale commands print little. */
const MAX_BUFFER = 8 * 1024 * 1024;

/** The last `bytes` of `text`, cut on a character boundary. */
export function tailOf(text: string, bytes = OUTPUT_TAIL_BYTES): string {
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= bytes) return text;
  return buffer
    .subarray(buffer.length - bytes)
    .toString('utf8')
    .replace(/^\uFFFD+/, '');
}

/** Run `argv` (never through a shell) and report what happened. Never throws. */
export async function runArgv(argv: readonly string[], settings: RunSettings): Promise<ExecutionResult> {
  return (await runForOutput(argv, settings)).result;
}

/** Like runArgv, and also hands back stdout. Never throws. */
export async function runForOutput(argv: readonly string[], settings: RunSettings): Promise<RunOutput> {
  const [program, ...args] = argv;
  if (program === undefined || program === '') {
    return { result: notRun([...argv], 'empty argv: nothing to run'), stdout: '' };
  }
  const started = performance.now();
  try {
    const subprocess = execa(program, args, {
      shell: false,
      reject: false,
      stdin: 'ignore',
      all: true,
      timeout: settings.timeoutMs,
      killSignal: 'SIGTERM',
      forceKillAfterDelay: settings.graceMs ?? DEFAULT_GRACE_MS,
      env: settings.env ?? {},
      extendEnv: true,
      maxBuffer: MAX_BUFFER,
    });
    const drain = stopReadingAfterExit(subprocess);
    const run = await subprocess;
    drain.cancel();
    const note = drain.abandoned()
      ? `\n[alertscale: stopped reading ${DRAIN_MS} ms after exit: a background process still holds stdout/stderr]`
      : '';
    const timedOut = run.timedOut;
    const result: ExecutionResult = {
      ok: !run.failed,
      argv: [...argv],
      exitCode: run.exitCode ?? null,
      durationMs: Math.round(run.durationMs),
      timedOut,
      outputTail: tailOf(String(run.all ?? '') + note),
    };
    if (run.failed) result.error = failureReason(program, run, settings.timeoutMs);
    return { result, stdout: String(run.stdout ?? '') };
  } catch (err) {
    // execa reports failures in the result; this is only for the unexpected (bad options, …).
    const result = notRun([...argv], `could not run ${program}: ${(err as Error).message}`);
    result.durationMs = Math.round(performance.now() - started);
    return { result, stdout: '' };
  }
}

/** Once the program has exited, give its output DRAIN_MS, then close our end of the pipes. */
function stopReadingAfterExit(subprocess: ReturnType<typeof execa>) {
  let timer: NodeJS.Timeout | undefined;
  let abandoned = false;
  subprocess.once('exit', () => {
    timer = setTimeout(() => {
      abandoned = Boolean(subprocess.stdout?.readable || subprocess.stderr?.readable);
      subprocess.stdout?.destroy();
      subprocess.stderr?.destroy();
    }, DRAIN_MS);
  });
  return { cancel: () => clearTimeout(timer), abandoned: () => abandoned };
}

interface FailedRun {
  timedOut: boolean;
  isMaxBuffer: boolean;
  isForcefullyTerminated: boolean;
  exitCode?: number;
  signal?: string;
  code?: string;
  shortMessage?: string;
  originalMessage?: string;
}

/** One line an operator can act on. */
export function failureReason(program: string, run: FailedRun, timeoutMs: number): string {
  if (run.timedOut) {
    const how = run.isForcefullyTerminated ? 'SIGTERM was ignored, killed with SIGKILL' : 'killed with SIGTERM';
    return `${program} timed out after ${timeoutMs} ms (${how})`;
  }
  if (run.code === 'ENOENT') return `${program}: command not found (ENOENT); is it installed and on PATH?`;
  if (run.code === 'EACCES') return `${program}: permission denied (EACCES); is it executable?`;
  if (run.isMaxBuffer) return `${program} printed more than ${MAX_BUFFER} bytes and was stopped`;
  if (run.exitCode !== undefined) return `${program} exited with code ${run.exitCode}`;
  if (run.signal) return `${program} was killed by ${run.signal}`;
  return `${program} failed: ${run.originalMessage ?? run.shortMessage ?? 'unknown error'}`;
}

/** A result for something that was never started (bad request, nothing to run). */
export function notRun(argv: string[], error: string): ExecutionResult {
  return { ok: false, argv, exitCode: null, durationMs: 0, timedOut: false, outputTail: '', error };
}

/** A result for a request that needs no command (already at the target). */
export function nothingToDo(note: string): ExecutionResult {
  return { ok: true, argv: [], exitCode: null, durationMs: 0, timedOut: false, outputTail: note };
}

/**
 * The steps' results as one: ok when every step was; the argvs joined by "&&" (each ran only after
 * the previous one succeeded; no shell is involved), output tails in order.
 */
export function combineResults(results: readonly ExecutionResult[]): ExecutionResult {
  const last = results[results.length - 1]!;
  return {
    ok: results.every((r) => r.ok),
    argv: results.flatMap((r, i) => (i === 0 ? r.argv : ['&&', ...r.argv])),
    exitCode: last.exitCode,
    durationMs: results.reduce((sum, r) => sum + r.durationMs, 0),
    timedOut: results.some((r) => r.timedOut),
    outputTail: tailOf(results.map((r) => r.outputTail).join('')),
    ...(results.find((r) => r.error)?.error !== undefined ? { error: results.find((r) => r.error)!.error } : {}),
  };
}
