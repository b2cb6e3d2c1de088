import type { ExecutorConfigOf } from '../config/executor-schema.js';
import { createCommandBackedExecutor } from './preset.js';
import type { Executor, ScaleRequest } from './types.js';

export type Pm2ExecutorConfig = ExecutorConfigOf<'pm2'>;

/** `pm2 scale APP N`: absolute, so it is run even when alertscale thinks the pool is already at N. */
export function argvForPm2(config: Pm2ExecutorConfig, request: ScaleRequest): string[] {
  return [config.bin, 'scale', config.app, String(request.replicas)];
}

export function currentArgvForPm2(config: Pm2ExecutorConfig): string[] {
  return [config.bin, 'jlist'];
}

interface Pm2Process {
  name?: unknown;
  pm2_env?: { status?: unknown };
}

/**
 * The process list of `pm2 jlist`. pm2 may print lines first (e.g. "[PM2] Spawning PM2 daemon",
 * which also starts with "["), so try each line that opens an array until one parses.
 */
export function parsePm2List(stdout: string): Pm2Process[] {
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.trimStart().startsWith('[')) continue;
    try {
      const parsed: unknown = JSON.parse(lines.slice(i).join('\n'));
      if (Array.isArray(parsed)) return parsed as Pm2Process[];
    } catch {
      // not the JSON yet: a log line that happens to start with "["
    }
  }
  throw new Error(`no JSON process list in pm2 jlist output: ${JSON.stringify(stdout.slice(0, 200))}`);
}

/** Processes of `app` that pm2 reports online. */
export function countOnline(stdout: string, app: string): number {
  return parsePm2List(stdout).filter((p) => p.name === app && p.pm2_env?.status === 'online').length;
}

export function createPm2Executor(pool: string, config: Pm2ExecutorConfig): Executor {
  return createCommandBackedExecutor(pool, config, {
    kind: 'pm2',
    argvFor: argvForPm2,
    current: { argvFor: currentArgvForPm2, parse: (stdout) => countOnline(stdout, config.app) },
  });
}
