import { type ChildProcess, spawn } from 'node:child_process';
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
/** A command that prints more than this on stdout or stderr is stopped; scale commands print little. */
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
  let child: ChildProcess;
  try {
    // shell: false is spawn's default; written out because it is the security boundary.
    child = spawn(program, args, {
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: settings.env ? { ...process.env, ...settings.env } : process.env,
    });
  } catch (err) {
    // spawn throws only for arguments it refuses (a NUL byte in an argv element, …).
    return { result: notRun([...argv], `could not run ${program}: ${(err as Error).message}`), stdout: '' };
  }
  const run = await watch(child, settings);
  const note = run.abandoned
    ? `\n[alertscale: stopped reading ${DRAIN_MS} ms after exit: a background process still holds stdout/stderr]`
    : '';
  const failed = run.timedOut || run.isMaxBuffer || run.code !== undefined || run.exitCode !== 0;
  const result: ExecutionResult = {
    ok: !failed,
    argv: [...argv],
    exitCode: run.exitCode ?? null,
    durationMs: Math.round(performance.now() - started),
    timedOut: run.timedOut,
    outputTail: tailOf(run.all + note),
  };
  if (failed) result.error = failureReason(program, run, settings.timeoutMs);
  return { result, stdout: run.stdout };
}

/** What watching one child saw; the failure fields are those failureReason reads. */
interface Watched extends FailedRun {
  /** stdout and stderr interleaved as they arrived, final newline stripped. */
  all: string;
  stdout: string;
  abandoned: boolean;
}

/**
 * Wait for `child` to end: stopped at the timeout or past MAX_BUFFER; after its exit, its output
 * gets DRAIN_MS, then we close our end of the pipes.
 */
function watch(child: ChildProcess, settings: RunSettings): Promise<Watched> {
  track(child);
  return new Promise((resolve) => {
    const output = new Output();
    const run: Omit<Watched, 'all' | 'stdout'> = { timedOut: false, isMaxBuffer: false, isForcefullyTerminated: false, abandoned: false };
    const stopper = stopperOf(child, settings.graceMs ?? DEFAULT_GRACE_MS, () => (run.isForcefullyTerminated = true));
    const timeout = setTimeout(() => {
      run.timedOut = true;
      stopper.stop();
    }, settings.timeoutMs);
    let drain: NodeJS.Timeout | undefined;
    const read = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      if (output.add(stream, chunk)) return;
      run.isMaxBuffer = true;
      stopper.stop();
    };
    child.stdout!.on('data', read('stdout'));
    child.stderr!.on('data', read('stderr'));
    const closePipes = () => {
      child.stdout!.destroy();
      child.stderr!.destroy();
    };
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      live.delete(child);
      clearTimeout(timeout);
      clearTimeout(drain);
      stopper.exited();
      resolve({ ...run, all: output.all(), stdout: output.stdout() });
    };
    child.once('exit', (code, signal) => {
      clearTimeout(timeout);
      stopper.exited();
      if (code !== null) run.exitCode = code;
      if (signal !== null) run.signal = signal;
      drain = setTimeout(() => {
        run.abandoned = Boolean(child.stdout!.readable || child.stderr!.readable);
        closePipes();
      }, DRAIN_MS);
    });
    child.once('close', finish);
    child.on('error', (err: NodeJS.ErrnoException) => {
      run.code ??= err.code;
      run.originalMessage ??= err.message;
      // Never started (ENOENT, EACCES): no exit will come. Otherwise a failed kill, and exit still comes.
      if (child.pid === undefined) {
        closePipes();
        finish();
      }
    });
  });
}

/** SIGTERM, then SIGKILL `graceMs` later if the child has not exited by then. */
function stopperOf(child: ChildProcess, graceMs: number, onKill: () => void) {
  let grace: NodeJS.Timeout | undefined;
  let exited = false;
  return {
    stop() {
      if (grace || exited) return;
      child.kill('SIGTERM');
      grace = setTimeout(() => {
        onKill();
        child.kill('SIGKILL');
      }, graceMs);
    },
    exited() {
      exited = true;
      clearTimeout(grace);
    },
  };
}

/**
 * Children still running, SIGTERMed when this process exits (a second signal to the receiver, an
 * exit mid-command), so a scale command does not outlive the process that audits it.
 */
const live = new Set<ChildProcess>();
let hooked = false;

function track(child: ChildProcess): void {
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const c of live) c.kill('SIGTERM');
    });
  }
  live.add(child);
}

/** The output a run keeps: all of stdout (probes parse it), and the end of both streams interleaved. */
class Output {
  private readonly out: Buffer[] = [];
  private outBytes = 0;
  private errBytes = 0;
  private both: Buffer[] = [];
  private bothBytes = 0;

  /** Keep `chunk`; false once a stream has printed more than MAX_BUFFER. */
  add(stream: 'stdout' | 'stderr', chunk: Buffer): boolean {
    if (stream === 'stdout') {
      this.outBytes += chunk.length;
      if (this.outBytes > MAX_BUFFER) return false;
      this.out.push(chunk);
    } else {
      this.errBytes += chunk.length;
      if (this.errBytes > MAX_BUFFER) return false;
    }
    this.both.push(chunk);
    this.bothBytes += chunk.length;
    // Only the tail reaches the audit; keep twice that, so a cut character falls outside it.
    if (this.bothBytes > 16 * OUTPUT_TAIL_BYTES) {
      const joined = Buffer.concat(this.both);
      this.both = [joined.subarray(joined.length - 2 * OUTPUT_TAIL_BYTES)];
      this.bothBytes = 2 * OUTPUT_TAIL_BYTES;
    }
    return true;
  }

  stdout(): string {
    return stripFinalNewline(Buffer.concat(this.out).toString('utf8'));
  }

  all(): string {
    return stripFinalNewline(Buffer.concat(this.both).toString('utf8'));
  }
}

/** `echo`'s newline is not part of what a command said (as execa read output before this runner). */
function stripFinalNewline(text: string): string {
  if (text.endsWith('\r\n')) return text.slice(0, -2);
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/** How a run failed, as failureReason reads it. */
interface FailedRun {
  timedOut: boolean;
  isMaxBuffer: boolean;
  /** SIGTERM was ignored for the grace period and SIGKILL followed. */
  isForcefullyTerminated: boolean;
  exitCode?: number;
  signal?: string;
  /** The spawn error's code (ENOENT, EACCES). */
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
