import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { createSupervisor, httpReady, type Supervisor } from '../../src/cli/stack/supervisor.js';
import { DEMO_PROMETHEUS_FLAGS } from '../../prometheus/demo.js';
import { freePort, waitFor } from '../helpers/ports.js';

/** A clustered Alertmanager takes ~10 s to leave on SIGTERM (measured); a test does not wait for that. */
const ALERTMANAGER_GRACE_MS = 2_000;

const loop = (port: number) => `127.0.0.1:${port}`;

/** One program of the HA stack, under a supervisor of its own so they all stop in parallel. */
interface Program {
  name: string;
  supervisor: Supervisor;
}

export interface HaPeer {
  name: string;
  /** http://127.0.0.1:PORT */
  url: string;
  /** host:port, for Prometheus' alerting targets. */
  address: string;
  clusterAddress: string;
}

/**
 * Two Alertmanagers gossiping with each other on loopback (each `--cluster.peer` the other),
 * each with its own config (so a test can give each its own webhook URL) and storage dir.
 * `peerTimeout` is how long the second peer waits for the first's send before it sends too
 * (Alertmanager's 15 s by default; 0s: both send every notification).
 */
export async function startAlertmanagerPair(
  dir: string,
  configs: [string, string],
  opts: { peerTimeout?: string } = {},
): Promise<{ peers: HaPeer[]; programs: Program[] }> {
  const web = [await freePort(), await freePort()];
  const cluster = [await freePort(), await freePort()];
  const peers: HaPeer[] = [0, 1].map((i) => ({
    name: `am${i + 1}`,
    url: `http://${loop(web[i]!)}`,
    address: loop(web[i]!),
    clusterAddress: loop(cluster[i]!),
  }));
  const programs: Program[] = peers.map((peer) => ({ name: peer.name, supervisor: createSupervisor(join(dir, 'logs')) }));
  const started = await Promise.allSettled(
    peers.map(async (peer, i) => {
      const file = join(dir, `${peer.name}.yml`);
      writeFileSync(file, configs[i]!);
      await programs[i]!.supervisor.start({
        name: peer.name,
        argv: [
          '/usr/bin/prometheus-alertmanager',
          `--config.file=${file}`,
          `--storage.path=${join(dir, peer.name)}`,
          `--web.listen-address=${peer.address}`,
          `--web.external-url=${peer.url}`,
          `--cluster.listen-address=${peer.clusterAddress}`,
          `--cluster.peer=${peers[1 - i]!.clusterAddress}`,
          // 200 ms by default: gossip (and so the notification log the peers dedup on) settles in ~10 s; 50 ms in ~2.6 s.
          '--cluster.gossip-interval=50ms',
          ...(opts.peerTimeout ? [`--cluster.peer-timeout=${opts.peerTimeout}`] : []),
        ],
        ready: httpReady(`${peer.url}/-/ready`),
        stopGraceMs: ALERTMANAGER_GRACE_MS,
      });
    }),
  );
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stopPrograms(programs); // the peer that did start must not outlive the test
    throw failed.reason;
  }
  return { peers, programs };
}

/** Both peers report a settled cluster of two members. */
export async function waitForCluster(peers: HaPeer[], timeoutMs = 20_000): Promise<void> {
  await waitFor(
    'the Alertmanager pair to form a settled cluster of 2',
    async () => {
      for (const peer of peers) {
        const status = (await (await fetch(`${peer.url}/api/v2/status`)).json()) as { cluster?: { status?: string; peers?: unknown[] } };
        if (status.cluster?.status !== 'ready' || status.cluster.peers?.length !== peers.length) return false;
      }
      return true;
    },
    timeoutMs,
    200,
  );
}

/** Prometheus with the given config text (rendered by renderDemoPrometheus) and the demo flags. */
export async function startPrometheus(dir: string, port: number, configText: string): Promise<Program> {
  const file = join(dir, 'prometheus.yml');
  writeFileSync(file, configText);
  const supervisor = createSupervisor(join(dir, 'logs'));
  const started = supervisor.start({
    name: 'prometheus',
    argv: [
      'prometheus',
      `--config.file=${file}`,
      `--storage.tsdb.path=${join(dir, 'prometheus')}`,
      `--web.listen-address=${loop(port)}`,
      `--web.external-url=http://${loop(port)}`,
      ...DEMO_PROMETHEUS_FLAGS,
    ],
    ready: httpReady(`http://${loop(port)}/-/ready`),
  });
  try {
    await started;
  } catch (err) {
    await supervisor.stopAll(); // it may be running, just not ready in time
    throw err;
  }
  return { name: 'prometheus', supervisor };
}

/** SIGTERM each program at once, SIGKILL after its grace. */
export async function stopPrograms(programs: Program[]): Promise<void> {
  await Promise.all(programs.map((p) => p.supervisor.stopAll()));
}

/** A /metrics endpoint serving one gauge the test sets: the "load" Prometheus sees. */
export async function startGauge(name: string): Promise<{ address: string; set(value: number): void; close(): Promise<void> }> {
  let value = 0;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`# HELP ${name} Load the test sets.\n# TYPE ${name} gauge\n${name} ${value}\n`);
  });
  const port = await listen(server);
  return { address: loop(port), set: (v) => (value = v), close: () => close(server) };
}

/** What one peer delivered, and what the receiver answered. */
export interface Delivery {
  peer: string;
  /** ms since the epoch, when the request reached the tap. */
  at: number;
  /** Webhook status: firing or resolved. */
  status: string;
  alerts: { status: string; fingerprint: string; startsAt: string }[];
  /** HTTP status the receiver answered (502 if it could not be reached). */
  answer: number;
  /** The receiver's decisions ({ auditId, outcome, reason, … }), when it answered 200. */
  decisions: { auditId: string; outcome: string; reason: string }[];
  /** The request as sent (body text, bearer header), so a test can send a real copy again. */
  request: { body: string; authorization: string };
}

/**
 * A recording pass-through in front of the receiver, one per peer, so each delivery is known by the
 * peer that sent it. It forwards the body and bearer header as is and returns the receiver's answer.
 */
export async function startTap(peer: string, target: string, deliveries: Delivery[]): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const at = Date.now();
    const body = await readBody(req);
    let answer = 502;
    let text = '';
    try {
      const forwarded = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json', authorization: req.headers.authorization ?? '' },
        body,
      });
      answer = forwarded.status;
      text = await forwarded.text();
    } catch (err) {
      text = JSON.stringify({ error: { code: 'tap', message: (err as Error).message } });
    }
    const payload = safeJson(body);
    const result = safeJson(text);
    deliveries.push({
      peer,
      at,
      status: payload?.status ?? '?',
      alerts: (payload?.alerts ?? []).map((a: any) => ({ status: a.status, fingerprint: a.fingerprint, startsAt: a.startsAt })),
      answer,
      decisions: answer === 200 ? (result?.decisions ?? []) : [],
      request: { body, authorization: req.headers.authorization ?? '' },
    });
    res.writeHead(answer, { 'content-type': 'application/json' });
    res.end(text);
  });
  // Alertmanager pools connections; Node's 5 s keep-alive would race them into resets and extra retries.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  const port = await listen(server);
  return { url: `http://${loop(port)}`, close: () => close(server) };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
