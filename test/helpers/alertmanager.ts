import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './ports.js';

export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

/** Routes everything to a receiver with no integrations: silences and alerts work, nothing is sent. */
export const QUIET_ALERTMANAGER_CONFIG = `route:
  receiver: quiet
receivers:
  - name: quiet
`;

export interface TestAlertmanager {
  url: string;
  port: number;
  /** Stop it (SIGTERM, SIGKILL after 5 s) and remove its data dir. Safe to call twice. */
  stop(): Promise<void>;
  /** Its log so far (stderr), for a failing test's message. */
  log(): string;
}

export interface AlertmanagerOptions {
  /** alertmanager.yml text; default QUIET_ALERTMANAGER_CONFIG. */
  config?: string;
  /** Extra flags, e.g. `--cluster.peer=…` (then also pass your own `--cluster.listen-address`). */
  args?: string[];
  /**
   * Serve the API under this path (`--web.route-prefix`), as Grafana serves its Alertmanager-
   * compatible API under /api/alertmanager/grafana; `url` then ends with it.
   */
  routePrefix?: string;
}

/**
 * A real single-node Alertmanager (Debian's prometheus-alertmanager 0.25) on a free loopback port,
 * with a private config and storage dir. Not clustered: `--cluster.listen-address=` (empty), or it
 * would bind 0.0.0.0:9094 and gossip with its neighbours.
 */
export async function startAlertmanager(opts: AlertmanagerOptions = {}): Promise<TestAlertmanager> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'alertscale-am-'));
  const url = `http://127.0.0.1:${port}${opts.routePrefix ?? ''}`;
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, opts.config ?? QUIET_ALERTMANAGER_CONFIG);
  const logFile = join(dir, 'alertmanager.log');
  const logFd = openSync(logFile, 'a');
  const clustered = (opts.args ?? []).some((a) => a.startsWith('--cluster.listen-address'));
  const child: ChildProcess = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}`,
      ...(clustered ? [] : ['--cluster.listen-address=']),
      ...(opts.routePrefix ? [`--web.route-prefix=${opts.routePrefix}`] : []),
      ...(opts.args ?? []),
    ],
    { stdio: ['ignore', logFd, logFd] },
  );
  closeSync(logFd);
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null && !spawnError) {
      await new Promise<void>((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`Alertmanager on ${url}`, async () => {
      if (spawnError) throw new Error(`${ALERTMANAGER_BIN} did not start (apt-get install prometheus-alertmanager): ${spawnError.message}`);
      if (child.exitCode !== null) throw new Error(`Alertmanager exited with ${child.exitCode}: ${log().slice(-500)}`);
      return (await fetch(`${url}/-/ready`)).ok;
    });
  } catch (err) {
    const text = log();
    await stop();
    throw new Error(`${(err as Error).message}\n${text.slice(-1000)}`);
  }
  return { url, port, stop, log };
}
