/**
 * Exporter benchmark: scrape latency p50/p99 and CPU seconds per scrape of `alertscale exporter`
 * (50 pools × 50 queues on a real Redis with data) beside Debian's prometheus-node-exporter
 * (default collectors), both scraped the same way in the same run: one keep-alive connection,
 * one scrape at a time, alternating blocks so both see the same machine load. CPU is read from
 * /proc/<pid>/stat (utime+stime, all threads) of each exporter process before and after its blocks.
 *
 *   npx tsx bench/exporter.ts [scrapes per target, default 2000]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from '../test/helpers/ports.js';
import { startRedis } from '../test/helpers/redis.js';
import { fillRedis, POOLS, QUEUES, spawnPoolProcesses, writeConfig } from './exporter-fixture.js';
import { machine } from './results-file.js';

const SCRAPES = Number(process.argv[2] ?? 2000);
const BLOCK = 100;
const WARMUP = 50;
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

interface Target {
  name: string;
  url: string;
  pid: number;
  agent: Agent;
  latenciesMs: number[];
  /** alertscale only: its own alertscale_exporter_scrape_duration_seconds, i.e. reading the sources. */
  readMs: number[];
  cpuTicks: number;
  redisTicks: number;
  bytes: number;
  series: number;
}

const cpuTicksOf = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
};

function scrape(t: Target): Promise<string> {
  return new Promise((resolve, reject) => {
    get(t.url, { agent: t.agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`${t.name}: HTTP ${res.statusCode}`))));
    }).on('error', reject);
  });
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const median = (xs: number[]) => quantile(xs, 0.5);

const children: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), 'alertscale-bench-exporter-'));
const redis = await startRedis();
const cleanup = async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await redis.close();
  rmSync(dir, { recursive: true, force: true });
};
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

try {
  const tag = `alertscale-bench-${process.pid}`;
  process.stderr.write('filling Redis and spawning pool processes…\n');
  await fillRedis(redis);
  children.push(...spawnPoolProcesses(tag));
  const config = writeConfig(dir, redis.url, tag);

  const ourPort = await freePort();
  const ours = spawn(
    process.execPath,
    [join(import.meta.dirname, '../bin/alertscale.js'), 'exporter', '--config', config, '--listen', `127.0.0.1:${ourPort}`],
    { stdio: 'ignore' },
  );
  const nePort = await freePort();
  const ne = spawn('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${nePort}`], { stdio: 'ignore' });
  children.push(ours, ne);
  const mk = (name: string, port: number, pid: number): Target => ({
    name,
    url: `http://127.0.0.1:${port}/metrics`,
    pid,
    agent: new Agent({ keepAlive: true, maxSockets: 1 }),
    latenciesMs: [],
    readMs: [],
    cpuTicks: 0,
    redisTicks: 0,
    bytes: 0,
    series: 0,
  });
  const targets = [mk('alertscale exporter', ourPort, ours.pid!), mk('prometheus-node-exporter', nePort, ne.pid!)];
  for (const t of targets) await waitFor(t.name, async () => (await fetch(t.url)).ok, 30_000, 100);

  for (const t of targets) {
    for (let i = 0; i < WARMUP; i++) await scrape(t);
    const body = await scrape(t);
    t.bytes = body.length;
    t.series = body.split('\n').filter((l) => l && !l.startsWith('#')).length;
    if (t === targets[0] && !/alertscale_exporter_source_up\{source="queue:q49"\} 1/.test(body))
      throw new Error('exporter sources not all up');
  }
  const redisPid = Number(
    execFileSync('redis-cli', ['-p', String(redis.port), 'info', 'server'], { encoding: 'utf8' }).match(/process_id:(\d+)/)![1],
  );
  const loadBefore = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

  for (let done = 0; done < SCRAPES; done += BLOCK) {
    for (const t of targets) {
      const [cpu0, r0] = [cpuTicksOf(t.pid), cpuTicksOf(redisPid)];
      for (let i = 0; i < BLOCK; i++) {
        const start = performance.now();
        const body = await scrape(t);
        t.latenciesMs.push(performance.now() - start);
        const read = /^alertscale_exporter_scrape_duration_seconds (\S+)$/m.exec(body);
        if (read) t.readMs.push(Number(read[1]) * 1000);
      }
      t.cpuTicks += cpuTicksOf(t.pid) - cpu0;
      t.redisTicks += cpuTicksOf(redisPid) - r0;
    }
  }
  const loadAfter = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

  const rows = targets.map((t) => ({
    t,
    p50: median(t.latenciesMs),
    p99: quantile(t.latenciesMs, 0.99),
    cpuMs: (t.cpuTicks / CLK_TCK / t.latenciesMs.length) * 1000,
    redisMs: (t.redisTicks / CLK_TCK / t.latenciesMs.length) * 1000,
  }));
  const [a, b] = rows as [(typeof rows)[0], (typeof rows)[0]];
  const version = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' }).split('\n')[0]!.trim();
  const out = [
    `machine: ${machine()}; ` + `${version('prometheus-node-exporter', ['--version'])}, ${version('redis-server', ['--version'])}`,
    `load average before/after: ${loadBefore} / ${loadAfter}`,
    `config: ${POOLS} pools (2 processes, 4 heartbeats each), ${QUEUES} queues (17 list, ` +
      `17 stream, 16 bullmq); ${SCRAPES} scrapes per target in blocks of ${BLOCK}`,
    '',
    '| target | series | body bytes | p50 ms | p99 ms | CPU ms/scrape | redis-server CPU ms/scrape |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.t.name} | ${r.t.series} | ${r.t.bytes} | ${r.p50.toFixed(2)} ` +
        `| ${r.p99.toFixed(2)} | ${r.cpuMs.toFixed(2)} | ${r.redisMs.toFixed(2)} |`,
    ),
    '',
    `alertscale's own source reads (scrape_duration gauge): ` +
      `p50 ${median(a.t.readMs).toFixed(2)} ms, p99 ${quantile(a.t.readMs, 0.99).toFixed(2)} ms`,
    `ratios alertscale / node_exporter: p50 ${(a.p50 / b.p50).toFixed(2)}, ` +
      `p99 ${(a.p99 / b.p99).toFixed(2)}, CPU per scrape ${(a.cpuMs / b.cpuMs).toFixed(2)} ` +
      `(with redis-server's share ${((a.cpuMs + a.redisMs) / b.cpuMs).toFixed(2)})`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  await cleanup();
}
