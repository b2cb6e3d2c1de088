/**
 * Alertmanager config: amtool accepts it, scaling alerts route to the alertscale webhook and
 * everything else to `null`, and the demo overlay (alertmanager/demo.ts) keeps the same routing
 * with demo timings. A real Alertmanager running the rendered config proves what amtool cannot:
 * the bearer token file is sent, `scale=up` inhibits `scale=down` of the same pool only, and
 * resolved notifications are delivered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  DEMO_ALERTMANAGER_TIMINGS,
  PRODUCTION_ALERTMANAGER_FILE,
  demoAlertmanagerConfig,
  renderDemoAlertmanager,
} from '../../alertmanager/demo.js';
import { freePort, waitFor } from '../helpers/ports.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const PRODUCTION = 'alertmanager/alertmanager.yml';

async function amtool(args: string[]) {
  const result = await execa('amtool', args, { reject: false, all: true, cwd: ROOT });
  return { exitCode: result.exitCode, output: result.all ?? '', stdout: result.stdout?.trim() ?? '' };
}

/** Label sets and the receiver each must reach. */
const ROUTES: [string[], string][] = [
  [['pool=demo', 'scale=up'], 'alertscale'],
  [['pool=demo', 'scale=down'], 'alertscale'],
  [['alertname=ExampleWebCpuAbove70', 'pool=example-web', 'scale=up', 'job=alertscale-exporter'], 'alertscale'],
  // Not scaling alerts: no pool, no scale, or a scale that is neither up nor down.
  [['pool=demo'], 'null'],
  [['scale=up'], 'null'],
  [['pool=demo', 'scale=sideways'], 'null'],
  [['pool=demo', 'scale=upward'], 'null'],
  [['pool=', 'scale=up'], 'null'],
  [['alertname=Watchdog'], 'null'],
  [['alertname=ExampleWebScaleUpBlockedByMemory', 'pool=example-web', 'severity=warning'], 'null'],
];

const tmp = mkdtempSync(join(tmpdir(), 'alertscale-am-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('alertmanager/alertmanager.yml', () => {
  it('amtool check-config accepts it', async () => {
    const { exitCode, output } = await amtool(['check-config', PRODUCTION]);
    expect(exitCode, output).toBe(0);
  });

  it.each(ROUTES.map(([labels, receiver]) => [labels.join(' '), receiver, labels] as const))(
    'amtool routes %s → %s',
    async (_, receiver, labels) => {
      const { exitCode, stdout, output } = await amtool(['config', 'routes', 'test', `--config.file=${PRODUCTION}`, ...labels]);
      expect(exitCode, output).toBe(0);
      expect(stdout).toBe(receiver);
    },
  );

  it('groups by pool and scale, delivers resolved and untruncated, with a bearer token file', () => {
    const config = parse(readFileSync(PRODUCTION_ALERTMANAGER_FILE, 'utf8')) as any;
    const route = config.route.routes.find((r: any) => r.receiver === 'alertscale');
    expect(route.group_by).toEqual(['pool', 'scale']);
    for (const key of ['group_wait', 'group_interval', 'repeat_interval']) expect(route[key], key).toMatch(/^\d+[smh]$/);
    const [hook] = config.receivers.find((r: any) => r.name === 'alertscale').webhook_configs;
    expect(hook).toMatchObject({ url: 'http://127.0.0.1:9460/v1/alertmanager', send_resolved: true, max_alerts: 0 });
    // Relative to alertmanager/: the token file alertscale.yml's receiver.tokenFile names.
    expect(hook.http_config.authorization).toEqual({ type: 'Bearer', credentials_file: '../.stack/webhook-token' });
    const alertscale = parse(readFileSync(join(ROOT, 'alertscale.yml'), 'utf8')) as any;
    expect(resolve(ROOT, 'alertmanager', hook.http_config.authorization.credentials_file)).toBe(
      resolve(ROOT, alertscale.receiver.tokenFile),
    );
    expect(config.inhibit_rules).toEqual([{ source_matchers: ['scale="up"'], target_matchers: ['scale="down"'], equal: ['pool'] }]);
  });
});

describe('renderDemoAlertmanager', () => {
  const tokenFile = join(tmp, 'webhook-token');
  const options = { webhookUrl: 'http://127.0.0.1:19460/v1/alertmanager', credentialsFile: tokenFile };

  it('changes only the scaling route timings and the webhook URL and token path', () => {
    const production = parse(readFileSync(PRODUCTION_ALERTMANAGER_FILE, 'utf8')) as any;
    const demo = demoAlertmanagerConfig(production, options) as any;
    const route = demo.route.routes.find((r: any) => r.receiver === 'alertscale');
    expect(route).toMatchObject({
      group_wait: DEMO_ALERTMANAGER_TIMINGS.groupWait,
      group_interval: DEMO_ALERTMANAGER_TIMINGS.groupInterval,
      repeat_interval: DEMO_ALERTMANAGER_TIMINGS.repeatInterval,
    });
    const [hook] = demo.receivers.find((r: any) => r.name === 'alertscale').webhook_configs;
    expect(hook.url).toBe(options.webhookUrl);
    expect(hook.http_config.authorization).toEqual({ type: 'Bearer', credentials_file: tokenFile });

    // Put the production values back: nothing else may differ.
    const prodRoute = production.route.routes.find((r: any) => r.receiver === 'alertscale');
    Object.assign(route, {
      group_wait: prodRoute.group_wait,
      group_interval: prodRoute.group_interval,
      repeat_interval: prodRoute.repeat_interval,
    });
    const [prodHook] = production.receivers.find((r: any) => r.name === 'alertscale').webhook_configs;
    Object.assign(hook, { url: prodHook.url, http_config: prodHook.http_config });
    expect(demo).toEqual(production);
    expect(production.route.routes.find((r: any) => r.receiver === 'alertscale').group_wait).toBe(prodRoute.group_wait); // input untouched
  });

  it('refuses a relative token path, a bad URL, and a config without the alertscale route', () => {
    const production = parse(readFileSync(PRODUCTION_ALERTMANAGER_FILE, 'utf8')) as any;
    expect(() => demoAlertmanagerConfig(production, { ...options, credentialsFile: '.stack/webhook-token' })).toThrow(/must be absolute/);
    expect(() => demoAlertmanagerConfig(production, { ...options, webhookUrl: 'not a url' })).toThrow();
    expect(() => demoAlertmanagerConfig(production, { ...options, webhookUrl: 'ftp://127.0.0.1/x' })).toThrow(/http/);
    const noRoute = { ...production, route: { receiver: 'null' } };
    expect(() => demoAlertmanagerConfig(noRoute, options)).toThrow(/no route to receiver "alertscale"/);
  });

  it('amtool accepts the rendered file and routes exactly like production', async () => {
    const file = join(tmp, 'routes.yml');
    writeFileSync(file, renderDemoAlertmanager(options));
    const check = await amtool(['check-config', file]);
    expect(check.exitCode, check.output).toBe(0);
    for (const [labels, receiver] of ROUTES) {
      const { stdout } = await amtool(['config', 'routes', 'test', `--config.file=${file}`, ...labels]);
      expect(stdout, labels.join(' ')).toBe(receiver);
    }
  });
});

// ── a real Alertmanager with the rendered demo config ─────────────────────────────────────────

interface Delivery {
  authorization: string | undefined;
  body: { status: string; groupLabels: Record<string, string>; alerts: { status: string; labels: Record<string, string> }[] };
}

describe('a real Alertmanager running the demo config', () => {
  const token = 'am-test-token-93c1';
  const deliveries: Delivery[] = [];
  let webhook: Server;
  let alertmanager: ChildProcess;
  let url: string;

  beforeAll(async () => {
    const tokenFile = join(tmp, 'live-token');
    writeFileSync(tokenFile, `${token}\n`);
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        deliveries.push({ authorization: req.headers.authorization, body: JSON.parse(body) });
        res.end('{}');
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
    const hookPort = (webhook.address() as { port: number }).port;

    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const file = join(tmp, 'alertmanager.yml');
    writeFileSync(file, renderDemoAlertmanager({ webhookUrl: `http://127.0.0.1:${hookPort}/v1/alertmanager`, credentialsFile: tokenFile }));
    alertmanager = spawn(
      'prometheus-alertmanager',
      [
        `--config.file=${file}`,
        `--storage.path=${join(tmp, 'am-data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=${url}`,
        '--cluster.listen-address=',
      ],
      { stdio: 'ignore' },
    );
    await waitFor('alertmanager ready', async () => (await fetch(`${url}/-/ready`)).ok, 15_000);
  });

  afterAll(async () => {
    if (alertmanager && alertmanager.exitCode === null) {
      const exited = new Promise((r) => alertmanager.once('exit', r));
      alertmanager.kill('SIGTERM');
      await exited;
    }
    await new Promise((r) => webhook?.close(r));
  });

  const post = async (alerts: { labels: Record<string, string>; endsAt?: string }[]) => {
    const res = await fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    expect(res.status).toBe(200);
  };
  const delivered = (alertname: string, pool: string, status = 'firing') =>
    deliveries.some((d) => d.body.alerts.some((a) => a.labels.alertname === alertname && a.labels.pool === pool && a.status === status));

  const up = { alertname: 'DemoQueueBacklog', pool: 'demo', scale: 'up' };
  const down = { alertname: 'DemoWorkersIdle', pool: 'demo', scale: 'down' };
  const otherDown = { alertname: 'DemoWorkersIdle', pool: 'other', scale: 'down' };
  const plain = { alertname: 'Watchdog' };

  it('delivers a scaling alert at once, grouped by pool and scale, with the bearer token from the file', async () => {
    await post([{ labels: up }]);
    await waitFor('up delivered', () => delivered('DemoQueueBacklog', 'demo'), 5_000);
    const first = deliveries.find((d) => d.body.alerts.some((a) => a.labels.alertname === 'DemoQueueBacklog'))!;
    expect(first.authorization).toBe(`Bearer ${token}`);
    expect(first.body.groupLabels).toEqual({ pool: 'demo', scale: 'up' });
  });

  it('up inhibits down of the same pool only; non-scaling alerts are not delivered', async () => {
    await post([{ labels: down }, { labels: otherDown }, { labels: plain }]);
    await waitFor('down of pool other delivered', () => delivered('DemoWorkersIdle', 'other'), 5_000);
    const alerts = (await (await fetch(`${url}/api/v2/alerts`)).json()) as {
      labels: Record<string, string>;
      status: { inhibitedBy: string[] };
    }[];
    const state = (l: Record<string, string>) => alerts.find((a) => a.labels.alertname === l.alertname && a.labels.pool === l.pool)!.status;
    expect(state(down).inhibitedBy.length).toBe(1);
    expect(state(otherDown).inhibitedBy).toEqual([]);
    // Two more group_interval ticks: still nothing for the inhibited one or the plain one.
    await new Promise((r) => setTimeout(r, 2_500));
    expect(delivered('DemoWorkersIdle', 'demo')).toBe(false);
    expect(deliveries.some((d) => d.body.alerts.some((a) => a.labels.alertname === 'Watchdog'))).toBe(false);
  });

  it('when up resolves: a resolved notification, and the down of that pool is no longer inhibited', async () => {
    await post([{ labels: up, endsAt: new Date(Date.now() - 1_000).toISOString() }]);
    await waitFor('up resolved delivered', () => delivered('DemoQueueBacklog', 'demo', 'resolved'), 5_000);
    await waitFor('down of pool demo delivered', () => delivered('DemoWorkersIdle', 'demo'), 5_000);
    expect(deliveries.every((d) => d.authorization === `Bearer ${token}`)).toBe(true);
  });
});
