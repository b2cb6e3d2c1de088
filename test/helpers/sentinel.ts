import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { redisAnswers } from '../../src/state/redis.js';
import { realClockEnv } from './fixture-time.js';
import { freePort, waitFor } from './ports.js';

export const SENTINEL_MASTER_NAME = 'alertscale';

/**
 * Real Redis with Sentinel: a master and a replica (redis-server) watched by three redis-sentinel
 * processes (quorum 2), all on free loopback ports with private dirs. A master stops being one
 * after `downAfterMs` of silence; failover then takes a few seconds more.
 */
export interface TestSentinel {
  /** What alertscale.yml's `redis.sentinels` takes. */
  sentinels: { host: string; port: number }[];
  name: string;
  /** Both data nodes' ports, master first at start. */
  redisPorts: number[];
  /** The port the sentinels now name as master. */
  masterPort(): Promise<number>;
  /** A client on one data node (the caller quits it). */
  client(port: number): Redis;
  /** SENTINEL FAILOVER (no agreement needed) and wait until the other node is master and writable; returns its port. */
  failover(): Promise<number>;
  /** SIGKILL the master's process and wait until the sentinels have promoted the replica; returns the new master's port. */
  killMaster(): Promise<number>;
  /** Start a killed data node again (Sentinel makes it a replica of the current master). */
  restart(port: number): Promise<void>;
  stop(): Promise<void>;
}

export interface SentinelOptions {
  /** Sentinel's `down-after-milliseconds`; default 1000. */
  downAfterMs?: number;
}

export async function startSentinel(opts: SentinelOptions = {}): Promise<TestSentinel> {
  const root = mkdtempSync(join(tmpdir(), 'alertscale-sentinel-'));
  const downAfterMs = opts.downAfterMs ?? 1000;
  const children = new Map<number, ChildProcess>();
  const [masterPort, replicaPort, ...sentinelPorts] = await distinctPorts(5);

  const spawnNode = async (port: number, replicaOf?: number) => {
    const dir = join(root, `redis-${port}`);
    mkdirSync(dir, { recursive: true });
    // The binary itself, not a shell, so the pid held is Redis's (kill -9 hits Redis).
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      // A replica's first sync waits 5 s by default (for more replicas to join the same transfer).
      '--repl-diskless-sync-delay',
      '0',
      ...(replicaOf ? ['--replicaof', '127.0.0.1', String(replicaOf)] : []),
    ];
    children.set(port, spawn('redis-server', args, { stdio: 'ignore', env: realClockEnv() }));
    await waitFor(`redis-server on ${port}`, () => redisAnswers(port));
  };

  const spawnSentinel = async (port: number) => {
    const dir = join(root, `sentinel-${port}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'sentinel.conf'); // Sentinel rewrites its config: it must be a writable file of its own.
    writeFileSync(
      file,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        // Each sentinel is told its own id and the others', so they need not find each other by hello messages (2 s each).
        `sentinel myid ${sentinelId(port)}`,
        `sentinel monitor ${SENTINEL_MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
        `sentinel known-replica ${SENTINEL_MASTER_NAME} 127.0.0.1 ${replicaPort}`,
        ...sentinelPorts
          .filter((p) => p !== port)
          .map((p) => `sentinel known-sentinel ${SENTINEL_MASTER_NAME} 127.0.0.1 ${p} ${sentinelId(p)}`),
        `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} ${downAfterMs}`,
        `sentinel failover-timeout ${SENTINEL_MASTER_NAME} 5000`,
        `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`,
        '',
      ].join('\n'),
    );
    children.set(port, spawn('redis-sentinel', [file], { stdio: 'ignore', env: realClockEnv() }));
    await waitFor(`redis-sentinel on ${port}`, () => redisAnswers(port));
  };

  const ask = async <T>(port: number, ...args: string[]): Promise<T> => {
    const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    c.on('error', () => undefined);
    try {
      await c.connect();
      return (await c.call(...(args as [string, ...string[]]))) as T;
    } finally {
      c.disconnect();
    }
  };
  const sentinelMaster = async (port: number) =>
    Number((await ask<string[]>(port, 'SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER_NAME))[1]);
  const isWritableMaster = async (port: number) => (await ask<string>(port, 'INFO', 'replication')).includes('role:master');
  /** Every sentinel names `port` as master, and it says it is one. */
  const settledOn = async (port: number) => {
    for (const s of sentinelPorts) if ((await sentinelMaster(s)) !== port) return false;
    return isWritableMaster(port);
  };
  const other = async () => {
    const current = await sentinelMaster(sentinelPorts[0]!);
    return current === masterPort ? replicaPort! : masterPort!;
  };

  try {
    await spawnNode(masterPort!);
    await spawnNode(replicaPort!, masterPort);
    await waitFor('replica in sync', async () =>
      (await ask<string>(replicaPort!, 'INFO', 'replication')).includes('master_link_status:up'),
    );
    await Promise.all(sentinelPorts.map(spawnSentinel));
    // Ready when each sentinel sees the replica and the two other sentinels.
    await waitFor(
      'sentinels agree',
      async () => {
        for (const s of sentinelPorts) {
          const master = await ask<string[]>(s, 'SENTINEL', 'master', SENTINEL_MASTER_NAME);
          const field = (name: string) => master[master.indexOf(name) + 1];
          if (field('num-slaves') !== '1' || field('num-other-sentinels') !== '2') return false;
        }
        return true;
      },
      20_000,
      200,
    );
  } catch (err) {
    await stopAll(children);
    rmSync(root, { recursive: true, force: true });
    throw err;
  }

  return {
    sentinels: sentinelPorts.map((port) => ({ host: '127.0.0.1', port })),
    name: SENTINEL_MASTER_NAME,
    redisPorts: [masterPort!, replicaPort!],
    masterPort: () => sentinelMaster(sentinelPorts[0]!),
    client: (port) => new Redis({ port, host: '127.0.0.1' }),
    failover: async () => {
      const next = await other();
      await ask(sentinelPorts[0]!, 'SENTINEL', 'failover', SENTINEL_MASTER_NAME);
      await waitFor(`failover to ${next}`, () => settledOn(next), 20_000, 100);
      return next;
    },
    killMaster: async () => {
      const next = await other();
      const current = next === masterPort ? replicaPort! : masterPort!;
      await kill(children.get(current));
      await waitFor(`sentinels promote ${next}`, () => settledOn(next), 30_000, 100);
      return next;
    },
    restart: async (port) => {
      // Sentinel reconfigures it as a replica of the current master once it answers again.
      await spawnNode(port, await sentinelMaster(sentinelPorts[0]!));
    },
    stop: async () => {
      await stopAll(children);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

const sentinelId = (port: number) => port.toString(16).padStart(40, '0');

async function distinctPorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

async function stopAll(children: Map<number, ChildProcess>): Promise<void> {
  await Promise.all([...children.values()].map(kill));
  children.clear();
}
