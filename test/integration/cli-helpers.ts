import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startAlertmanager, type TestAlertmanager } from '../helpers/alertmanager.js';
import { freePort, waitFor } from '../helpers/ports.js';
import { startTestReceiver, TOKEN, type TestReceiver } from '../helpers/receiver.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'bin', 'alertscale.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `alertscale …` as an operator runs it (a real process, no TTY, 80 columns). */
export function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, COLUMNS: '80', NO_COLOR: '', ALERTSCALE_CONFIG: '', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

/**
 * The operator's world for one test file: a real Redis, Alertmanager, receiver and exporter, and
 * an alertscale.yml that points the CLI at them (token file included).
 */
export interface OpsWorld {
  dir: string;
  configFile: string;
  tokenFile: string;
  redis: TestRedis;
  alertmanager: TestAlertmanager;
  receiver: TestReceiver;
  exporterUrl: string;
  /** Run the CLI with `--config` of this world. */
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult>;
  stop(): Promise<void>;
}

export async function startOpsWorld(poolsYaml: string): Promise<OpsWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'alertscale-cli-'));
  const redis = await startRedis();
  const alertmanager = await startAlertmanager();
  const base = `redis: { url: REDIS_URL }\n${poolsYaml}`;
  const receiver = await startTestReceiver(base, redis.url, { alertmanagerUrl: alertmanager.url });
  const exporterPort = await freePort();
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`);
  const configFile = join(dir, 'alertscale.yml');
  writeFileSync(
    configFile,
    [
      `receiver: { listen: "${new URL(receiver.url).host}", tokenFile: ${tokenFile} }`,
      `exporter: { listen: "127.0.0.1:${exporterPort}" }`,
      `alertmanager: { url: "${alertmanager.url}" }`,
      base.replace('REDIS_URL', redis.url),
    ].join('\n'),
  );
  const exporter: ChildProcess = spawn(process.execPath, [CLI, 'exporter', '--config', configFile], { cwd: ROOT, stdio: 'ignore' });
  const exporterUrl = `http://127.0.0.1:${exporterPort}`;
  const stop = async () => {
    if (exporter.exitCode === null && exporter.signalCode === null) {
      await new Promise<void>((r) => {
        exporter.once('exit', () => r());
        exporter.kill('SIGTERM');
      });
    }
    await receiver.close();
    await alertmanager.stop();
    await redis.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor('the exporter', async () => (await fetch(`${exporterUrl}/healthz`)).ok, 20_000, 100);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    dir,
    configFile,
    tokenFile,
    redis,
    alertmanager,
    receiver,
    exporterUrl,
    cli: (args, env) => runCli([...args, '--config', configFile], { env }),
    stop,
  };
}

/** Every stderr line of a failed command: the rule is one, with the fix. */
export function stderrLines(r: CliResult): string[] {
  return r.stderr.split('\n').filter(Boolean);
}

/** Two demo workers by the heartbeat protocol (w1 busy, w2 idle) and `jobs` waiting in demo:jobs. */
export async function seedDemoLoad(world: OpsWorld, jobs: string[]): Promise<void> {
  const redis = world.redis.client();
  const now = String(Math.floor(Date.now() / 1000));
  await redis.hset('alertscale:hb:demo:w1', { busy: 1, ts: now });
  await redis.hset('alertscale:hb:demo:w2', { busy: 0, ts: now });
  await redis.expire('alertscale:hb:demo:w1', 300);
  await redis.expire('alertscale:hb:demo:w2', 300);
  await redis.lpush('demo:jobs', ...jobs);
  redis.disconnect();
}
