/**
 * Receiver webhook benchmark (issue 2): `POST /v1/alertmanager` throughput and latency with
 * autocannon at 1/10/50 connections, beside a floor (node:http that only parses the JSON), in
 * the same run, against a real redis-server. Each of the five targets is its own process:
 *
 *   floor               bench/floor-server.ts (node:http + JSON.parse: the goal's reference)
 *   Hono floor          bench/floor-hono.ts (the receiver's framework and nothing else)
 *   no-spawn            receiver; decisions that run nothing, spread over 128 pools
 *                       (half no_change: at the target; half cooldown: inside a 1 h cooldown)
 *   no-spawn, one pool  receiver; every request to one pool at its target (they queue on its lock)
 *   spawn               receiver; every request scales one of 512 pools 1 ↔ 3 and runs `true`
 *
 * Runs are interleaved (run 1: c=1 floor, no-spawn, …; c=10 …; run 2 …) so the machine's
 * background load falls on all targets alike; each number is the median of the runs. Then two
 * short profiled runs (`node --cpu-prof`) say where the receiver's time goes.
 *
 *   npx tsx bench/receiver.ts            (BENCH_SECONDS=3 BENCH_RUNS=3 by default; BENCH_NO_WRITE=1 to skip RESULTS.md)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { runArgv } from '../src/executors/run.js';
import { startRedis } from '../test/helpers/redis.js';
import { waitFor } from '../test/helpers/ports.js';
import { percentile, runLoad } from './receiver-load.js';
import { cpuSeconds, parseCommandStats, redisPid, startFloor, startReceiverProcess, type Served } from './receiver-procs.js';
import { profileMarkdown, summariseProfile, type ProfileSummary } from './receiver-profile.js';
import { costTable, ms, resultsTable, SECTION, toRow, type Cell, type Measured } from './receiver-report.js';
import { machine, writeSection } from './results-file.js';
import {
  coolSetupBodies,
  hotPoolBodies,
  noSpawnBodies,
  receiverConfigYaml,
  SPIN_POOLS,
  spawnBodies,
  spinPool,
  STILL_POOLS,
  COOL_POOLS,
} from './receiver-world.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CONNECTIONS = [1, 10, 50];
const PROFILE_SECONDS = 3;
const TRUE_RUNS = 200;
const TOKEN = 'bench-token-7c2e';
const TOKEN_ENV = 'ALERTSCALE_BENCH_TOKEN';
const RESULTS = new URL('./RESULTS.md', import.meta.url).pathname;

const FLOOR = 'floor (node:http + JSON.parse)';
const HONO = 'Hono floor (hono + @hono/node-server, c.req.json())';
const HONO_LIMIT = 'Hono floor + hono/body-limit';
const NO_SPAWN = 'no-spawn (128 pools)';
const HOT = 'no-spawn, one pool';
const SPAWN = 'spawn `true` (512 pools)';

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main() {
  const startedAt = new Date();
  const load1 = loadavg();
  const dir = mkdtempSync(join(tmpdir(), 'alertscale-bench-receiver-'));
  const redis = await startRedis();
  const client = redis.client();
  const configFile = join(dir, 'alertscale.yml');
  writeFileSync(configFile, receiverConfigYaml(redis.url, TOKEN_ENV));
  const procs: Served[] = [];
  try {
    const floor = await startFloor();
    procs.push(floor);
    const honoFloor = await startFloor('bench/floor-hono.ts');
    procs.push(honoFloor);
    const honoLimit = await startFloor('bench/floor-hono.ts', ['--body-limit']);
    procs.push(honoLimit);
    let receiver = await startReceiverProcess({ configFile, tokenEnv: TOKEN_ENV, token: TOKEN });
    procs.push(receiver);
    log(`floor ${floor.url} (pid ${floor.pid}), receiver ${receiver.url} (pid ${receiver.pid}), redis ${redis.url}`);

    // Every request of a run must be decided (and its command finished) before the next run starts.
    const idle = () =>
      waitFor('running scale commands to finish', async () => (await client.keys('bench:lock:*')).length === 0, 30_000, 20);
    for (const body of coolSetupBodies()) await post(receiver.url, body);
    await idle();

    const trueTimes = await measureTrue();
    log(
      `true via execa: p50 ${trueTimes.execa.p50.toFixed(2)} ms, p99 ${trueTimes.execa.p99.toFixed(2)} ms; ` +
        `via runArgv p50 ${trueTimes.runArgv.p50.toFixed(2)} ms, p99 ${trueTimes.runArgv.p99.toFixed(2)} ms`,
    );

    const noSpawn = noSpawnBodies();
    const hot = hotPoolBodies();
    const spawn = spawnBodies();
    const targets: {
      name: string;
      url: () => string;
      nextBody: () => string;
      onAnswer?: (status: number, body: string) => void;
      only?: number[];
    }[] = [
      { name: FLOOR, url: () => floor.url, nextBody: noSpawn, onAnswer: undefined },
      { name: HONO, url: () => honoFloor.url, nextBody: noSpawn, onAnswer: undefined },
      // Diagnostic, one concurrency: what hono/body-limit alone adds on @hono/node-server.
      { name: HONO_LIMIT, url: () => honoLimit.url, nextBody: noSpawn, onAnswer: undefined, only: [10] },
      { name: NO_SPAWN, url: () => receiver.url, nextBody: noSpawn, onAnswer: undefined },
      { name: HOT, url: () => receiver.url, nextBody: hot, onAnswer: undefined },
      { name: SPAWN, url: () => receiver.url, nextBody: spawn.next, onAnswer: (_s: number, body: string) => spawn.answered(body) },
    ];
    const redisProcess = redisPid(redis.port);
    const BENCH_OWN = new Set(['keys', 'info', 'hget', 'ping', 'client|setname', 'client|info', 'select']);
    const redisCalls = async () => parseCommandStats(await client.info('commandstats'));
    const measure = async (t: (typeof targets)[number], connections: number, seconds: number): Promise<Measured> => {
      const isFloor = t.name === FLOOR || t.name === HONO || t.name === HONO_LIMIT;
      const pid = t.name === FLOOR ? floor.pid : t.name === HONO ? honoFloor.pid : t.name === HONO_LIMIT ? honoLimit.pid : receiver.pid;
      const [cpu0, rcpu0, calls0] = [cpuSeconds(pid), cpuSeconds(redisProcess), await redisCalls()];
      const result = await runLoad({ url: t.url(), token: TOKEN, connections, seconds, nextBody: t.nextBody, onAnswer: t.onAnswer });
      // Requests in flight when autocannon stops are still served, and commands still finish: wait, then count.
      if (!isFloor) await idle();
      if (t.name === SPAWN) {
        const held = await Promise.all(Array.from({ length: SPIN_POOLS }, (_, i) => client.hget(`bench:pool:${spinPool(i)}`, 'replicas')));
        spawn.sync(held.map((v) => (v === null ? undefined : Number(v))));
      }
      const [cpu1, rcpu1, calls1] = [cpuSeconds(pid), cpuSeconds(redisProcess), await redisCalls()];
      const calls: Record<string, number> = Object.fromEntries(
        Object.entries(calls1)
          .filter(([k]) => !BENCH_OWN.has(k))
          .map(([k, v]): [string, number] => [k, v - (calls0[k] ?? 0)])
          .filter(([, v]) => v > 0),
      );
      // Served, not answered: the requests in flight when autocannon stopped were served too (one
      // audit XADD each) and used CPU; for the floor they are ≤ 50 of ~10⁴, nothing.
      const served = isFloor ? result.requests : (calls.xadd ?? result.requests);
      const per = (seconds: number) => (1e6 * seconds) / Math.max(1, served);
      return {
        ...result,
        cost: {
          served,
          serverCpuUs: per(cpu1.own - cpu0.own),
          serverSysShare: (cpu1.sys - cpu0.sys) / Math.max(1e-9, cpu1.own - cpu0.own),
          childCpuUs: per(cpu1.children - cpu0.children),
          redisCpuUs: per(rcpu1.own - rcpu0.own),
          redisCalls: isFloor ? {} : calls,
        },
      };
    };

    for (const t of targets) await measure(t, 10, 1); // warm-up: JIT, connections, Redis keys
    const cells: Cell[] = CONNECTIONS.flatMap((connections) =>
      targets.filter((t) => !t.only || t.only.includes(connections)).map((t) => ({ target: t.name, connections, runs: [] as Measured[] })),
    );
    for (let run = 1; run <= RUNS; run++) {
      for (const connections of CONNECTIONS) {
        for (const t of targets) {
          if (t.only && !t.only.includes(connections)) continue;
          const result = await measure(t, connections, SECONDS);
          cells.find((c) => c.target === t.name && c.connections === connections)!.runs.push(result);
          log(
            `run ${run} c=${connections} ${t.name}: ${Math.round(result.rps)} req/s p50 ${result.p50.toFixed(2)} ` +
              `p99 ${result.p99.toFixed(2)} non-2xx ${result.non2xx} ${JSON.stringify(result.answers)}`,
          );
        }
      }
    }
    const commands = { ...executorCounts(await (await fetch(`${receiver.url}/metrics`)).text()), scaledAnswers: spawn.scaled() };
    log(`receiver /metrics: ${JSON.stringify(commands)}`);

    // Profiles: a fresh receiver per path (same Redis, same state), profiled while under c=10.
    const receiverRssMb = rssMb(receiver.pid);
    const profiles: { target: string; markdown: string; summary: ProfileSummary; served: number }[] = [];
    for (const t of [targets.find((x) => x.name === NO_SPAWN)!, targets.find((x) => x.name === SPAWN)!]) {
      await receiver.stop();
      procs.splice(procs.indexOf(receiver), 1);
      const profDir = join(dir, `prof-${profiles.length}`);
      receiver = await startReceiverProcess({ configFile, tokenEnv: TOKEN_ENV, token: TOKEN, cpuProfDir: profDir });
      procs.push(receiver);
      await measure(t, 10, 1);
      const fromUs = Number(process.hrtime.bigint() / 1000n);
      const result = await measure(t, 10, PROFILE_SECONDS);
      const toUs = Number(process.hrtime.bigint() / 1000n);
      await receiver.stop();
      procs.splice(procs.indexOf(receiver), 1);
      const file = join(profDir, readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))!);
      const summary = summariseProfile(file, 12, { fromUs, toUs });
      profiles.push({
        target: t.name,
        summary,
        served: result.cost.served,
        markdown: profileMarkdown(
          `${t.name}, c=10, ${PROFILE_SECONDS} s (${Math.round(result.rps)} req/s under the profiler)`,
          summary,
          result.cost.served,
        ),
      });
      receiver = await startReceiverProcess({ configFile, tokenEnv: TOKEN_ENV, token: TOKEN });
      procs.push(receiver);
    }

    const rows = cells.map(toRow);
    const table = resultsTable(rows, FLOOR, [FLOOR, HONO, HONO_LIMIT]);
    const costs = costTable(rows, FLOOR, [FLOOR, HONO, HONO_LIMIT]);
    process.stdout.write(`${table}\n\n${costs}\n`);
    const section = report({ startedAt, load1, load2: loadavg(), table, costs, rows, trueTimes, commands, profiles, receiverRssMb });
    if (process.env.BENCH_NO_WRITE) process.stdout.write(`\n${section}\n`);
    else {
      writeSection(RESULTS, SECTION, section);
      log(`wrote the "## Receiver webhook" section of ${RESULTS}`);
    }
  } finally {
    for (const p of procs) await p.stop();
    client.disconnect();
    await redis.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function post(url: string, body: string): Promise<void> {
  const res = await fetch(`${url}/v1/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body,
  });
  if (res.status !== 200) throw new Error(`setup webhook answered ${res.status}: ${await res.text()}`);
}

/** `true`'s own run, one at a time on an otherwise idle benchmark: bare execa, and the receiver's runArgv. */
async function measureTrue() {
  const timed = async (run: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < TRUE_RUNS; i++) {
      const t0 = performance.now();
      await run();
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
  };
  return {
    execa: await timed(() => execa('true', [], { reject: false, stdin: 'ignore' })),
    runArgv: await timed(() => runArgv(['true'], { timeoutMs: 30_000 })),
  };
}

/** Commands the receiver ran, from its /metrics (the executor histogram). */
function executorCounts(metrics: string) {
  const sum = (re: RegExp) => [...metrics.matchAll(re)].reduce((s, m) => s + Number(m[1]), 0);
  const ok = sum(/^alertscale_executor_duration_seconds_count\{[^}]*outcome="scaled"[^}]*\} (\S+)$/gm);
  const failed = sum(/^alertscale_executor_duration_seconds_count\{[^}]*outcome="failed"[^}]*\} (\S+)$/gm);
  const seconds = sum(/^alertscale_executor_duration_seconds_sum\{[^}]*\} (\S+)$/gm);
  return { ok, failed, meanMs: (1000 * seconds) / Math.max(1, ok + failed) };
}

function rssMb(pid: number): number {
  const kb = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
}

function commandsCheck(extra: number): string {
  if (extra === 0) return ': every scaled answer ran exactly one command';
  // A request in flight when autocannon stops a run is still processed; its answer is never read.
  if (extra > 0) return `: ${extra} more commands than answers seen (requests in flight when a run stopped: processed, answer unread)`;
  return `: ${-extra} scaled answers without a command — a bug`;
}

/** Versions of the non-Node parts, read at run time. */
function redisVersion(): string {
  return execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).match(/v=(\S+)/)?.[1] ?? '?';
}

function report(r: {
  startedAt: Date;
  load1: number[];
  load2: number[];
  table: string;
  costs: string;
  rows: ReturnType<typeof toRow>[];
  trueTimes: Awaited<ReturnType<typeof measureTrue>>;
  commands: ReturnType<typeof executorCounts> & { scaledAnswers: number };
  profiles: { target: string; markdown: string; summary: ProfileSummary; served: number }[];
  receiverRssMb: number;
}): string {
  const row = (target: string, c: number) => r.rows.find((x) => x.target === target && x.connections === c)!;
  const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(0)} %`;
  const goal1 = CONNECTIONS.map((c) => `c=${c}: ${pct(row(NO_SPAWN, c).rps, row(FLOOR, c).rps)}`).join(', ');
  const goal1ok = CONNECTIONS.every((c) => row(NO_SPAWN, c).rps >= 0.5 * row(FLOOR, c).rps);
  const goal1none = CONNECTIONS.every((c) => row(NO_SPAWN, c).rps < 0.5 * row(FLOOR, c).rps);
  const s1 = row(SPAWN, 1);
  const added1 = s1.p99 - row(FLOOR, 1).p99;
  const cpuTimesFloor = CONNECTIONS.map((c) => `${(row(NO_SPAWN, c).serverCpuUs / row(FLOOR, c).serverCpuUs).toFixed(0)}×`).join(' / ');
  const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  return `
Command: \`npx tsx bench/receiver.ts\` — ${r.startedAt.toISOString()}, ${machine()}, redis-server ${redisVersion()}.
Load average at start ${la(r.load1)}, at end ${la(r.load2)} (other sessions share this machine; the runs are interleaved so their load \
falls on every target alike).
${RUNS} runs × ${SECONDS} s per cell, median of the runs; autocannon ${CONNECTIONS.join('/')} keep-alive connections, one request at a \
time each; every target is its own process on loopback
(\`./bin/alertscale.js receiver\`, its JSON logs at the default level to /dev/null; \`node --import tsx bench/floor-server.ts\`); a real \
\`redis-server\` started by the bench; bearer token on.
Latency is per response (fractional ms, all answers counted); "answers" tallies every response by outcome (\`200 <outcome>\`) or \
\`<status> <error code>\`.

- **floor**: \`node:http\` that reads the body, \`JSON.parse\`s it and answers a small JSON 200 — what any Node webhook receiver must at \
least do. It gets the same bodies as no-spawn. The goal's ratios are against this floor.
- **Hono floor**: the receiver's framework alone — Hono on \`@hono/node-server\`, one route doing \`await c.req.json()\` and \`c.json(…)\` \
(\`bench/floor-hono.ts\`): what is left for the receiver's own work between the two floors.
- **Hono floor + hono/body-limit** (c=10 only, a diagnostic): the Hono floor with the receiver's \`bodyLimit({ maxSize: 1 MiB })\` in front.
- **no-spawn (128 pools)**: decisions that run nothing, alternately a pool at its target (\`no_change\`, ${STILL_POOLS} pools) and a pool \
inside a 1 h cooldown (\`cooldown\`, ${COOL_POOLS} pools). Full path: auth, zod, the pool's in-process queue, one script to lock and read \
pool state and alert history, decision, one script to write the audit entry, pool state and history and release the lock, metrics, log line.
- **no-spawn, one pool**: the same decision, every request for one pool. They wait in the pool's in-process queue \
(\`src/receiver/pool-queue.ts\`) and take the pool the moment the previous decision ends, giving up after 1 s with 503 \`pool_busy\`.
- **spawn (512 pools)**: every request is a real scale: the bench rotates over ${SPIN_POOLS} pools (\`cooldown: 0s\`) and asks each for \
the opposite of what its last answer left it at (1 ↔ 3 replicas), so each answer is \`scaled\` and starts \`command: ["true"]\`. One pool \
cannot do this: its lock is held while its command runs, so a hot pool gives \`no_change\`/\`pool_busy\` instead of spawns; spreading over \
pools measures the spawn cost honestly rather than the lock. The receiver answers *before* the command runs (so a slow command never holds \
Alertmanager's request open; docs/ARCHITECTURE.md), and starts the command on the next turn of the event loop, after the answer is \
written; a spawn-path answer still competes with the forks and completion work of earlier commands on the same event loop, but never \
contains its own command's start or run.

${r.table}

What each request cost (medians of the runs; CPU from /proc/<pid>/stat of each process before and after a run, divided by the requests \
served (one audit XADD each, so the requests in flight when a run stopped count too); Redis calls from \`INFO commandstats\`). Unlike \
req/s, CPU per request hardly moves with the machine's other load, so this is the steadier comparison:

${r.costs}

\`true\`'s own run (${TRUE_RUNS} sequential runs in the bench process, same run, before any load): bare \`execa('true')\` \
p50 ${r.trueTimes.execa.p50.toFixed(2)} ms, p99 ${r.trueTimes.execa.p99.toFixed(2)} ms; through the receiver's \`runArgv\` (all output \
captured) p50 ${r.trueTimes.runArgv.p50.toFixed(2)} ms, p99 ${r.trueTimes.runArgv.p99.toFixed(2)} ms.
Inside the receiver under load the commands took ${r.commands.meanMs.toFixed(1)} ms on average (its executor histogram): ${r.commands.ok} \
ran and succeeded, ${r.commands.failed} failed; the bench saw ${r.commands.scaledAnswers} \`scaled\` answers (warm-up included) \
+ ${COOL_POOLS} setup scales \
= ${r.commands.scaledAnswers + COOL_POOLS}${commandsCheck(r.commands.ok + r.commands.failed - r.commands.scaledAnswers - COOL_POOLS)}.

**Goals.**
- No-spawn throughput ≥ 50 % of the floor: ${goal1} — ${
    goal1ok
      ? 'met at every concurrency'
      : goal1none
        ? 'not met at any concurrency (see the findings below)'
        : 'not met at every concurrency (see the findings below)'
  }. By CPU per request (the steadier figure) the no-spawn path costs ${cpuTimesFloor} the floor at c=${CONNECTIONS.join('/')}.
- Added latency ≤ 5 ms p99 on the spawn path, at c=1 (no queueing): spawn p99 ${s1.p99.toFixed(2)} ms − floor \
p99 ${row(FLOOR, 1).p99.toFixed(2)} ms = **${added1.toFixed(2)} ms** — ${added1 <= 5 ? 'met' : 'not met'}. Nothing is subtracted for \
\`true\`: the receiver answers before the command starts, so its run is not in the answer (\`true\` alone: execa p99 \
${r.trueTimes.execa.p99.toFixed(2)} ms); what remains is the receiver's own work plus the forks of earlier requests that land on the same \
event loop. \
Medians: spawn p50 ${s1.p50.toFixed(2)} ms against no-spawn p50 ${row(NO_SPAWN, 1).p50.toFixed(2)} ms. \
At c=10/50 the p99 is mostly queueing (latency ≈ connections ÷ throughput) and follows throughput, not per-request cost.

### Where the receiver's time goes (\`node --cpu-prof\`)

${r.profiles.map((p) => p.markdown).join('\n')}
${findings(r)}`;
}

/** What the numbers above say about src/receiver, for whoever changes it; every figure is from this run. */
function findings(r: Parameters<typeof report>[0]): string {
  const row = (target: string, c: number) => r.rows.find((x) => x.target === target && x.connections === c)!;
  const us = (x: number) => `${Math.round(x)} µs`;
  const share = (p: (typeof r.profiles)[number] | undefined, owner: string) => {
    const found = p?.summary.causedBy.find((x) => x.name === owner) ?? p?.summary.selfByOwner.find((x) => x.name === owner);
    return found ? `${found.percent.toFixed(0)} %` : 'n/a';
  };
  const fnShare = (p: (typeof r.profiles)[number] | undefined, fn: string) => {
    const found = p?.summary.topFunctions.find((x) => x.name.startsWith(fn));
    return found ? { percent: found.percent, msPer: found.ms / Math.max(1, p!.served) } : undefined;
  };
  const noSpawnProfile = r.profiles.find((p) => p.target === NO_SPAWN);
  const spawnProfile = r.profiles.find((p) => p.target === SPAWN);
  const hono = row(HONO, 10).serverCpuUs;
  const limit = row(HONO_LIMIT, 10).serverCpuUs;
  const ns10 = row(NO_SPAWN, 10);
  const hot50 = row(HOT, 50);
  const spawn10 = row(SPAWN, 10);
  const fork = fnShare(spawnProfile, 'ChildProcess.spawn');
  const forkShare = fork ? `; ChildProcess.spawn is ${fork.percent.toFixed(0)} % of the busy time in the spawn profile` : '';
  const calls = Object.values(ns10.redisPerRequest).reduce((a, b) => a + b, 0);
  return `
### Findings

Per request at c=10 the receiver's no-spawn path costs ${us(ns10.serverCpuUs)} of CPU in the receiver and ${us(ns10.redisCpuUs)} in \
redis-server, against ${us(row(FLOOR, 10).serverCpuUs)} for the floor and ${us(hono)} for the Hono floor.

Where the rest of that goes, by the design choices it measures (each figure from this run):
1. **Body limit without hono/body-limit.** The Hono floor costs ${us(hono)}/req and the same with \`hono/body-limit\` ${us(limit)}/req (it \
builds a full WHATWG Request per webhook); the receiver instead checks Content-Length (or counts a chunked body while it streams) and \
reads the body with \`c.req.text()\` (\`src/receiver/body.ts\`).
2. **Two Redis scripts per decision** (\`src/state/decision-store.ts\`): lock + read, and record + unlock — ${calls.toFixed(1)} commands \
per request as INFO commandstats counts them (the scripts' inner commands included), 2 round trips; redis-server \
spends ${us(ns10.redisCpuUs)} per request, ${(ns10.redisCpuUs / row(FLOOR, 10).serverCpuUs).toFixed(1)} × the floor's whole CPU per \
request. ioredis is charged ${share(noSpawnProfile, 'ioredis')} of the receiver's busy time.
3. **Asynchronous log lines**: pino writes through an asynchronous destination (sonic-boom charged ${share(noSpawnProfile, 'sonic-boom')}).
4. **Requests for one pool queue inside the process** (\`src/receiver/pool-queue.ts\`) and take it the moment it frees: one pool at c=50 \
has p99 ${ms(hot50.p99)} ms and ${hot50.non2xx} × 503 \`pool_busy\` over ${hot50.requests} requests.
5. **A scale starts its command after the answer is written** (\`setImmediate\` in \`actOnPool\`), so the fork is not in the webhook's \
latency; it still costs the event loop ${us(spawn10.serverCpuUs)} of receiver CPU per spawning request \
(${(100 * spawn10.serverSysShare).toFixed(0)} % in the kernel: fork copies the page tables of a ${r.receiverRssMb} MB \
process${forkShare}), and spawns peaked at ${Math.round(Math.max(...CONNECTIONS.map((c) => row(SPAWN, c).rps)))}/s in this run.
6. **The 50 % goal.** A decision takes a Redis lock, reads state, and appends a durable audit entry, so it is measured against a bare \
\`JSON.parse\` server that does none of that: the no-spawn path's redis-server CPU alone \
is ${(ns10.redisCpuUs / row(FLOOR, 10).serverCpuUs).toFixed(1)} × the floor's CPU per request (item 2). Against the Hono floor the \
no-spawn path reaches ${((100 * ns10.rps) / row(HONO, 10).rps).toFixed(0)} % of its req/s at c=10; in absolute terms it \
made ${Math.round(ns10.rps)} decisions/s at c=10 on this machine (${availableParallelism()} CPUs), Redis included.
`;
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
