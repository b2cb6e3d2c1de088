import { join } from 'node:path';

/** The pm2 entry file of the demo pool, relative to the repository root. */
export const DEMO_PM2_SCRIPT = 'src/demo/alertscale-demo-worker.js';

export interface DemoPm2Options {
  /** pm2 app name; the pool's executor scales it (`pm2 scale <name> N`). Default `demo`. */
  name?: string;
  instances?: number;
  /**
   * How long pm2 waits after SIGINT before SIGKILL. It must exceed the longest job, or a
   * scale-down kills a worker mid-job and that job runs twice. Default 30 s.
   */
  killTimeoutMs?: number;
  redisUrl?: string;
  queueKey?: string;
  pool?: string;
}

/**
 * argv for `pm2 …` that starts the demo pool in cluster mode (so `pm2 scale` works). Worker
 * settings travel as arguments after `--`, stored by pm2 with the app, so instances added later
 * by `pm2 scale` get the same ones. Autorestart stays on: a crashed worker comes back. A worker
 * that exits 0 on its own has drained (docs/HEARTBEATS.md "Drain"): `--stop-exit-codes 0` keeps it
 * stopped instead of restarting it, so the executor removes that very process by id.
 */
export function demoPm2StartArgs(repoRoot: string, opts: DemoPm2Options = {}): string[] {
  const { name = 'demo', instances = 1, killTimeoutMs = 30_000 } = opts;
  if (!Number.isInteger(instances) || instances < 1)
    throw new Error(`demo pm2 app "${name}": instances must be a positive integer, got ${instances}`);
  const workerArgs = [
    ...(opts.redisUrl ? ['--redis', opts.redisUrl] : []),
    ...(opts.queueKey ? ['--queue', opts.queueKey] : []),
    ...(opts.pool ? ['--pool', opts.pool] : []),
  ];
  return [
    'start',
    join(repoRoot, DEMO_PM2_SCRIPT),
    '--name',
    name,
    '-i',
    String(instances),
    '--kill-timeout',
    String(killTimeoutMs),
    '--stop-exit-codes',
    '0',
    // pm2 resolves relative paths against its cwd; the worker needs node_modules from the repo.
    '--cwd',
    repoRoot,
    ...(workerArgs.length > 0 ? ['--', ...workerArgs] : []),
  ];
}
