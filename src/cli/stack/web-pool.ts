import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { httpReady, type Supervisor } from './supervisor.js';

/** Where the web demo pool's gunicorn keeps its pidfile inside the stack's folder. */
export const webPidfile = (dir: string) => join(dir, 'web', 'gunicorn.pid');

export interface WebPoolOptions {
  root: string;
  dir: string;
  /** The app's port and the master's /metrics port, both on 127.0.0.1. */
  port: number;
  metricsPort: number;
  workers: number;
}

/**
 * The web demo pool: src/demo/web/app.py under Debian's gunicorn, the master serving the workers'
 * summed metrics (prometheus_client multiprocess mode). The metrics folder starts empty, as the
 * multiprocess mode requires: files of an earlier run would be summed in.
 */
export async function startWebPool(supervisor: Supervisor, opts: WebPoolOptions): Promise<void> {
  const metricsDir = join(opts.dir, 'web', 'metrics');
  rmSync(metricsDir, { recursive: true, force: true });
  mkdirSync(metricsDir, { recursive: true });
  const appDir = join(opts.root, 'src', 'demo', 'web');
  await supervisor.start({
    name: 'gunicorn-web',
    argv: [
      '/usr/bin/gunicorn',
      '--workers',
      String(opts.workers),
      '--bind',
      `127.0.0.1:${opts.port}`,
      '--pid',
      webPidfile(opts.dir),
      '--config',
      join(appDir, 'gunicorn.conf.py'),
      '--chdir',
      appDir,
      '--graceful-timeout',
      '5',
      'app:app',
    ],
    env: { PROMETHEUS_MULTIPROC_DIR: metricsDir, METRICS_PORT: String(opts.metricsPort) },
    ready: async () =>
      (await httpReady(`http://127.0.0.1:${opts.port}/healthz`)()) && (await httpReady(`http://127.0.0.1:${opts.metricsPort}/metrics`)()),
  });
}
