import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DemoAlertmanagerOptions, renderDemoAlertmanager } from '../../../alertmanager/demo.js';
import { DEMO_PROMETHEUS_FLAGS, renderDemoPrometheus } from '../../../prometheus/demo.js';
import { demoPm2StartArgs } from '../../demo/pm2.js';
import { runArgv } from '../../executors/run.js';
import { redisAnswers } from '../../state/redis.js';
import type { Config } from '../../config/index.js';
import { writeStackConfig, type StackPorts } from './stack-config.js';
import { createSupervisor, httpReady } from './supervisor.js';
import { startWebPool, webPidfile } from './web-pool.js';

export interface StackOptions {
  /** Repository root (for bin/, node_modules/, prometheus/, alertmanager/). */
  root: string;
  /** State folder: configs, data, logs, the token, pm2's home. */
  dir: string;
  ports: StackPorts;
  baseConfig?: string;
  pools?: Record<string, Record<string, unknown>>;
  /** Absolute rule files Prometheus loads instead of DEMO_RULE_FILES (bench/quality.ts compares policies). */
  ruleFiles?: readonly string[];
  /**
   * false: no web pool (no gunicorn, no `web` pool in the config, no `demo-web` scrape job), for runs
   * that measure the demo pool alone and want the CPU gunicorn would take (bench/quality.ts).
   */
  web?: boolean;
  /** Alertmanager timings instead of DEMO_ALERTMANAGER_TIMINGS (test/e2e/replay.test.ts moves the group ticks off the evaluations). */
  alertmanager?: Pick<DemoAlertmanagerOptions, 'groupWait' | 'groupInterval' | 'repeatInterval'>;
  /** Progress lines for a person watching. */
  say?: (line: string) => void;
}

export interface Stack {
  urls: Record<keyof StackPorts, string>;
  token: string;
  configFile: string;
  config: Config;
  dir: string;
  /** Run pm2 against the stack's private daemon. */
  pm2(args: string[]): ReturnType<typeof runArgv>;
  stop(): Promise<void>;
}

const loop = (port: number) => `127.0.0.1:${port}`;

/**
 * The whole loop on loopback: Redis, the demo pool under pm2, the web pool under gunicorn, exporter, receiver, Alertmanager and
 * Prometheus with demo timings. Stops everything it started if any part fails to come up.
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const { root, dir, ports } = opts;
  const say = opts.say ?? (() => undefined);
  for (const sub of ['logs', 'redis', 'prometheus', 'alertmanager', 'pm2']) mkdirSync(join(dir, sub), { recursive: true });
  const token = randomBytes(24).toString('hex');
  const tokenFile = join(dir, 'webhook-token');
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  const pm2Bin = join(root, 'node_modules', '.bin', 'pm2');
  const pm2Env = { PM2_HOME: join(dir, 'pm2') };
  const pm2 = (args: string[]) => runArgv([pm2Bin, ...args], { timeoutMs: 60_000, env: pm2Env });
  const { file: configFile, config } = writeStackConfig({
    baseFile: opts.baseConfig ?? join(root, 'alertscale.yml'),
    dir,
    ports,
    tokenFile,
    pm2Bin,
    pm2Home: pm2Env.PM2_HOME,
    gunicornPidfile: webPidfile(dir),
    pools: opts.pools,
    withoutPools: opts.web === false ? ['web'] : [],
  });
  const urls = {
    redis: `redis://${loop(ports.redis)}/0`,
    prometheus: `http://${loop(ports.prometheus)}`,
    alertmanager: `http://${loop(ports.alertmanager)}`,
    exporter: `http://${loop(ports.exporter)}`,
    receiver: `http://${loop(ports.receiver)}`,
    web: `http://${loop(ports.web)}`,
    webMetrics: `http://${loop(ports.webMetrics)}`,
  };
  const supervisor = createSupervisor(join(dir, 'logs'));
  const cli = (command: string) => ['node', join(root, 'bin', 'alertscale.js'), command, '--config', configFile];
  // The receiver first: it finishes a pm2 command in flight, which after `pm2 kill` would start a
  // new pm2 daemon. Then the workers, while Redis is still up: each finishes its job in hand.
  const stop = async () => {
    rmSync(runningFile(dir), { force: true });
    await supervisor.stop('receiver');
    await pm2(['kill']);
    await supervisor.stopAll();
  };
  try {
    say(`redis-server on ${loop(ports.redis)}`);
    await supervisor.start({
      name: 'redis',
      argv: [
        'redis-server',
        '--port',
        String(ports.redis),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        join(dir, 'redis'),
      ],
      ready: () => redisAnswers(ports.redis),
    });
    say('demo pool under pm2 (1 worker)');
    const started = await pm2(demoPm2StartArgs(root, { redisUrl: urls.redis }));
    if (!started.ok) throw new Error(`pm2 start of the demo pool failed: ${started.error}\n${started.outputTail}`);
    if (opts.web !== false) {
      const webWorkers = config.pools.web?.min ?? 2;
      say(`web pool: gunicorn on ${urls.web} (${webWorkers} workers), its metrics on ${urls.webMetrics}/metrics`);
      await startWebPool(supervisor, { root, dir, port: ports.web, metricsPort: ports.webMetrics, workers: webWorkers });
    }
    say(`exporter on ${urls.exporter}, receiver on ${urls.receiver}`);
    await supervisor.start({ name: 'exporter', argv: cli('exporter'), cwd: root, ready: httpReady(`${urls.exporter}/healthz`) });
    await supervisor.start({ name: 'receiver', argv: cli('receiver'), cwd: root, ready: httpReady(`${urls.receiver}/readyz`) });
    say(`Alertmanager on ${urls.alertmanager}`);
    await startAlertmanager(supervisor, dir, ports, urls, tokenFile, opts.alertmanager);
    say(`Prometheus on ${urls.prometheus}`);
    await startPrometheus(supervisor, dir, ports, opts.ruleFiles, opts.web !== false);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  writeFileSync(runningFile(dir), `${JSON.stringify({ pid: process.pid, urls }, null, 2)}\n`);
  return { urls, token, configFile, config, dir, pm2, stop };
}

/** `<dir>/stack.json` while a stack runs there: its URLs, for `alertscale demo` to find it. */
export const runningFile = (dir: string) => join(dir, 'stack.json');

type Supervisor = ReturnType<typeof createSupervisor>;

async function startAlertmanager(
  supervisor: Supervisor,
  dir: string,
  ports: StackPorts,
  urls: Stack['urls'],
  tokenFile: string,
  timings: StackOptions['alertmanager'] = {},
) {
  const file = join(dir, 'alertmanager.yml');
  writeFileSync(file, renderDemoAlertmanager({ ...timings, webhookUrl: `${urls.receiver}/v1/alertmanager`, credentialsFile: tokenFile }));
  await supervisor.start({
    name: 'alertmanager',
    argv: [
      'prometheus-alertmanager',
      `--config.file=${file}`,
      `--storage.path=${join(dir, 'alertmanager')}`,
      `--web.listen-address=${loop(ports.alertmanager)}`,
      `--web.external-url=${urls.alertmanager}`,
      // Alertmanager clusters on 0.0.0.0:9094 by default; the stack runs a single node.
      '--cluster.listen-address=',
    ],
    ready: httpReady(`${urls.alertmanager}/-/ready`),
  });
}

async function startPrometheus(
  supervisor: Supervisor,
  dir: string,
  ports: StackPorts,
  ruleFiles: readonly string[] | undefined,
  web: boolean,
) {
  const file = join(dir, 'prometheus.yml');
  writeFileSync(
    file,
    renderDemoPrometheus({
      prometheus: loop(ports.prometheus),
      exporter: loop(ports.exporter),
      receiver: loop(ports.receiver),
      alertmanagers: [loop(ports.alertmanager)],
      ...(web ? { web: loop(ports.webMetrics) } : {}),
      ...(ruleFiles ? { ruleFiles } : {}),
    }),
  );
  await supervisor.start({
    name: 'prometheus',
    argv: [
      'prometheus',
      `--config.file=${file}`,
      `--storage.tsdb.path=${join(dir, 'prometheus')}`,
      `--web.listen-address=${loop(ports.prometheus)}`,
      `--web.external-url=http://${loop(ports.prometheus)}`,
      '--web.enable-lifecycle',
      ...DEMO_PROMETHEUS_FLAGS,
    ],
    ready: httpReady(`http://${loop(ports.prometheus)}/-/ready`),
  });
}
