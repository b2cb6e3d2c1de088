/**
 * The processes under test, each its own OS process as in production: the floor server and
 * `./bin/alertscale.js receiver` (the real CLI, its pino logs to /dev/null).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { freePort, waitFor } from '../test/helpers/ports.js';

const ROOT = new URL('..', import.meta.url).pathname;

export interface Served {
  name: string;
  url: string;
  pid: number;
  /** SIGTERM, then wait for a clean exit (a --cpu-prof profile is written then). */
  stop(): Promise<void>;
}

function served(name: string, child: ChildProcess, port: number): Served {
  let stderr = '';
  let stopping = false;
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal === null && !stopping) process.stderr.write(`${name} exited with ${code}: ${stderr}\n`);
  });
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function untilHealthy(name: string, url: string, child: ChildProcess): Promise<void> {
  await waitFor(
    `${name} at ${url}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
      return (await fetch(url)).status < 500;
    },
    30_000,
    100,
  );
}

/** A floor server: `bench/floor-server.ts` (node:http) or `bench/floor-hono.ts` (Hono). */
export async function startFloor(file = 'bench/floor-server.ts', args: string[] = []): Promise<Served> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', file, '--port', String(port), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const s = served(file, child, port);
  await untilHealthy(file, `${s.url}/`, child);
  return s;
}

export interface ReceiverProcessOptions {
  configFile: string;
  tokenEnv: string;
  token: string;
  /** Directory for a V8 CPU profile (`node --cpu-prof`) written when the receiver exits. */
  cpuProfDir?: string;
  /** How node starts the CLI (default the compiled `./bin/alertscale.js`; bench/cli.ts also runs the source through tsx). */
  entry?: readonly string[];
}

export async function startReceiverProcess(opts: ReceiverProcessOptions): Promise<Served> {
  const port = await freePort();
  const prof = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [];
  const child = spawn(
    process.execPath,
    [...prof, ...(opts.entry ?? ['./bin/alertscale.js']), 'receiver', '--config', opts.configFile, '--listen', `127.0.0.1:${port}`],
    {
      cwd: ROOT,
      env: { ...process.env, [opts.tokenEnv]: opts.token },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const s = served('receiver', child, port);
  await untilHealthy('receiver', `${s.url}/readyz`, child);
  return s;
}

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** CPU seconds a process has used (all threads), plus those of its reaped children (the `true` runs). */
export function cpuSeconds(pid: number): { own: number; sys: number; children: number } {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return {
    own: (Number(f[11]) + Number(f[12])) / CLK_TCK,
    sys: Number(f[12]) / CLK_TCK,
    children: (Number(f[13]) + Number(f[14])) / CLK_TCK,
  };
}

/** The pid of the redis-server serving `port` (its process title is `redis-server 127.0.0.1:PORT`). */
export function redisPid(port: number): number {
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    const cmdline = (() => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {
        return '';
      }
    })();
    if (/redis-server/.test(cmdline) && (cmdline.trim().endsWith(`:${port}`) || cmdline.includes(`--port ${port} `))) return Number(name);
  }
  throw new Error(`no redis-server process found for port ${port}`);
}

/** Calls per Redis command so far (INFO commandstats), e.g. { set: 12, hgetall: 24 }. */
export function parseCommandStats(info: string): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const m of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls[m[1]!] = Number(m[2]);
  return calls;
}
