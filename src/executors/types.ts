/** What a pool is asked to become. `current` is what alertscale believes it is now. */
export interface ScaleRequest {
  pool: string;
  replicas: number;
  current: number;
}

/** What running a scale (or probe) command did; goes into the audit log as it is. */
export interface ExecutionResult {
  ok: boolean;
  /** The argv run (for signal-based executors, a description such as ["kill", "-TTIN", "1234"]). */
  argv: string[];
  /** Exit code; null when killed (timeout) or never started. */
  exitCode: number | null;
  durationMs: number;
  timedOut: boolean;
  /** Last few KiB of stdout+stderr, interleaved. */
  outputTail: string;
  /** Why it failed, in one line (spawn error, timeout, non-zero exit). */
  error?: string;
}

/**
 * The only side effect of scaling: bring a pool to N workers. One per pool, built from its
 * `executor:` config by `createExecutor`.
 */
export interface Executor {
  readonly kind: string;
  scale(request: ScaleRequest): Promise<ExecutionResult>;
  /** Present when the executor can read the live replica count (a `current` probe, /proc). */
  current?(): Promise<number>;
}
