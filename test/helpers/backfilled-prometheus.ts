import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from './ports.js';

const MIN = 60_000;

/** One gauge series of a backfill: its value `minutesAgo` minutes before `now`. */
export interface GaugeSeries {
  name: string;
  /** The label text inside the braces, e.g. `pool="demo"`. */
  labels: string;
  value: (minutesAgo: number) => number;
}

/**
 * OpenMetrics text of gauges sampled once a minute over the last `minutes` minutes before `now`
 * (ms, on a minute). Series of one name are written together under one `# TYPE`, as the format asks.
 */
export function gaugeHistory(now: number, minutes: number, series: readonly GaugeSeries[]): string {
  const lines: string[] = [];
  for (const name of new Set(series.map((s) => s.name))) {
    lines.push(`# TYPE ${name} gauge`);
    for (const s of series.filter((x) => x.name === name)) {
      for (let m = minutes; m >= 1; m--) lines.push(`${name}{${s.labels}} ${s.value(m)} ${(now - m * MIN) / 1000}`);
    }
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

export interface BackfilledPrometheus {
  url: string;
  /** How long `promtool tsdb create-blocks-from openmetrics` took. */
  backfillMs: number;
  stop(): Promise<void>;
}

/**
 * A real Prometheus on a free loopback port over `openMetrics` backfilled into `dir`/data (promtool
 * tsdb create-blocks-from openmetrics), evaluating every minute, with a retention that keeps the
 * backfill (it is older than the default's head).
 */
export async function startBackfilledPrometheus(dir: string, openMetrics: string): Promise<BackfilledPrometheus> {
  writeFileSync(join(dir, 'history.om'), openMetrics);
  const started = Date.now();
  const made = spawnSync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'history.om'), join(dir, 'data')], {
    encoding: 'utf8',
  });
  if (made.status !== 0) throw new Error(`promtool backfill failed: ${made.stderr}`);
  const backfillMs = Date.now() - started;
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  evaluation_interval: 1m\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const prometheus = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=15d',
    ],
    { stdio: 'ignore' },
  );
  const stop = async () => {
    if (prometheus.exitCode === null && prometheus.signalCode === null)
      await new Promise((done) => prometheus.once('exit', done).kill('SIGTERM'));
  };
  try {
    await waitFor('Prometheus ready', async () => (await fetch(`${url}/-/ready`)).ok, 60_000, 100);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, backfillMs, stop };
}
