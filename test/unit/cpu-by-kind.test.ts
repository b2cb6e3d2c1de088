import { describe, expect, it } from 'vitest';
import { busyShare, CpuByKind, cpuTable, kindOf, type Snapshot } from '../../bench/cpu-by-kind.js';
import type { HostCpu } from '../../src/exporter/parse.js';

describe('kindOf: command lines of a quality-bench stack (captured with ps)', () => {
  it.each([
    ['prometheus --config.file=/tmp/alertscale-e2e-CcaBhO/prometheus.yml --storage.tsdb.path=/tmp/x', 'prometheus'],
    ['prometheus-alertmanager --config.file=/tmp/alertscale-e2e-CcaBhO/alertmanager.yml --storage.path=/tmp/x', 'alertmanager'],
    ['redis-server 127.0.0.1:29757', 'redis'],
    ['alertscale-demo-worker demo vm-pm2.0-5925', 'demo worker'],
    ['PM2 v7.0.4: God Daemon (/tmp/alertscale-e2e-CcaBhO/pm2)', 'pm2 daemon'],
    ['node /work/main/node_modules/.bin/pm2 jlist', 'pm2 CLI: jlist'],
    ['node /work/main/node_modules/.bin/pm2 scale demo 8', 'pm2 CLI: other'],
    ['node /work/main/bin/alertscale.js receiver --config /tmp/alertscale-e2e-DiuwED/alertscale.yml', 'receiver'],
    ['node /work/main/bin/alertscale.js exporter --config /tmp/alertscale-e2e-CcaBhO/alertscale.yml', 'exporter'],
    ['node /work/main/node_modules/.bin/tsx bench/cpu-by-process.ts -- npx tsx bench/quality.ts --quick', 'this profiler'],
    ['node /work/main/node_modules/.bin/tsx bench/quality.ts --quick --no-write', 'benchmark driver (node)'],
    ['', 'kernel threads'],
    ['/usr/sbin/sshd -D', 'other'],
  ])('%s → %s', (cmdline, kind) => expect(kindOf(cmdline)).toBe(kind));
});

const proc = (kind: string, pid: number, cpuTicks: number, childTicks = 0, startTicks = 1000, zombie = false): Snapshot => ({
  kind,
  pid,
  startTicks,
  cpuTicks,
  childTicks,
  zombie,
});

describe('CpuByKind', () => {
  it('counts only what was spent after the first snapshot, and keeps what an exited process spent', () => {
    const book = new CpuByKind();
    book.observe([proc('receiver', 10, 500, 200), proc('redis', 20, 50)]);
    book.observe([proc('receiver', 10, 530, 260), proc('redis', 20, 60), proc('demo worker', 30, 40, 0, 2000)]);
    // the worker exits; a new one gets its pid (a different start time) and starts from zero
    book.observe([proc('receiver', 10, 540, 300), proc('redis', 20, 60), proc('demo worker', 30, 5, 0, 3000)]);
    expect(book.totals(100)).toEqual([
      { kind: 'demo worker', ownS: 0.45, reapedS: 0, processes: 2 },
      { kind: 'receiver', ownS: 0.4, reapedS: 1, processes: 1 },
      { kind: 'redis', ownS: 0.1, reapedS: 0, processes: 1 },
    ]);
  });

  it('books a process under the kind it became (a fork that execs, a worker pm2 renames), zombies under what they were', () => {
    const book = new CpuByKind();
    book.observe([]);
    book.observe([proc('other', 40, 3, 0, 5000), proc('receiver', 41, 1, 0, 5001)]);
    book.observe([proc('demo worker', 40, 20, 0, 5000), proc('pm2 CLI: jlist', 41, 15, 0, 5001)]);
    book.observe([proc('kernel threads', 41, 25, 0, 5001, true), proc('kernel threads', 42, 30, 0, 5002, true)]);
    expect(book.totals(100)).toEqual([
      { kind: 'pm2 CLI: jlist', ownS: 0.25, reapedS: 0, processes: 1 },
      { kind: 'demo worker', ownS: 0.2, reapedS: 0, processes: 1 },
    ]);
  });

  it('leaves out kinds that spent nothing while watched', () => {
    const book = new CpuByKind();
    book.observe([proc('redis', 20, 50)]);
    book.observe([proc('redis', 20, 50)]);
    expect(book.totals(100)).toEqual([]);
  });
});

describe('cpuTable', () => {
  it('gives shares of one core over the wall time and the sum of the own column', () => {
    const table = cpuTable([{ kind: 'receiver', ownS: 3, reapedS: 6, processes: 2 }], 60);
    expect(table).toContain('| receiver | 3.0 | 5.0 % | 6.0 | 10.0 % | 2 |');
    expect(table).toContain('| **all (own)** | 3.0 | 5.0 % |');
  });
});

describe('busyShare', () => {
  const at = (busy: number, idle: number, iowait: number, steal: number): HostCpu => ({
    ticks: { user: busy, nice: 0, system: 0, idle, iowait, irq: 0, softirq: 0, steal },
    cpus: 2,
  });
  it('is the share of ticks neither idle nor iowait between two readings, steal among the busy', () => {
    expect(busyShare(at(100, 100, 0, 0), at(250, 140, 10, 0))).toEqual({ busy: 0.75, steal: 0 });
    expect(busyShare(at(0, 0, 0, 0), at(50, 40, 0, 10))).toEqual({ busy: 0.6, steal: 0.1 });
  });
  it('is 0 when no tick passed', () => expect(busyShare(at(5, 5, 0, 0), at(5, 5, 0, 0))).toEqual({ busy: 0, steal: 0 }));
});
