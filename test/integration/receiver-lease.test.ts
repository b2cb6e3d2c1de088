/**
 * Issue 12 §1, with real processes, a real SIGKILL and real lease expiry (no fake clock): a pool
 * lock is a short lease, renewed while its command runs. A receiver killed mid-command leaves its
 * pool free again within seconds; the next action completes the interrupted entry as
 * `interrupted` with the live count, and decides from that count.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog, stateKeys } from '../../src/state/index.js';
import { waitFor } from '../helpers/ports.js';
import { fileLines as lines, killProcess, postStepUp, startReceiverProcess, type ReceiverProcess } from '../helpers/receiver-process.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

const LEASE_MS = 2_000;
let dir: string;
let redis: TestRedis;
const started: ReceiverProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alertscale-lease-'));
  redis = await startRedis();
});

afterEach(async () => {
  await Promise.all(started.splice(0).map(killProcess));
});

afterAll(async () => {
  await redis?.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A config whose pool's command sets the live count at once (as a real scaler does), notes its
 * start, runs `seconds`, notes its end; `current` reads the live count back.
 */
function writeConfig(name: string, seconds: number) {
  const base = join(dir, name);
  writeFileSync(`${base}.count`, '1\n');
  const script = `echo "$0" > ${base}.count; echo "start $0" >> ${base}.log; sleep ${seconds}; echo "end $0" >> ${base}.log`;
  writeFileSync(
    `${base}.yml`,
    `redis: { url: '${redis.url}', keyPrefix: '${name}:' }
receiver: { lease: ${LEASE_MS / 1000}s }
alertmanager: { url: 'http://127.0.0.1:1' }
pools:
  demo:
    min: 1
    max: 10
    cooldown: { up: 0s, down: 0s }
    executor:
      kind: command
      scale: ["sh", "-c", ${JSON.stringify(script)}, "{replicas}"]
      current: ["cat", "${base}.count"]
      timeout: 20s
`,
  );
  return { config: `${base}.yml`, log: `${base}.log`, audit: createAuditLog(redis.client(), stateKeys(`${name}:`), 100) };
}

async function startReceiver(config: string) {
  const rx = await startReceiverProcess(config);
  started.push(rx);
  return rx;
}

const stepUp = (url: string) => postStepUp(url, 'demo');

describe('pool leases', () => {
  it('kill -9 mid-command: the pool is free again within seconds, the entry is completed `interrupted` with the live count', async () => {
    const { config, log, audit } = writeConfig('killed', 4);
    const first = await startReceiver(config);
    const a = await stepUp(first.url);
    expect(a.body.decisions[0]).toMatchObject({ outcome: 'scaled', from: 1, to: 2 });
    await waitFor('the command to start', () => lines(log).includes('start 2'));
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    const second = await startReceiver(config);

    // Retry as Alertmanager would (503 is retried) until the pool is taken again.
    let b: { status: number; body: any };
    for (;;) {
      b = await stepUp(second.url);
      if (b.status !== 503) break;
      expect(b.body.error.code, JSON.stringify(b.body)).toBe('pool_busy');
      await new Promise((r) => setTimeout(r, 100));
    }
    const freeAfterMs = Date.now() - killedAt;
    expect(b.status, JSON.stringify(b.body)).toBe(200);
    expect(freeAfterMs).toBeLessThanOrEqual(10_000);
    // The new decision started from the live count the interrupted command left (2), not from 1.
    expect(b.body.decisions[0]).toMatchObject({ outcome: 'scaled', from: 2, to: 3 });

    const interrupted = await audit.get(a.body.decisions[0].auditId);
    expect(interrupted).toMatchObject({ status: 'done', outcome: 'interrupted', error: expect.stringContaining('live count 2') });
    await waitFor('the new command to end', () => lines(log).includes('end 3'), 20_000);
    await waitFor('its entry to be completed', async () => (await audit.get(b.body.decisions[0].auditId))?.status === 'done');
    const page = await audit.query({ limit: 100 });
    expect(page.entries.filter((e) => e.status === 'running')).toEqual([]);
    // One command per decision: the interrupted one was never run again.
    expect(lines(log).filter((l) => l.startsWith('start'))).toEqual(['start 2', 'start 3']);
  });

  it('a command longer than the lease keeps its pool from another receiver (renewed), and gives it up when it ends', async () => {
    const { config, log, audit } = writeConfig('renewed', 2 * (LEASE_MS / 1000) + 1);
    // Two processes: only the Redis lease stands between the other one and the pool.
    const [rx, other] = await Promise.all([startReceiver(config), startReceiver(config)]);
    const a = await stepUp(rx.url);
    expect(a.body.decisions[0].outcome).toBe('scaled');
    await waitFor('the command to start', () => lines(log).includes('start 2'));
    // Past the lease's length the command still runs, and its pool is still held.
    await new Promise((r) => setTimeout(r, LEASE_MS + 500));
    const busy = await stepUp(other.url);
    expect(lines(log)).toEqual(['start 2']);
    expect(busy.status, JSON.stringify(busy.body)).toBe(503);
    expect(busy.body.error.code).toBe('pool_busy');
    await waitFor('the command to end', () => lines(log).includes('end 2'), 10_000);
    await waitFor('its entry to be completed', async () => (await audit.get(a.body.decisions[0].auditId))?.status === 'done');
    // Released at its end, not left to expire: the other receiver takes the pool at once.
    const next = await stepUp(other.url);
    expect(next.body.decisions[0]).toMatchObject({ outcome: 'scaled', from: 2, to: 3 });
  });

  it('renewal that fails (Redis not answering) stops nothing that runs, and is logged and audited', async () => {
    const { config, log, audit } = writeConfig('unrenewed', 3);
    const rx = await startReceiver(config);
    const a = await stepUp(rx.url);
    expect(a.body.decisions?.[0]?.outcome, JSON.stringify(a.body)).toBe('scaled');
    await waitFor('the command to start', () => lines(log).includes('start 2'));
    // Writes wait for 2.5 s: a renewal in that window times out (commands time out after 2 s).
    const admin = redis.client();
    await admin.call('CLIENT', 'PAUSE', '2500', 'WRITE');
    admin.disconnect();
    await waitFor('the command to end', () => lines(log).includes('end 2'), 10_000);
    await waitFor('its entry to be completed', async () => (await audit.get(a.body.decisions[0].auditId))?.status === 'done', 10_000);
    expect(await audit.get(a.body.decisions[0].auditId)).toMatchObject({
      outcome: 'scaled',
      exitCode: 0,
      leaseLost: expect.stringMatching(/renew/),
    });
    expect(rx.output()).toMatch(/"pool":"demo".*lease/);
  });
});
