import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { createExporter, createExporterRedis, type Exporter } from '../../src/exporter/index.js';
import { waitFor } from '../helpers/ports.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

// Unique per run, so no other process on the machine (or another run of this file) matches.
const TAG = `alertscale-test-${randomBytes(6).toString('hex')}`;
// Idle until SIGUSR1, then burns 0.3 s of CPU (CPU time, not wall time: the machine may be busy); says so on stdout.
const PROGRAM =
  `/*${TAG}*/ process.on('SIGUSR1', () => { const t0 = process.cpuUsage(); for (;;) { const u = process.cpuUsage(t0); ` +
  `if (u.user + u.system > 300000) break; } console.log('burned'); }); console.log('ready'); setInterval(() => {}, 1e9);`;

let redis: TestRedis;
let exporterRedis: Redis;
let exporter: Exporter;
const children: ChildProcess[] = [];

function lines(child: ChildProcess, word: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      if (chunk.toString().includes(word)) {
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before saying ${word}`)));
  });
}

/** What /proc says, read independently of the exporter: CPU seconds and RSS bytes of these pids. */
function procTruth(pids: number[]) {
  let ticks = 0;
  let rssKib = 0;
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
    rssKib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
  }
  return { cpuSeconds: ticks / 100, rssBytes: rssKib * 1024 };
}

async function pool(name: string) {
  const families = await exporter.registry.getMetricsAsJSON();
  const value = (metric: string) => families.find((f) => f.name === metric)?.values.find((v) => v.labels.pool === name)?.value;
  return {
    processes: value('alertscale_pool_processes'),
    cpu: value('alertscale_pool_cpu_seconds_total')!,
    rss: value('alertscale_pool_resident_memory_bytes')!,
  };
}

beforeAll(async () => {
  redis = await startRedis();
  const executor = `executor: { kind: command, scale: ['true'] }`;
  const config = parseConfig(
    `redis: { url: '${redis.url}' }
pools:
  burners: { min: 1, max: 4, ${executor}, processes: { match: '${TAG}' } }
  mine: { min: 1, max: 4, ${executor}, processes: { match: '^\\S*node -e /\\*${TAG}', user: '${userInfo().username}' } }
  theirs: { min: 1, max: 4, ${executor}, processes: { match: '${TAG}', user: nobody } }
  execed: { min: 1, max: 4, ${executor}, processes: { match: '^${TAG}-exec' } }
`,
    'alertscale.yml',
  );
  exporterRedis = createExporterRedis(redis.url);
  exporter = createExporter({ config, redis: exporterRedis });
  for (let i = 0; i < 3; i++) {
    // node itself, no shell: the pid held is the process that matches.
    const child = spawn(process.execPath, ['-e', PROGRAM], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
  }
  await Promise.all(children.map((c) => lines(c, 'ready')));
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  exporterRedis?.disconnect();
  await redis?.close();
});

describe('pool processes from /proc', () => {
  it('counts, burns and survives an exit without the counter going down', async () => {
    const pids = children.map((c) => c.pid!);
    const before = await pool('burners');
    const truth0 = procTruth(pids);
    expect(before.processes).toBe(3);
    // First sight counts each process's whole lifetime (node start-up here).
    expect(before.cpu).toBeCloseTo(truth0.cpuSeconds, 1);
    expect(before.rss / truth0.rssBytes).toBeGreaterThan(0.9);
    expect(before.rss / truth0.rssBytes).toBeLessThan(1.1);

    const burned = Promise.all(children.map((c) => lines(c, 'burned')));
    for (const c of children) c.kill('SIGUSR1');
    await burned;
    const after = await pool('burners');
    const truth1 = procTruth(pids);
    expect(truth1.cpuSeconds - truth0.cpuSeconds).toBeGreaterThan(0.85); // they did burn
    expect(Math.abs(after.cpu - before.cpu - (truth1.cpuSeconds - truth0.cpuSeconds))).toBeLessThan(0.05);

    const victim = children[0]!;
    const gone = new Promise((resolve) => victim.once('exit', resolve));
    victim.kill('SIGKILL');
    await gone;
    const afterExit = await pool('burners');
    expect(afterExit.processes).toBe(2);
    expect(afterExit.cpu).toBeGreaterThanOrEqual(after.cpu);
    expect(afterExit.cpu - after.cpu).toBeLessThan(0.05);
  });

  it('filters by user and by an anchored regex', async () => {
    const alive = children.filter((c) => c.exitCode === null && c.signalCode === null).length;
    expect(alive).toBeGreaterThan(0);
    expect((await pool('mine')).processes).toBe(alive);
    expect((await pool('theirs')).processes).toBe(0);
  });

  it('sees a process that execs into a matching command (same pid, new command line)', async () => {
    const shell = spawn('bash', ['-c', `read line; exec -a ${TAG}-exec sleep 30`], { stdio: ['pipe', 'ignore', 'inherit'] });
    children.push(shell);
    await waitFor('bash running', () => readFileSync(`/proc/${shell.pid}/cmdline`, 'utf8').startsWith('bash'));
    expect((await pool('execed')).processes).toBe(0);
    shell.stdin!.write('go\n');
    await waitFor('exec', () => readFileSync(`/proc/${shell.pid}/cmdline`, 'utf8').startsWith(`${TAG}-exec`));
    expect((await pool('execed')).processes).toBe(1);
  });

  it('reports the source healthy and records the scrape duration', async () => {
    const families = await exporter.registry.getMetricsAsJSON();
    const up = families.find((f) => f.name === 'alertscale_exporter_source_up')!.values;
    expect(up.find((v) => v.labels.source === 'processes')?.value).toBe(1);
    const duration = families.find((f) => f.name === 'alertscale_exporter_scrape_duration_seconds')!.values[0]!.value;
    expect(duration).toBeGreaterThan(0);
    expect(duration).toBeLessThan(1);
  });
});
