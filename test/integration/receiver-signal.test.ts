/**
 * Stopping the receiver as systemd, pm2 or a terminal does: a real process and a real signal. A
 * scale command running at SIGTERM finishes and is audited; the receiver then exits 0. A second
 * signal stops at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog, stateKeys } from '../../src/state/index.js';
import { freePort, waitFor } from '../helpers/ports.js';
import { notification } from '../helpers/receiver.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

const BIN = join(import.meta.dirname, '../../bin/alertscale.js');
let dir: string;
let redis: TestRedis;
let receiver: ChildProcess | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alertscale-receiver-signal-'));
  redis = await startRedis();
});

afterEach(() => {
  if (receiver && receiver.exitCode === null && receiver.signalCode === null) receiver.kill('SIGKILL');
  receiver = undefined;
});

afterAll(async () => {
  await redis?.close();
  rmSync(dir, { recursive: true, force: true });
});

const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : []);

/** `alertscale receiver` on a free port, its pool's command a 2 s sleep that notes its start and end. */
async function startReceiver(name: string) {
  const log = join(dir, `${name}.log`);
  const port = await freePort();
  // Nothing listens on this port: the receiver must not reach a stray Alertmanager on 9093.
  const noAlertmanager = await freePort();
  const script = `echo started >> ${log}; sleep 2; echo done >> ${log}`;
  const config = join(dir, `${name}.yml`);
  writeFileSync(
    config,
    `redis: { url: '${redis.url}', keyPrefix: '${name}:' }
alertmanager: { url: 'http://127.0.0.1:${noAlertmanager}' }
pools:
  demo:
    min: 1
    max: 5
    executor: { kind: command, scale: ["sh", "-c", ${JSON.stringify(script)}], timeout: 20s }
`,
  );
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [BIN, 'receiver', '--config', config, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  receiver = child;
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  await waitFor('receiver /healthz', async () => (await fetch(`${url}/healthz`)).ok, 30_000, 100);
  /** Post a step-up webhook and wait until its command has started. */
  const scaleUp = async () => {
    const res = await fetch(`${url}/v1/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(notification({ pool: 'demo', annotations: { step: '1' }, startsAt: new Date(Date.now() - 1000).toISOString() })),
    });
    const body = (await res.json()) as { decisions: { outcome: string; auditId: string }[] };
    expect(body.decisions[0]!.outcome).toBe('scaled');
    await waitFor('the scale command to start', () => lines(log).includes('started'), 20_000);
    return body.decisions[0]!.auditId;
  };
  const audit = createAuditLog(redis.client(), stateKeys(`${name}:`), 100);
  return { url, log, child, exited, scaleUp, audit, output: () => ({ stdout, stderr }) };
}

describe('alertscale receiver and signals', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s while a scale command runs: the command finishes, its audit entry is completed, exit 0',
    async (signal) => {
      const rx = await startReceiver(signal.toLowerCase());
      const auditId = await rx.scaleUp();
      const sentAt = Date.now();
      rx.child.kill(signal);
      // Stopped accepting: the listening socket is closed while the command still runs.
      await waitFor('the listener to close', async () => {
        try {
          await fetch(`${rx.url}/healthz`);
          return false;
        } catch {
          return true;
        }
      });
      expect(lines(rx.log)).toEqual(['started']);
      const exit = await rx.exited;
      expect(exit, JSON.stringify(rx.output())).toMatchObject({ code: 0, signal: null });
      expect(lines(rx.log)).toEqual(['started', 'done']);
      // It waited for the command (about 2 s from its start), not for a timeout.
      expect(exit.at - sentAt).toBeGreaterThan(500);
      expect(await rx.audit.get(auditId)).toMatchObject({ status: 'done', outcome: 'scaled', exitCode: 0 });
      const msgs = rx
        .output()
        .stdout.trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { msg: string }).msg);
      expect(msgs).toContain('receiver stopping; waiting for running scale commands');
      expect(msgs).toContain('scaled');
    },
  );

  it('a second SIGTERM stops at once (exit 1), saying what it abandons', async () => {
    const rx = await startReceiver('twice');
    const auditId = await rx.scaleUp();
    rx.child.kill('SIGTERM');
    await waitFor('the first signal to be seen', () => rx.output().stdout.includes('receiver stopping'));
    const secondAt = Date.now();
    rx.child.kill('SIGTERM');
    const exit = await rx.exited;
    expect(exit, JSON.stringify(rx.output())).toMatchObject({ code: 1, signal: null });
    expect(exit.at - secondAt).toBeLessThan(2_000);
    expect(lines(rx.log)).toEqual(['started']);
    const last = JSON.parse(rx.output().stdout.trim().split('\n').at(-1)!) as { msg: string; running?: number };
    expect(last).toMatchObject({ msg: 'second signal: stopping now; running scale commands are abandoned', running: 1 });
    expect(await rx.audit.get(auditId)).toMatchObject({ status: 'running' });
  });
});
