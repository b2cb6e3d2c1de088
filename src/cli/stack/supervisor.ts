import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcessSpec {
  name: string;
  argv: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** True once the process serves; polled until `readyTimeoutMs`. */
  ready(): Promise<boolean>;
  readyTimeoutMs?: number;
  /** How long to wait after SIGTERM before SIGKILL (a clustered Alertmanager takes ~10 s). */
  stopGraceMs?: number;
}

interface Running {
  spec: ProcessSpec;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/**
 * Starts the stack's programs (no shell: the pid held is the program's), each logging to
 * `<logDir>/<name>.log`, and stops them in reverse order.
 */
export function createSupervisor(logDir: string) {
  mkdirSync(logDir, { recursive: true });
  const running: Running[] = [];

  async function start(spec: ProcessSpec): Promise<void> {
    const log = createWriteStream(join(logDir, `${spec.name}.log`), { flags: 'a' });
    const [bin, ...args] = spec.argv;
    const child = spawn(bin!, args, { cwd: spec.cwd, env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code) => resolve(code));
      child.once('error', () => resolve(null));
    });
    running.push({ spec, child, exited });
    const spawnError = new Promise<never>((_, reject) =>
      child.once('error', (err) => reject(new Error(`${spec.name}: cannot start ${bin}: ${err.message}`))),
    );
    await Promise.race([waitReady(spec, exited, logDir), spawnError]);
  }

  async function halt({ spec, child, exited }: Running): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), spec.stopGraceMs ?? 10_000);
    await exited;
    clearTimeout(timer);
  }

  /** Stops one program ahead of the others (a no-op when it is not running). */
  async function stop(name: string): Promise<void> {
    const at = running.findIndex((r) => r.spec.name === name);
    if (at >= 0) await halt(running.splice(at, 1)[0]!);
  }

  async function stopAll(): Promise<void> {
    while (running.length > 0) await halt(running.pop()!);
  }

  return { start, stop, stopAll, pids: () => running.map((r) => ({ name: r.spec.name, pid: r.child.pid })) };
}

async function waitReady(spec: ProcessSpec, exited: Promise<number | null>, logDir: string): Promise<void> {
  let done = false;
  const died = exited.then((code) => {
    if (!done) throw new Error(`${spec.name} exited (code ${code}) before it was ready; see ${join(logDir, `${spec.name}.log`)}`);
  });
  const deadline = Date.now() + (spec.readyTimeoutMs ?? 30_000);
  const poll = (async () => {
    while (Date.now() < deadline) {
      if (await spec.ready().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${spec.name} not ready after ${spec.readyTimeoutMs ?? 30_000} ms; see ${join(logDir, `${spec.name}.log`)}`);
  })();
  try {
    await Promise.race([poll, died]);
  } finally {
    done = true;
  }
}

export type Supervisor = ReturnType<typeof createSupervisor>;

/** A readiness probe: GET `url` answers 2xx. */
export const httpReady = (url: string) => async () => (await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok;
