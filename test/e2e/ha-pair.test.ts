import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderDemoAlertmanager } from '../../alertmanager/demo.js';
import { renderDemoPrometheus } from '../../prometheus/demo.js';
import { freePort, waitFor } from '../helpers/ports.js';
import { startTestReceiver, TOKEN, type TestReceiver } from '../helpers/receiver.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import {
  startAlertmanagerPair,
  startGauge,
  startPrometheus,
  startTap,
  stopPrograms,
  waitForCluster,
  type Delivery,
  type HaPeer,
} from './ha-helpers.js';

// An Alertmanager HA pair for real: Prometheus sends to both peers, both deliver to the receiver.
// Duplicates (repeats, the other peer's copies, a stale `firing` after the `resolved`) must never
// scale twice for one firing of one alert (docs/ARCHITECTURE.md, "Duplicates and arrival order").
// Cooldowns are 0s and stepInterval is longer than the test, so the per-firing history is all that
// stands between a duplicate and a second step.
//
// Each peer delivers through a recording tap of its own (ha-helpers.ts), so every delivery is known
// by the peer that sent it and the decision the receiver answered. The stale `firing` after the
// `resolved` is also made to happen: the test sends one peer's recorded body again, through a tap of
// its own ('replay'), after the resolve; the peers' own late copies are checked when they come.

const RULES = `groups:
  - name: ha-pair
    rules:
      - alert: HaStep
        expr: ha_load > 0
        for: 1s
        labels: { pool: ha, scale: up }
        annotations: { step: "1" }
`;

/**
 * The other peer's stale firing comes after the resolved: 2–14 s in runs of this setup. Its bound is
 * that peer's wait (--cluster.peer-timeout, 15 s) plus one group_interval tick: the copy it sends
 * was taken before the resolve. Wait past it before firing again.
 */
const STALE_WINDOW_MS = 20_000;
/** Long enough for repeats (repeat_interval 5s) and the other peer's copies of the first firing. */
const FIRING_HOLD_MS = 15_000;

let dir: string;
let redis: TestRedis;
let rx: TestReceiver;
let gauge: Awaited<ReturnType<typeof startGauge>>;
const taps: Awaited<ReturnType<typeof startTap>>[] = [];
const programs: Parameters<typeof stopPrograms>[0] = [];
const deliveries: Delivery[] = [];
/** The test's own acts (load on/off), for the timeline printed at the end. */
const events: { at: number; what: string }[] = [];
const t0 = Date.now();
const setLoad = (value: number) => {
  gauge.set(value);
  events.push({ at: Date.now(), what: `ha_load = ${value}` });
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Each executed scale command left one line: "<unix ms> <replicas>". */
const runs = () =>
  existsSync(join(dir, 'runs'))
    ? readFileSync(join(dir, 'runs'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split(' '))
    : [];
const replicasRun = () => runs().map(([, replicas]) => replicas);
const auditLog = async () => {
  const res = await rx.get('/v1/audit?pool=ha&limit=1000');
  expect(res.status).toBe(200);
  return (res.body.entries as any[]).filter((e) => e.actor === 'alertmanager').reverse();
};
const firingsOf = (startsAt: string) => deliveries.filter((d) => d.alerts.some((a) => a.status === 'firing' && a.startsAt === startsAt));

// What the two firings turned out to be (set by the first and third tests).
let fingerprint = '';
let firstStartsAt = '';
let resolvedAt = 0;
let peers: HaPeer[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alertscale-ha-'));
  redis = await startRedis();
  rx = await startTestReceiver(
    `redis: { url: REDIS_URL }
pools:
  ha:
    min: 1
    max: 20
    stepInterval: 10m
    cooldown: { up: 0s, down: 0s }
    executor: { kind: command, scale: ["sh", "-c", "echo \\"$(date +%s%3N) $1\\" >> ${dir}/runs", "{pool}", "{replicas}"] }
`,
    redis.url,
  );
  const tokenFile = join(dir, 'webhook-token');
  writeFileSync(tokenFile, TOKEN);
  for (const peer of ['am1', 'am2', 'replay']) taps.push(await startTap(peer, rx.url, deliveries));
  const pair = await startAlertmanagerPair(
    dir,
    taps.slice(0, 2).map((tap) => renderDemoAlertmanager({ webhookUrl: `${tap.url}/v1/alertmanager`, credentialsFile: tokenFile })) as [
      string,
      string,
    ],
  );
  programs.push(...pair.programs);
  await waitForCluster(pair.peers);

  gauge = await startGauge('ha_load');
  const rulesFile = join(dir, 'ha-rules.yml');
  writeFileSync(rulesFile, RULES);
  const prometheusPort = await freePort();
  programs.push(
    await startPrometheus(
      dir,
      prometheusPort,
      renderDemoPrometheus({
        prometheus: `127.0.0.1:${prometheusPort}`,
        exporter: gauge.address,
        receiver: new URL(rx.url).host,
        alertmanagers: pair.peers.map((p) => p.address),
        ruleFiles: [rulesFile],
      }),
    ),
  );
  // Prometheus learns its Alertmanagers through service discovery (updates at most every 5 s):
  // until both are known, the pair is not an HA pair yet.
  await waitFor(
    'Prometheus to send to both Alertmanagers',
    async () => {
      const res = (await (await fetch(`http://127.0.0.1:${prometheusPort}/api/v1/alertmanagers`)).json()) as any;
      return res.data.activeAlertmanagers.length === 2;
    },
    20_000,
    200,
  );
  peers = pair.peers;
  events.push({ at: Date.now(), what: 'stack ready (cluster settled, Prometheus sends to both peers)' });
}, 60_000);

afterAll(async () => {
  printTimeline();
  await stopPrograms(programs);
  await Promise.all(taps.map((t) => t.close()));
  await gauge?.close();
  await rx?.close();
  await redis?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

describe('Alertmanager HA pair → receiver', () => {
  it('the first firing steps once, however many copies both peers deliver', async () => {
    setLoad(1);
    await waitFor('a firing webhook from either peer', () => deliveries.some((d) => d.status === 'firing'), 30_000, 100);
    await sleep(FIRING_HOLD_MS);
    await rx.receiver.idle();

    const first = deliveries.find((d) => d.status === 'firing')!;
    expect(first.alerts).toHaveLength(1);
    fingerprint = first.alerts[0]!.fingerprint;
    firstStartsAt = first.alerts[0]!.startsAt;
    expect(replicasRun()).toEqual(['2']);
    // Both peers hold the alert (Prometheus sent it to each): either could deliver it.
    for (const peer of peers) {
      const alerts = (await (await fetch(`${peer.url}/api/v2/alerts?filter=alertname%3D%22HaStep%22`)).json()) as any[];
      expect(
        alerts.map((a) => ({ fingerprint: a.fingerprint, state: a.status.state })),
        peer.name,
      ).toEqual([{ fingerprint, state: 'active' }]);
    }

    // Repeats every 5s (and any copy from the other peer) did arrive, and were answered.
    const copies = firingsOf(firstStartsAt);
    expect(copies.length).toBeGreaterThanOrEqual(2);
    expect(copies.map((d) => d.answer).filter((s) => s !== 200 && s !== 503)).toEqual([]);
    const decided = copies.filter((d) => d.answer === 200).map((d) => d.decisions[0]!);
    expect(decided.filter((d) => d.outcome === 'scaled')).toHaveLength(1);
    for (const d of decided.filter((d) => d.outcome !== 'scaled')) {
      expect(d).toMatchObject({ outcome: 'no_change', reason: expect.stringContaining('duplicate') });
    }

    // The audit log says the same: one scaled entry that ran, the rest duplicates of the same alert.
    const entries = (await auditLog()).filter((e) => e.alerts.some((a: any) => a.startsAt === firstStartsAt));
    for (const d of decided) expect(entries.map((e) => e.id)).toContain(d.auditId);
    const scaled = entries.filter((e) => e.outcome === 'scaled');
    expect(scaled).toHaveLength(1);
    expect(scaled[0]).toMatchObject({
      from: 1,
      to: 2,
      status: 'done',
      exitCode: 0,
      alerts: [{ fingerprint, status: 'firing', startsAt: firstStartsAt }],
    });
    for (const e of entries.filter((e) => e.outcome !== 'scaled')) {
      expect(e).toMatchObject({
        outcome: 'no_change',
        from: 2,
        to: 2,
        reason: expect.stringContaining('duplicate'),
        alerts: [{ fingerprint, status: 'firing' }],
      });
    }
  }, 60_000);

  it('after the resolve nothing runs, not even for a stale firing from the other peer', async () => {
    const before = deliveries.length;
    setLoad(0);
    await waitFor('a resolved webhook', () => deliveries.slice(before).some((d) => d.status === 'resolved'), 20_000, 100);
    resolvedAt = deliveries.slice(before).find((d) => d.status === 'resolved')!.at;
    await rx.receiver.idle();

    // The stale firing, for certain: a peer's real firing body of the first firing, sent again now.
    const recorded = firingsOf(firstStartsAt).find((d) => d.peer !== 'replay')!;
    const replay = taps[2]!;
    const res = await fetch(`${replay.url}/v1/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: recorded.request.authorization },
      body: recorded.request.body,
    });
    expect(res.status).toBe(200);
    const replayed = deliveries.filter((d) => d.peer === 'replay').at(-1)!;
    expect(replayed.alerts).toEqual([{ status: 'firing', fingerprint, startsAt: firstStartsAt }]);
    expect(replayed.decisions[0]).toMatchObject({ outcome: 'no_change', reason: expect.stringContaining('stale') });

    await sleep(resolvedAt + STALE_WINDOW_MS - Date.now());
    await rx.receiver.idle();

    expect(replicasRun()).toEqual(['2']);
    const after = (await auditLog()).filter((e) => Date.parse(e.time) >= resolvedAt);
    expect(after.find((e) => e.id === replayed.decisions[0]!.auditId)).toMatchObject({
      outcome: 'no_change',
      reason: expect.stringContaining('stale'),
    });
    expect(after.filter((e) => e.outcome === 'scaled' || e.outcome === 'failed')).toEqual([]);
    const stale = firingsOf(firstStartsAt).filter((d) => d.at > resolvedAt);
    expect(stale).toContain(replayed);
    for (const d of stale.filter((d) => d.answer === 200)) {
      // A peer's copy arriving within a second of the resolved may have taken the pool's lock before
      // it (a duplicate then); later ones find the firing resolved.
      const said = d.at > resolvedAt + 1_000 ? expect.stringContaining('stale') : expect.stringMatching(/stale|duplicate/);
      expect(d.decisions[0]).toMatchObject({ outcome: 'no_change', reason: said });
      expect(after.find((e) => e.id === d.decisions[0]!.auditId)).toMatchObject({ outcome: 'no_change', reason: said });
    }
    const lateBy = stale.map((d) => `${d.peer} +${((d.at - resolvedAt) / 1000).toFixed(1)}s`);
    console.log(`[ha-pair] stale firings after the resolved: ${lateBy.join(', ')}`);
  }, 60_000);

  it('a new firing of the same alert (new startsAt) steps exactly once more', async () => {
    const before = deliveries.length;
    setLoad(1);
    const isNew = (d: Delivery) => d.alerts.some((a) => a.status === 'firing' && a.startsAt !== firstStartsAt);
    await waitFor('a firing webhook of a new firing', () => deliveries.slice(before).some(isNew), 30_000, 100);
    const next = deliveries.slice(before).find(isNew)!.alerts[0]!;
    expect(next.fingerprint).toBe(fingerprint);
    expect(Date.parse(next.startsAt)).toBeGreaterThan(Date.parse(firstStartsAt));
    // At least one repeat of the new firing (repeat_interval 5s) must also be held back.
    await waitFor('a repeat of the new firing', () => firingsOf(next.startsAt).length >= 2, 15_000, 100);
    await rx.receiver.idle();

    expect(replicasRun()).toEqual(['2', '3']);
    const entries = (await auditLog()).filter((e) => e.alerts.some((a: any) => a.startsAt === next.startsAt && a.status === 'firing'));
    expect(entries.filter((e) => e.outcome === 'scaled')).toEqual([expect.objectContaining({ from: 2, to: 3, exitCode: 0 })]);
    for (const e of entries.filter((e) => e.outcome !== 'scaled')) {
      expect(e).toMatchObject({ outcome: 'no_change', reason: expect.stringContaining('duplicate') });
    }
  }, 60_000);

  it('every delivery was counted and audited with its fingerprint; deliveries outnumber commands', async () => {
    await rx.receiver.idle();
    const seen = [...deliveries];
    const metrics = await rx.get('/metrics');
    const total = String(metrics.body)
      .split('\n')
      .filter((l) => l.startsWith('alertscale_webhook_requests_total{'))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(total).toBeGreaterThanOrEqual(seen.length);
    expect(total).toBeGreaterThan(runs().length);

    const entries = await auditLog();
    for (const e of entries) {
      expect(e.alerts.length).toBeGreaterThan(0);
      for (const a of e.alerts) expect(a.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(new Set(entries.flatMap((e) => e.alerts.map((a: any) => a.fingerprint)))).toEqual(new Set([fingerprint]));
    const byId = new Map(entries.map((e) => [e.id, e]));
    for (const d of seen.filter((d) => d.answer === 200)) {
      expect(byId.get(d.decisions[0]!.auditId)?.outcome, `audit entry of ${d.peer}'s delivery at ${d.at}`).toBeDefined();
    }
    expect(entries.filter((e) => e.outcome === 'scaled').map((e) => e.to)).toEqual([2, 3]);
    // It was an HA pair: each peer delivered (while firing one peer sends; the other's copies come
    // after a resolve, its notification log having not yet seen the first peer's send).
    for (const peer of peers)
      expect(seen.filter((d) => d.peer === peer.name).length, `deliveries from ${peer.name}`).toBeGreaterThanOrEqual(1);
    const perPeer = peers.map((p) => `${seen.filter((d) => d.peer === p.name).length} from ${p.name}`);
    console.log(`[ha-pair] ${total} webhook deliveries (${perPeer.join(', ')}, 1 replayed), ${runs().length} commands`);
  });
});

/** The deliveries, for the log of a run (and of a failing one). */
function printTimeline() {
  const label = (startsAt: string) => (!firstStartsAt ? startsAt : startsAt === firstStartsAt ? 'firing#1' : 'firing#2');
  const when = (at: number) => `+${((at - t0) / 1000).toFixed(1).padStart(5)}s`;
  const lines = [
    ...events.map((e) => ({ at: e.at, line: `${when(e.at)} test ${e.what}` })),
    ...deliveries.map((d) => {
      const alert = d.alerts[0];
      const decision = d.decisions[0];
      const said = decision ? `${decision.outcome}: ${decision.reason.slice(0, 90)}` : '';
      return {
        at: d.at,
        line: `${when(d.at)} ${d.peer}  ${(alert?.status ?? '?').padEnd(8)} ${alert ? label(alert.startsAt) : ''} → ${d.answer} ${said}`,
      };
    }),
  ].sort((a, b) => a.at - b.at);
  console.log(`[ha-pair] timeline (since the file started):\n${lines.map((l) => l.line).join('\n')}`);
}
