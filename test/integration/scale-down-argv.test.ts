/**
 * Idle-first scale-down through the receiver for the executors whose daemon does not run here
 * (systemd, Kubernetes, compose): the argv is the contract. `systemctl`, `kubectl` and `docker` are
 * one recording stub on the pools' PATH that logs every argv it is run with and answers the count
 * probes with 4. The workers speak the heartbeat protocol (docs/HEARTBEATS.md) straight to a real
 * redis-server: 2 idle, 2 busy, the busy ones on the instances the executor itself would remove
 * (systemd: the highest `unit@N`). A shrink 4 → 2 must remove exactly the idle workers' instances.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/index.js';
import { createRemover, type InstanceRemover } from '../../src/executors/removers.js';
import { heartbeatKey } from '../../src/workers/drain.js';
import { createWorkersReader } from '../../src/workers/read.js';
import { scaleDownWithVictims } from '../../src/workers/scale-down.js';
import { startTestReceiver, type TestReceiver } from '../helpers/receiver.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

const STUB = `#!/bin/sh
# Log this argv (program name, then each argument, tab-separated), then answer the probes.
{ printf '%s' "$(basename "$0")"; for a in "$@"; do printf '\\t%s' "$a"; done; printf '\\n'; } >> "$STUB_LOG"
case " $* " in
  *" list-units "*) for n in 1 2 3 4; do echo "worker@$n.service loaded active running worker $n"; done ;;
  *" get deployment "*) echo 4 ;;
  *" ps -q "*) printf 'c-a\\nc-b\\nc-c\\nc-d\\n' ;;
esac
`;

/** Per pool: the four workers' heartbeat places (pid or host) and which two are busy. */
const POOLS = {
  // systemd: pid → worker@N.service by /proc/<pid>/cgroup; units 3 and 4 (what `systemctl stop` of the highest would take) are busy.
  sd: { executor: '{ kind: systemd, unit: worker }', places: [4101, 4102, 4103, 4104].map((pid) => ({ pid })), busy: [2, 3] },
  sdplain: {
    executor: '{ kind: systemd, unit: worker }',
    victims: 'executor',
    places: [4101, 4102, 4103, 4104].map((pid) => ({ pid })),
    busy: [2, 3],
  },
  k8s: {
    executor: '{ kind: kubernetes, deployment: jobs, namespace: work }',
    places: ['pod-a', 'pod-b', 'pod-c', 'pod-d'].map((host) => ({ host })),
    busy: [0, 2],
  },
  cmp: { executor: '{ kind: compose, service: jobs }', places: ['c-a', 'c-b', 'c-c', 'c-d'].map((host) => ({ host })), busy: [1, 3] },
} as const;
type PoolName = keyof typeof POOLS;

let dir: string;
let redis: TestRedis;
let client: Redis;
let receiver: TestReceiver;
const log = (pool: PoolName) => join(dir, `${pool}.log`);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alertscale-scale-down-argv-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const name of ['systemctl', 'kubectl', 'docker']) {
    writeFileSync(join(bin, name), STUB);
    chmodSync(join(bin, name), 0o755);
  }
  // The /proc the systemd remover reads: each worker's cgroup as systemd places an instance.
  const proc = join(dir, 'proc');
  POOLS.sd.places.forEach(({ pid }, i) => {
    mkdirSync(join(proc, String(pid)), { recursive: true });
    writeFileSync(join(proc, String(pid), 'cgroup'), `0::/system.slice/system-worker.slice/worker@${i + 1}.service\n`);
  });
  redis = await startRedis();
  client = redis.client();
  // Each pool's executor runs the stubs, which log to the pool's own file.
  const stubEnv = (name: string) =>
    `env: { PATH: ${JSON.stringify(`${bin}:${process.env.PATH}`)}, STUB_LOG: ${JSON.stringify(log(name as PoolName))} }`;
  const pools = Object.entries(POOLS).map(
    ([name, p]) => `  ${name}:
    min: 1
    max: 4
    cooldown: { up: 0s, down: 0s }
    victims: ${'victims' in p ? p.victims : 'idle-first'}
    executor: ${p.executor.replace(/ }$/, `, ${stubEnv(name)} }`)}
`,
  );
  const removers = (config: Config): ReadonlyMap<string, InstanceRemover> =>
    new Map(
      Object.entries(config.pools).flatMap(([name, p]) => {
        const r = createRemover(name, p.executor, { procRoot: proc });
        return r ? [[name, r] as const] : [];
      }),
    );
  receiver = await startTestReceiver(`redis: { url: REDIS_URL }\npools:\n${pools.join('')}`, redis.url, { removers });
});
afterAll(async () => {
  await receiver?.close();
  client?.disconnect();
  await redis?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The four workers' heartbeats, as a worker writes them (docs/HEARTBEATS.md "Commands"); returns their ids. */
async function heartbeats(pool: PoolName): Promise<string[]> {
  const now = Date.now() / 1000;
  const { places, busy } = POOLS[pool];
  const ids = places.map((_, i) => `${pool}-w${i}`);
  const tx = client.multi();
  places.forEach((place, i) => {
    const isBusy = (busy as readonly number[]).includes(i);
    tx.hset(heartbeatKey(pool, ids[i]!), {
      busy: isBusy ? '1' : '0',
      ts: now.toFixed(3),
      pid: 'pid' in place ? String(place.pid) : String(100 + i),
      host: 'host' in place ? place.host : hostname(),
      started: (now - 600).toFixed(3),
      job: isBusy ? `job-${i}` : '',
      job_started: isBusy ? (now - 30 - i).toFixed(3) : '',
      idle_since: isBusy ? '' : (now - 60 - i).toFixed(3),
      draining: '0',
    });
    tx.expire(heartbeatKey(pool, ids[i]!), 30);
  });
  await tx.exec();
  return ids;
}

/** Scale `pool` 4 → 2 by hand; its audit entry and the argvs the stub saw, probes left out. */
async function shrink(pool: PoolName) {
  const ids = await heartbeats(pool);
  const scaled = await receiver.post(`/v1/pools/${pool}/scale`, { replicas: 2, reason: 'test: idle-first argv' });
  expect(scaled.status).toBe(202);
  await receiver.receiver.idle();
  const entry = (await receiver.get(`/v1/audit/${scaled.body.auditId}`)).body;
  const ran = readFileSync(log(pool), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split('\t'))
    .filter((argv) => !['list-units', 'get', 'ps'].some((probe) => argv.includes(probe)));
  const idle = ids.filter((_, i) => !(POOLS[pool].busy as readonly number[]).includes(i));
  return { entry, ran, idle };
}

const victimsOf = (entry: { victims: { worker: string; tier: string; instance: string; outcome: string }[] }) =>
  entry.victims.map((v) => [v.worker, v.tier, v.instance, v.outcome]);

describe('idle-first through the receiver, by argv (recording stubs for systemctl, kubectl, docker)', () => {
  it('systemd: stops the idle workers’ units (worker@1, worker@2), not the highest (busy) ones', async () => {
    const { entry, ran, idle } = await shrink('sd');
    expect(entry).toMatchObject({ outcome: 'scaled', status: 'done', from: 4, to: 2, drain: 'complete' });
    // Idle longest first: w1 has been idle since 61 s ago, w0 since 60 s ago.
    expect(victimsOf(entry)).toEqual([
      [idle[1], 'idle', 'worker@2.service', 'removed'],
      [idle[0], 'idle', 'worker@1.service', 'removed'],
    ]);
    expect(ran).toEqual([['systemctl', 'stop', 'worker@2.service', 'worker@1.service']]);
  });

  it('systemd with victims: executor: the plain stop of the highest units, the busy ones (what idle-first avoided)', async () => {
    const { entry, ran } = await shrink('sdplain');
    expect(entry).toMatchObject({ outcome: 'scaled', status: 'done', from: 4, to: 2, victims: null });
    expect(ran).toEqual([['systemctl', 'stop', 'worker@4.service', 'worker@3.service']]);
  });

  it('kubernetes: marks the idle pods cheapest to delete, then scales the deployment', async () => {
    const { entry, ran, idle } = await shrink('k8s');
    expect(entry).toMatchObject({ outcome: 'scaled', status: 'done', from: 4, to: 2, drain: 'complete' });
    expect(victimsOf(entry)).toEqual([
      [idle[1], 'idle', 'pod-d', 'removed'],
      [idle[0], 'idle', 'pod-b', 'removed'],
    ]);
    expect(ran).toEqual([
      ['kubectl', '-n', 'work', 'annotate', '--overwrite', 'pod', 'pod-d', 'pod-b', 'controller.kubernetes.io/pod-deletion-cost=-1000'],
      ['kubectl', '-n', 'work', 'scale', 'deployment/jobs', '--replicas=2'],
    ]);
  });

  it('compose: stops and removes the idle containers, then holds the service at 2 without recreating', async () => {
    const { entry, ran, idle } = await shrink('cmp');
    expect(entry).toMatchObject({ outcome: 'scaled', status: 'done', from: 4, to: 2, drain: 'complete' });
    expect(victimsOf(entry)).toEqual([
      [idle[1], 'idle', 'c-c', 'removed'],
      [idle[0], 'idle', 'c-a', 'removed'],
    ]);
    expect(ran).toEqual([
      ['docker', 'stop', 'c-c', 'c-a'],
      ['docker', 'rm', 'c-c', 'c-a'],
      ['docker', 'compose', 'up', '-d', '--no-recreate', '--scale', 'jobs=2', 'jobs'],
    ]);
  });
});

describe('an idle victim that starts a job while its instance is looked up', () => {
  it('is not removed at once: it waits, drained, like a busy victim', async () => {
    const ids = await heartbeats('cmp');
    const idle = ids.filter((_, i) => !(POOLS.cmp.busy as readonly number[]).includes(i));
    const removed: string[][] = [];
    const remover: InstanceRemover = {
      // While the instances are listed, the longest-idle victim takes a job (its beat says so).
      locate: async (victims) => {
        await client.hset(heartbeatKey('cmp', idle[1]!), {
          busy: '1',
          job: 'late',
          job_started: (Date.now() / 1000).toFixed(3),
          idle_since: '',
        });
        return new Map(victims.map((v) => [v.id, v.host!]));
      },
      remove: async (instances) => {
        removed.push([...instances]);
        return [];
      },
    };
    const reader = createWorkersReader({ redis: client });
    const report = await scaleDownWithVictims({
      redis: client,
      reader,
      remover,
      pool: 'cmp',
      from: 4,
      to: 2,
      drainTimeoutMs: 300,
      onDrainTimeout: 'leave',
    }).finally(() => reader.close());
    expect(report.victims.map((v) => [v.id, v.outcome])).toEqual([
      [idle[1], 'left'],
      [idle[0], 'removed'],
    ]);
    expect(removed).toEqual([['c-a']]);
    expect(report).toMatchObject({ partial: true, reached: 3 });
  });
});
