/**
 * What a person feels of the build, in one run, the variants alternating so the machine's other
 * load falls on all alike: the CLI and the receiver compiled (dist/, `npm run build`); the same
 * source run through tsx (how bin/alertscale.js ran before the build); and a baseline commit
 * compiled the same way (BENCH_BASELINE, default the commit before the node:child_process runner
 * and the zod-free operator commands), so each change is measured against what it replaced.
 *
 *   npx tsx bench/cli.ts      (BENCH_RUNS=9, BENCH_RECEIVER_RUNS=3 by default; BENCH_NO_WRITE=1 to skip RESULTS.md)
 *
 * Measures `alertscale --help` and `alertscale status` (against a live receiver) wall time, CPU and
 * peak RSS (`/usr/bin/time`); the receiver's idle RSS; and the receiver's own CPU per scale command
 * (a webhook that scales and runs `true`) minus its CPU per decision that runs nothing.
 */
import { execFileSync, spawn } from 'node:child_process';
import { execa } from 'execa';
import { runArgv } from '../src/executors/run.js';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, waitFor } from '../test/helpers/ports.js';
import { startRedis } from '../test/helpers/redis.js';
import { cpuSeconds, startReceiverProcess, type Served } from './receiver-procs.js';
import { machine, writeSection } from './results-file.js';
import { noSpawnBodies, receiverConfigYaml, spawnBodies, webhookBody } from './receiver-world.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
/** Receiver starts per variant for the RSS and spawn figures (each start is several seconds). */
const RECEIVER_RUNS = Number(process.env.BENCH_RECEIVER_RUNS ?? 3);
/** Sequential webhooks per receiver start, for each of the spawn and no-spawn paths. */
const REQUESTS = 200;
const TOKEN = 'bench-token-5d1a';
const TOKEN_ENV = 'ALERTSCALE_BENCH_TOKEN';
const SMALL_POOL = 'demo';
const ROOT = new URL('..', import.meta.url).pathname;
const RESULTS = new URL('./RESULTS.md', import.meta.url).pathname;

/** The commit before the node:child_process runner (issue 14's spawn goal) and the zod-free status path. */
const BASELINE = process.env.BENCH_BASELINE ?? '045a46d';
/** Where the baseline is compiled: inside the repository, so it finds node_modules and the repository root. */
const BASELINE_DIR = join(ROOT, '.tmp', 'bench-cli-baseline');

interface Variant {
  name: string;
  /** node's arguments before the CLI's own. */
  entry: readonly string[];
  /** Also measured as a receiver (the tsx one only for the CLI: the receiver runs compiled). */
  receiver: boolean;
}
const TSX: Variant = { name: 'tsx (source)', entry: ['--import', 'tsx', 'src/cli/main.ts'], receiver: false };
const BEFORE: Variant = { name: `compiled ${BASELINE} (before)`, entry: [join(BASELINE_DIR, 'dist/src/cli/main.js')], receiver: true };
const NOW: Variant = { name: 'compiled (dist/, now)', entry: ['bin/alertscale.js'], receiver: true };
const VARIANTS: readonly Variant[] = [TSX, BEFORE, NOW];
const RECEIVER_VARIANTS = VARIANTS.filter((v) => v.receiver);

/** The baseline commit's src/ compiled as `npm run build` compiles it, into BASELINE_DIR/dist. */
function buildBaseline(): void {
  rmSync(BASELINE_DIR, { recursive: true, force: true });
  const tree = join(BASELINE_DIR, 'tree');
  mkdirSync(tree, { recursive: true });
  const archive = execFileSync('git', ['archive', BASELINE, 'src'], { cwd: ROOT, maxBuffer: 64 * 2 ** 20 });
  execFileSync('tar', ['-x', '-C', tree], { input: archive });
  const esbuild = join(ROOT, 'node_modules', '.bin', 'esbuild');
  execFileSync(
    esbuild,
    [
      'src/**/*.ts',
      `--outdir=${join(BASELINE_DIR, 'dist')}`,
      '--outbase=.',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      '--log-level=warning',
    ],
    {
      cwd: tree,
      stdio: 'inherit',
    },
  );
}

interface Timed {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** One CLI run under /usr/bin/time (CPU and peak RSS of the child), its wall time from here. */
async function timedCli(dir: string, variant: Variant, args: readonly string[]): Promise<Timed> {
  const out = join(dir, 'time.txt');
  const t0 = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', out, process.execPath, ...variant.entry, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const wallMs = performance.now() - t0;
  if (code !== 0) throw new Error(`${variant.name} ${args.join(' ')} exited ${code}: ${stderr}`);
  const [user, sys, rssKb] = readFileSync(out, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wallMs, cpuMs: 1000 * (user! + sys!), peakRssMb: rssKb! / 1024 };
}

/** One webhook; a 503 (Redis away for a moment on a loaded machine) is retried as Alertmanager retries it. */
async function post(url: string, body: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${url}/v1/alertmanager`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body,
    });
    const text = await res.text();
    if (res.status === 200) return text;
    if (res.status !== 503 || attempt === 50) throw new Error(`webhook answered ${res.status}: ${text}`);
    await sleep(100);
  }
}

const rssMb = (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

interface ReceiverFigures {
  idleRssMb: number;
  noSpawnCpuUs: number;
  spawnCpuUs: number;
  childCpuUs: number;
  scaled: number;
}

/** The receiver's resident memory with a config of a few pools, 2 s after its first decisions. */
async function idleRss(variant: Variant, configFile: string, idle: () => Promise<void>): Promise<number> {
  const receiver = await startReceiverProcess({ configFile, tokenEnv: TOKEN_ENV, token: TOKEN, entry: variant.entry });
  try {
    for (const scale of ['up', 'down', 'up'] as const) await post(receiver.url, webhookBody(SMALL_POOL, scale, scale === 'up' ? 3 : 1));
    await idle();
    await sleep(2000);
    return rssMb(receiver.pid);
  } finally {
    await receiver.stop();
  }
}

/** One receiver start on the bench's 641 pools: its own CPU per webhook on both paths. */
async function receiverCpu(variant: Variant, configFile: string, idle: () => Promise<void>): Promise<Omit<ReceiverFigures, 'idleRssMb'>> {
  const receiver: Served = await startReceiverProcess({ configFile, tokenEnv: TOKEN_ENV, token: TOKEN, entry: variant.entry });
  try {
    const noSpawn = noSpawnBodies();
    const spawnPath = spawnBodies();
    const send = async (n: number, next: () => string, answered?: (body: string) => void) => {
      for (let i = 0; i < n; i++) {
        const text = await post(receiver.url, next());
        answered?.(text);
      }
      await idle();
    };
    // Warm-up: JIT, Redis connections and scripts, the first forks.
    await send(REQUESTS, noSpawn);
    await send(REQUESTS, spawnPath.next, spawnPath.answered);
    const perRequestUs = async (next: () => string, answered?: (body: string) => void) => {
      const before = cpuSeconds(receiver.pid);
      await send(REQUESTS, next, answered);
      const after = cpuSeconds(receiver.pid);
      return { own: (1e6 * (after.own - before.own)) / REQUESTS, children: (1e6 * (after.children - before.children)) / REQUESTS };
    };
    const quiet = await perRequestUs(noSpawn);
    const scaledBefore = spawnPath.scaled();
    const spawned = await perRequestUs(spawnPath.next, spawnPath.answered);
    return { noSpawnCpuUs: quiet.own, spawnCpuUs: spawned.own, childCpuUs: spawned.children, scaled: spawnPath.scaled() - scaledBefore };
  } finally {
    await receiver.stop();
  }
}

/** CPU µs per run of `true` in this process, one at a time, for each way to start it: where a spawn's cost lies. */
async function spawnWays(): Promise<{ way: string; cpuUs: number }[]> {
  const before = (await import(join(BASELINE_DIR, 'dist/src/executors/run.js'))) as { runArgv: typeof runArgv };
  const bare = () =>
    new Promise<void>((resolve) => {
      const child = spawn('true', [], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.resume();
      child.stderr.resume();
      child.once('close', () => resolve());
    });
  const ways: [string, () => Promise<unknown>][] = [
    ['`child_process.spawn`, output piped and read', bare],
    ["`execa('true')`", () => execa('true', [], { reject: false })],
    [
      `the receiver's \`runArgv\` at ${BASELINE} (before: execa, timeout, output captured)`,
      () => before.runArgv(['true'], { timeoutMs: 10_000 }),
    ],
    ["the receiver's `runArgv` now (node:child_process, timeout, output captured)", () => runArgv(['true'], { timeoutMs: 10_000 })],
  ];
  const out: { way: string; cpuUs: number }[] = [];
  for (const [way, run] of ways) {
    const perRun: number[] = [];
    for (let r = 0; r < 5; r++) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < 100; i++) await run();
      const c = process.cpuUsage(c0);
      perRun.push((c.user + c.system) / 100);
    }
    out.push({ way, cpuUs: median(perRun) });
  }
  return out;
}

async function main() {
  const startedAt = new Date();
  log(`npm run build, and ${BASELINE} compiled into ${BASELINE_DIR}`);
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  buildBaseline();
  const dir = mkdtempSync(join(tmpdir(), 'alertscale-bench-cli-'));
  const redis = await startRedis();
  const client = redis.client();
  // Ports nothing listens on: the receiver's silences client and the CLI's exporter read fail fast,
  // and never reach a stack running on the default ports.
  const elsewhere =
    `alertmanager: { url: "http://127.0.0.1:${await freePort()}" }\n` + `exporter: { listen: "127.0.0.1:${await freePort()}" }\n`;
  const configFile = join(dir, 'alertscale.yml');
  writeFileSync(configFile, `${elsewhere}${receiverConfigYaml(redis.url, TOKEN_ENV)}`);
  // A config of the size an operator writes: what status lists and what idle RSS is measured with.
  const smallConfig = join(dir, 'small.yml');
  const smallPool = (name: string) => `  ${name}:\n    min: 1\n    max: 8\n    executor: { kind: command, scale: ["true"] }\n`;
  writeFileSync(
    smallConfig,
    `${elsewhere}redis: { url: "${redis.url}", keyPrefix: "bench:" }\nreceiver: ` +
      `{ tokenEnv: ${TOKEN_ENV} }\npools:\n${[SMALL_POOL, 'web', 'mail'].map(smallPool).join('')}`,
  );
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, TOKEN);
  const idle = () => waitFor('running scale commands to finish', async () => (await client.keys('bench:lock:*')).length === 0, 30_000, 20);
  const help = new Map<string, Timed[]>(VARIANTS.map((v) => [v.name, []]));
  const status = new Map<string, Timed[]>(VARIANTS.map((v) => [v.name, []]));
  const receivers = new Map<string, ReceiverFigures[]>(RECEIVER_VARIANTS.map((v) => [v.name, []]));
  let statusPools = 0;
  try {
    // The receiver `status` asks: compiled, as it runs in production; the variants are the CLI's.
    const live = await startReceiverProcess({ configFile: smallConfig, tokenEnv: TOKEN_ENV, token: TOKEN });
    try {
      const statusArgs = ['status', '--config', smallConfig, '--url', live.url, '--token-file', tokenFile];
      const answer = JSON.parse(
        execFileSync(process.execPath, ['bin/alertscale.js', ...statusArgs, '--json'], { cwd: ROOT, encoding: 'utf8' }),
      ) as unknown;
      statusPools = Array.isArray(answer) ? answer.length : ((answer as { pools?: unknown[] }).pools?.length ?? 0);
      for (const v of VARIANTS) await timedCli(dir, v, ['--help']); // warm the page cache for both
      for (let run = 1; run <= RUNS; run++) {
        for (const v of VARIANTS) {
          help.get(v.name)!.push(await timedCli(dir, v, ['--help']));
          status.get(v.name)!.push(await timedCli(dir, v, statusArgs));
        }
        const last = (m: Map<string, Timed[]>, v: Variant) => m.get(v.name)!.at(-1)!.wallMs.toFixed(0);
        log(`run ${run}: ${VARIANTS.map((v) => `${v.name} --help ${last(help, v)} ms, status ${last(status, v)} ms`).join('; ')}`);
      }
    } finally {
      await live.stop();
    }
    for (let run = 1; run <= RECEIVER_RUNS; run++) {
      for (const v of RECEIVER_VARIANTS) {
        await client.flushall();
        const r = { idleRssMb: await idleRss(v, smallConfig, idle), ...(await receiverCpu(v, configFile, idle)) };
        receivers.get(v.name)!.push(r);
        log(
          `receiver run ${run} ${v.name}: idle RSS ${r.idleRssMb.toFixed(0)} MB, ` +
            `CPU/no-spawn ${r.noSpawnCpuUs.toFixed(0)} µs, CPU/scale ${r.spawnCpuUs.toFixed(0)} µs (${r.scaled} scaled)`,
        );
      }
    }
  } finally {
    await client.quit();
    await redis.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const ways = await spawnWays();
  rmSync(BASELINE_DIR, { recursive: true, force: true });
  const benchRssMb = process.memoryUsage().rss / 2 ** 20;
  const report = render({ startedAt, help, status, receivers, statusPools, ways, benchRssMb });
  process.stdout.write(`${report}\n`);
  if (process.env.BENCH_NO_WRITE !== '1') writeSection(RESULTS, '## CLI start-up and receiver footprint (compiled vs tsx)', report);
}

interface Report {
  startedAt: Date;
  help: Map<string, Timed[]>;
  status: Map<string, Timed[]>;
  receivers: Map<string, ReceiverFigures[]>;
  statusPools: number;
  ways: { way: string; cpuUs: number }[];
  benchRssMb: number;
}

function render(r: Report): string {
  const med = <T>(m: Map<string, T[]>, v: Variant, f: (x: T) => number) => median(m.get(v.name)!.map(f));
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)} ×`;
  const cliRow = (what: string, m: Map<string, Timed[]>) =>
    VARIANTS.map(
      (v) =>
        `| ${what} | ${v.name} | ${med(m, v, (t) => t.wallMs).toFixed(0)} ` +
        `| ${med(m, v, (t) => t.cpuMs).toFixed(0)} | ${med(m, v, (t) => t.peakRssMb).toFixed(0)} |`,
    );
  const spawnExtra = (v: Variant) => med(r.receivers, v, (x) => x.spawnCpuUs - x.noSpawnCpuUs);
  const scaled = [...r.receivers.values()].flat().map((x) => x.scaled);
  const goal = (met: boolean) => (met ? 'met' : 'not met');
  const wall = (m: Map<string, Timed[]>, v: Variant) => med(m, v, (t) => t.wallMs);
  const cpu = (m: Map<string, Timed[]>, v: Variant) => med(m, v, (t) => t.cpuMs);
  const rss = (v: Variant) => med(r.receivers, v, (x) => x.idleRssMb);
  const way = (prefix: string) => r.ways.find((w) => w.way.startsWith(prefix))!.cpuUs;
  const [bareUs, beforeUs, nowUs] = [way('`child_process'), way(`the receiver's \`runArgv\` at`), way("the receiver's `runArgv` now")];
  return [
    `Command: \`npx tsx bench/cli.ts\` — ${r.startedAt.toISOString()}, ${machine()}. Taken while other ` +
      'benchmarks and test suites ran on this machine (see the load average): compare figures within this run only.',
    `Three variants: **${TSX.name}** is \`node --import tsx src/cli/main.ts\` (what bin/alertscale.js ran before the build); ` +
      `**${BEFORE.name}** is commit ${BASELINE} (execa runner, operator commands loading the whole config schema and fetch) ` +
      `compiled as \`npm run build\` compiles; **${NOW.name}** is \`node bin/alertscale.js\` after \`npm run build\`. ` +
      'All load only the command they run (src/cli/commands/index.ts). They alternate within each run; ' +
      `medians of ${RUNS} runs for the CLI, of ${RECEIVER_RUNS} receiver starts each for the receiver (compiled variants only).`,
    '',
    '| command | variant | wall ms | CPU ms (user+sys) | peak RSS MB |',
    '|---|---|---:|---:|---:|',
    ...cliRow('`alertscale --help`', r.help),
    ...cliRow(`\`alertscale status\` (live receiver, ${r.statusPools} pools)`, r.status),
    '',
    `Receiver (\`alertscale receiver\`, a real redis-server, \`command: ["true"]\` executors): idle RSS read from ` +
      `/proc/<pid>/status with the ${r.statusPools}-pool config, 2 s after three scales; its own CPU (/proc/<pid>/stat, ` +
      `children excluded) per webhook over ${REQUESTS} sequential webhooks on each path after ${REQUESTS} of each to warm up, ` +
      `with the receiver benchmark's 641 pools (a pool comes round again only after its command finished, so every scale webhook scales).`,
    '',
    '| variant | idle RSS MB | CPU µs per decision that runs nothing | CPU µs per scale (runs `true`) ' +
      '| scale − nothing: the spawn path | `true` itself (children) µs |',
    '|---|---:|---:|---:|---:|---:|',
    ...RECEIVER_VARIANTS.map(
      (v) =>
        `| ${v.name} | ${rss(v).toFixed(0)} | ${med(r.receivers, v, (x) => x.noSpawnCpuUs).toFixed(0)} ` +
        `| ${med(r.receivers, v, (x) => x.spawnCpuUs).toFixed(0)} ` +
        `| ${spawnExtra(v).toFixed(0)} | ${med(r.receivers, v, (x) => x.childCpuUs).toFixed(0)} |`,
    ),
    '',
    `Every measured scale webhook was answered \`scaled\` and ran its ` +
      `command: ${Math.min(...scaled)}–${Math.max(...scaled)} of ${REQUESTS} per start.`,
    '',
    `Where a spawn's CPU goes: \`true\` run 5 × 100 times one at a time inside the bench ` +
      `process (${r.benchRssMb.toFixed(0)} MB RSS), its CPU (process.cpuUsage) per run, medians:`,
    '',
    '| how | CPU µs per run |',
    '|---|---:|',
    ...r.ways.map((w) => `| ${w.way} | ${w.cpuUs.toFixed(0)} |`),
    '',
    '**Goals** (issue 14):',
    `- \`alertscale --help\` ≤ 150 ms wall: ${wall(r.help, NOW).toFixed(0)} ms — ${goal(wall(r.help, NOW) <= 150)} ` +
      `(${ratio(wall(r.help, TSX), wall(r.help, NOW))} faster than tsx, CPU ${ratio(cpu(r.help, TSX), cpu(r.help, NOW))} less).`,
    `- \`alertscale status\` ≤ 250 ms wall: ${wall(r.status, NOW).toFixed(0)} ms — ${goal(wall(r.status, NOW) <= 250)} ` +
      `(before: ${wall(r.status, BEFORE).toFixed(0)} ms, ${ratio(wall(r.status, BEFORE), wall(r.status, NOW))} faster; ` +
      `CPU ${cpu(r.status, BEFORE).toFixed(0)} → ${cpu(r.status, NOW).toFixed(0)} ms, ` +
      `${ratio(cpu(r.status, BEFORE), cpu(r.status, NOW))} less). The operator commands read ` +
      'only the endpoint keys of alertscale.yml (no zod) and talk HTTP through node:http (no undici).',
    `- receiver idle RSS ≤ 100 MB: ${rss(NOW).toFixed(0)} MB — ${goal(rss(NOW) <= 100)} (before: ${rss(BEFORE).toFixed(0)} MB).`,
    `- spawn-path CPU per scale at least halved: ${spawnExtra(BEFORE).toFixed(0)} → ${spawnExtra(NOW).toFixed(0)} µs ` +
      `in the receiver (${ratio(spawnExtra(BEFORE), spawnExtra(NOW))}) — ${goal(spawnExtra(NOW) <= spawnExtra(BEFORE) / 2)}; ` +
      `in the bench process, \`runArgv\` ${beforeUs.toFixed(0)} → ${nowUs.toFixed(0)} µs ` +
      `(${ratio(beforeUs, nowUs)}) against ${bareUs.toFixed(0)} µs for a bare \`child_process.spawn\` with ` +
      `the same output read. The runner is node:child_process now (execa's own work was most of a run's CPU).`,
  ].join('\n');
}

await main();
