/**
 * Issue 12 §3: two receivers on one Redis behind one Alertmanager HA pair, every peer sending to
 * both receivers (two webhook_configs each), the second peer not waiting for the first
 * (--cluster.peer-timeout=0s), so each notification reaches the receivers four times at once.
 * Alerts are posted to both peers as Prometheus does (every alert to every Alertmanager). Exactly
 * one command per firing; the other copies are duplicates (or pool_busy, which Alertmanager retries).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { demoAlertmanagerConfig, PRODUCTION_ALERTMANAGER_FILE } from '../../alertmanager/demo.js';
import { waitFor } from '../helpers/ports.js';
import { startTestReceiver, TOKEN, type TestReceiver } from '../helpers/receiver.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { fileLines } from '../helpers/receiver-process.js';
import { startAlertmanagerPair, startTap, stopPrograms, waitForCluster, type Delivery, type HaPeer } from './ha-helpers.js';

let dir: string;
let redis: TestRedis;
let receivers: TestReceiver[] = [];
let peers: HaPeer[] = [];
const taps: Awaited<ReturnType<typeof startTap>>[] = [];
const programs: Parameters<typeof stopPrograms>[0] = [];
const deliveries: Delivery[] = [];

/** A peer's config: the demo one, its `alertscale` receiver delivering to both receivers' taps. */
function peerConfig(hooks: string[], tokenFile: string): string {
  const config = demoAlertmanagerConfig(parse(readFileSync(PRODUCTION_ALERTMANAGER_FILE, 'utf8')), {
    webhookUrl: hooks[0]!,
    credentialsFile: tokenFile,
  }) as any;
  const receiver = config.receivers.find((r: any) => r.name === 'alertscale');
  receiver.webhook_configs = hooks.map((url) => ({ ...structuredClone(receiver.webhook_configs[0]), url }));
  return stringify(config);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alertscale-ha2-'));
  redis = await startRedis();
  const yaml = `redis: { url: REDIS_URL }
pools:
  ha:
    min: 1
    max: 20
    stepInterval: 10m
    cooldown: { up: 0s, down: 0s }
    executor: { kind: command, scale: ["sh", "-c", "echo \\"$1\\" >> ${dir}/runs", "{pool}", "{replicas}"] }
`;
  receivers = await Promise.all([startTestReceiver(yaml, redis.url), startTestReceiver(yaml, redis.url)]);
  const tokenFile = join(dir, 'webhook-token');
  writeFileSync(tokenFile, TOKEN);
  // One tap per (peer, receiver): every delivery known by who sent it to whom.
  for (const peer of ['am1', 'am2'])
    for (const [i, rx] of receivers.entries()) taps.push(await startTap(`${peer}→rx${i + 1}`, rx.url, deliveries));
  const hooks = (peer: number) => taps.slice(peer * 2, peer * 2 + 2).map((t) => `${t.url}/v1/alertmanager`);
  const pair = await startAlertmanagerPair(dir, [peerConfig(hooks(0), tokenFile), peerConfig(hooks(1), tokenFile)], { peerTimeout: '0s' });
  programs.push(...pair.programs);
  peers = pair.peers;
  await waitForCluster(peers);
}, 60_000);

afterAll(async () => {
  await stopPrograms(programs);
  await Promise.all(taps.map((t) => t.close()));
  await Promise.all(receivers.map((rx) => rx.close()));
  await redis?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

/** What Prometheus does with a firing alert: send it to every Alertmanager. */
async function fire(alertname: string): Promise<void> {
  const alert = {
    labels: { alertname, pool: 'ha', scale: 'up' },
    annotations: { step: '1' },
    startsAt: new Date().toISOString(),
    endsAt: new Date(Date.now() + 5 * 60_000).toISOString(),
  };
  for (const peer of peers) {
    const res = await fetch(`${peer.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([alert]),
    });
    expect(res.status, peer.name).toBe(200);
  }
}

/**
 * Wait until each peer's delivery of a new firing (fingerprint not in `old`) was answered 200 by each
 * receiver (Alertmanager retries a 503: pool_busy while the other receiver holds the pool); those answers.
 */
async function decidedEverywhere(old: Set<string>): Promise<Delivery[]> {
  const decided = () =>
    deliveries.filter((d) => d.answer === 200 && d.alerts.some((a) => a.status === 'firing' && !old.has(a.fingerprint)));
  await waitFor('a firing decided by both receivers from both peers', () => new Set(decided().map((d) => d.peer)).size === 4, 15_000, 50);
  await Promise.all(receivers.map((rx) => rx.receiver.idle()));
  return decided();
}

describe('two receivers behind an Alertmanager HA pair', () => {
  it('each firing reaches both receivers from both peers, and runs exactly one command', async () => {
    const seen = new Set<string>();
    for (const [i, alertname] of ['HaStepOne', 'HaStepTwo'].entries()) {
      await fire(alertname);
      const decided = await decidedEverywhere(seen);
      for (const d of decided) for (const a of d.alerts) seen.add(a.fingerprint);
      const said = JSON.stringify(decided.map((d) => [d.peer, d.decisions[0]]));
      expect(
        decided.filter((d) => d.decisions[0]!.outcome === 'scaled'),
        said,
      ).toHaveLength(1);
      for (const d of decided.filter((d) => d.decisions[0]!.outcome !== 'scaled'))
        expect(d.decisions[0], said).toMatchObject({ outcome: 'no_change', reason: expect.stringContaining('duplicate') });
      expect(fileLines(join(dir, 'runs'))).toEqual(['2', '3'].slice(0, i + 1));
    }
    expect(deliveries.map((d) => d.answer).filter((s) => s !== 200 && s !== 503)).toEqual([]);
    const perPeer = [...new Set(deliveries.map((d) => d.peer))].map((p) => `${deliveries.filter((d) => d.peer === p).length} ${p}`);
    console.log(
      `[ha-pair-receivers] ${deliveries.length} deliveries (${perPeer.join(', ')}), ${fileLines(join(dir, 'runs')).length} commands`,
    );
  }, 60_000);
});
