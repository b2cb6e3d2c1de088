import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { parseConfig, type Config } from '../../src/config/index.js';
import { createExecutor } from '../../src/executors/index.js';
import type { InstanceRemover } from '../../src/executors/removers.js';
import { createReceiver, type Receiver } from '../../src/receiver/app.js';
import { startReceiverServer, type ReceiverServer } from '../../src/receiver/server.js';
import { createSilencesClient } from '../../src/silences/index.js';
import { createRedis } from '../../src/state/index.js';
import { startAlertmanager, type AlertmanagerOptions, type TestAlertmanager } from './alertmanager.js';
import { shiftedToNow } from './fixture-time.js';
import { late } from './late.js';
import { startRedis, type TestRedis } from './redis.js';

export const TOKEN = 'test-token-4f1b';

/**
 * The real Alertmanager 0.25 body as captured (test/fixtures/alertmanager-0.25-firing.json), its
 * alert moved to have started a minute ago.
 */
export function capturedFiring(): any {
  return shiftedToNow(JSON.parse(readFileSync(new URL('../fixtures/alertmanager-0.25-firing.json', import.meta.url), 'utf8')));
}

/** The captured body, one alert, with labels/annotations/fields changed as a test needs. */
export function notification(
  change: {
    pool?: string;
    scale?: string;
    alertname?: string;
    annotations?: Record<string, string>;
    status?: 'firing' | 'resolved';
    fingerprint?: string;
    startsAt?: string;
  } = {},
): any {
  const body = capturedFiring();
  const alert = body.alerts[0];
  if (change.pool !== undefined) alert.labels.pool = change.pool;
  if (change.scale !== undefined) alert.labels.scale = change.scale;
  if (change.alertname !== undefined) alert.labels.alertname = change.alertname;
  if (change.annotations !== undefined) alert.annotations = change.annotations;
  if (change.fingerprint !== undefined) alert.fingerprint = change.fingerprint;
  if (change.startsAt !== undefined) alert.startsAt = change.startsAt;
  if (change.status !== undefined) {
    alert.status = change.status;
    body.status = change.status;
    if (change.status === 'resolved') alert.endsAt = new Date().toISOString();
  }
  body.commonLabels = { ...alert.labels };
  body.groupLabels = { pool: alert.labels.pool, scale: alert.labels.scale };
  return body;
}

export interface TestReceiver {
  url: string;
  config: Config;
  receiver: Receiver;
  post(path: string, body: unknown, opts?: { token?: string | null; raw?: string }): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
  delete(path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export interface TestReceiverOptions {
  /**
   * Alertmanager for pause/resume and `paused` (e.g. startAlertmanager().url). Without it the
   * receiver has no Alertmanager at all, so a stray one on 127.0.0.1:9093 cannot pause a test's pools.
   */
  alertmanagerUrl?: string;
  /** Where the receiver logs (default: nowhere). */
  logger?: Logger;
  /** The pools' removers, from the parsed config (default: the receiver's own, executors/removers.ts). */
  removers?: (config: Config) => ReadonlyMap<string, InstanceRemover>;
}

/** A real receiver (HTTP server, real executors) on a real Redis, configured from YAML text. */
export async function startTestReceiver(yamlText: string, redisUrl: string, opts: TestReceiverOptions = {}): Promise<TestReceiver> {
  const config = parseConfig(yamlText.replaceAll('REDIS_URL', redisUrl), 'test-alertscale.yml');
  if (opts.alertmanagerUrl) config.alertmanager.url = opts.alertmanagerUrl;
  const redis = createRedis(config.redis, 'test-receiver');
  redis.on('error', () => undefined);
  await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));
  const executors = new Map(Object.entries(config.pools).map(([pool, p]) => [pool, createExecutor(pool, p.executor)]));
  const silences = opts.alertmanagerUrl ? createSilencesClient({ url: opts.alertmanagerUrl }) : null;
  const receiver = createReceiver({
    config,
    redis,
    executors,
    removers: opts.removers?.(config),
    logger: opts.logger ?? pino({ level: 'silent' }),
    token: TOKEN,
    silences,
  });
  const server: ReceiverServer = await startReceiverServer(receiver, '127.0.0.1:0');
  const call = async (method: string, path: string, body?: unknown, opts: { token?: string | null; raw?: string } = {}) => {
    const token = opts.token === undefined ? TOKEN : opts.token;
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* /metrics is text */
    }
    return { status: res.status, body: parsed as any };
  };
  return {
    url: server.url,
    config,
    receiver,
    post: (path, body, opts) => call('POST', path, body, opts),
    get: (path) => call('GET', path),
    delete: (path, body) => call('DELETE', path, body),
    close: async () => {
      await server.close();
      redis.disconnect();
    },
  };
}

/** What `useTestReceiver` gives a test file: its daemons, usable inside tests and hooks. */
export interface ReceiverHarness {
  /** A temp dir of the file's own, made at once (a config may name it), removed after the file. */
  dir: string;
  redis: TestRedis;
  rx: TestReceiver;
  /** Only with the `alertmanager` option. */
  am: TestAlertmanager;
  /** The lines a `command` executor appended to `file` in `dir` (none when nothing ran). */
  lines(file: string): string[];
}

export interface ReceiverHarnessOptions {
  /** Start a real Alertmanager beside Redis (with these options) and give it to the receiver. */
  alertmanager?: AlertmanagerOptions;
  /** Runs in `beforeAll` before the receiver starts (e.g. start the app a pm2 pool scales). */
  prepare?: (dir: string) => Promise<void>;
  /** Runs in `afterAll` once the receiver and Redis are stopped, before `dir` goes. */
  cleanup?: (dir: string) => Promise<void>;
}

/**
 * The harness of a receiver integration test file: a temp dir, a real Redis (and Alertmanager if
 * asked), and a real receiver configured from `yaml(dir)` (REDIS_URL replaced), started in
 * `beforeAll` and stopped, with the dir removed, in `afterAll`.
 */
export function useTestReceiver(name: string, yaml: (dir: string) => string, opts: ReceiverHarnessOptions = {}): ReceiverHarness {
  const dir = mkdtempSync(join(tmpdir(), `alertscale-${name}-`));
  let redis: TestRedis | undefined;
  let am: TestAlertmanager | undefined;
  let rx: TestReceiver | undefined;
  beforeAll(async () => {
    await opts.prepare?.(dir);
    [redis, am] = await Promise.all([startRedis(), opts.alertmanager ? startAlertmanager(opts.alertmanager) : undefined]);
    rx = await startTestReceiver(yaml(dir), redis.url, am ? { alertmanagerUrl: am.url } : {});
  });
  afterAll(async () => {
    await rx?.close();
    await Promise.all([redis?.close(), am?.stop()]);
    await opts.cleanup?.(dir);
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir,
    redis: late('redis-server', () => redis),
    rx: late('the receiver', () => rx),
    am: late('Alertmanager', () => am),
    lines: (file) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8').trim().split('\n') : []),
  };
}
