import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileLines } from '../../test/helpers/receiver-process.js';
import { notification, startTestReceiver, type TestReceiver } from '../../test/helpers/receiver.js';
import type { TestRedis } from '../../test/helpers/redis.js';
import { startSentinel } from '../../test/helpers/sentinel.js';
import type { FaultResult } from './report.js';

const POOLS = 8;
/** Webhook streams per pool in the failover trials (each waits for its answer), for a rate near the issue's 200/s. */
const STREAMS_PER_POOL = 3;

/** Pools p0…p3 whose command notes "pool from to" per run. */
function poolsYaml(dir: string): string {
  const pools = Array.from(
    { length: POOLS },
    (_, i) => `  p${i}:
    min: 1
    max: 100000
    cooldown: { up: 0s, down: 0s }
    executor: { kind: command, scale: ["sh", "-c", "echo \\"$0 $1 $2\\" >> ${dir}/ran", "{pool}", "{current}", "{replicas}"] }`,
  );
  return `pools:\n${pools.join('\n')}\n`;
}

let n = 0;
const stepAlert = (pool: string) =>
  notification({
    pool,
    annotations: { step: '1' },
    fingerprint: `r${(n++).toString(16).padStart(15, '0')}`,
    startsAt: new Date(Date.now() - 1000).toISOString(),
  });

/**
 * Per pool: commands that reached a count already reached (a double action), and commands without an
 * entry that says they ran (a lost record): `scaled` with its end, or `interrupted` (started, end
 * not seen, which the issue allows after a holder lost its lease); `interrupted` ones are counted too.
 */
async function audit(dir: string, rx: TestReceiver): Promise<{ commands: number; doubles: number; lost: number; interrupted: number }> {
  const commands = fileLines(join(dir, 'ran')).map((l) => l.split(' '));
  let doubles = 0;
  let lost = 0;
  let interrupted = 0;
  for (let i = 0; i < POOLS; i++) {
    const tos = commands.filter(([p]) => p === `p${i}`).map(([, , to]) => Number(to));
    doubles += tos.length - new Set(tos).size;
    const entries = (await rx.get(`/v1/audit?pool=p${i}&limit=1000`)).body.entries as { to: number; status: string; outcome: string }[];
    const ran = entries.filter((e) => e.status === 'done' && (e.outcome === 'scaled' || e.outcome === 'interrupted'));
    const recorded = new Set(ran.map((e) => e.to));
    interrupted += ran.filter((e) => e.outcome === 'interrupted').length;
    const missing = tos.filter((to) => !recorded.has(to));
    lost += missing.length;
    for (const to of missing) process.stderr.write(`lost record p${i} → ${to}: ${JSON.stringify(entries.filter((e) => e.to === to))}\n`);
    if (tos.length !== new Set(tos).size)
      process.stderr.write(`double action p${i}: ${JSON.stringify(commands.filter(([p]) => p === `p${i}`))}\n`);
  }
  return { commands: commands.length, doubles, lost, interrupted };
}

/** Alertmanager's delivery: retried on 5xx until a 2xx (or 4xx) answer. */
async function deliver(rx: TestReceiver, body: unknown): Promise<number> {
  for (let tries = 1; ; tries++) {
    const res = await rx.post('/v1/alertmanager', body);
    if (res.status < 500) return tries;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The Sentinel master killed (or failed over) while four streams of webhooks run. */
export async function sentinelFailover(root: string, trials: number): Promise<FaultResult> {
  let doubles = 0;
  let lost = 0;
  let interrupted = 0;
  let commands = 0;
  let posts = 0;
  let notifications = 0;
  let seconds = 0;
  let neverReady = 0;
  for (let t = 0; t < trials; t++) {
    const dir = mkdtempSync(join(root, 'sentinel-'));
    const sentinel = await startSentinel();
    const rx = await startTestReceiver(
      `redis:\n  sentinels: [${sentinel.sentinels.map((s) => `{ host: ${s.host}, port: ${s.port} }`).join(', ')}]\n` +
        `  name: ${sentinel.name}\n${poolsYaml(dir)}`,
      'redis://unused',
    );
    let streaming = true;
    const started = Date.now();
    const streams = Array.from({ length: POOLS * STREAMS_PER_POOL }, async (_, s) => {
      const i = s % POOLS;
      while (streaming) {
        const tries = await deliver(rx, stepAlert(`p${i}`));
        posts += tries;
        notifications++;
      }
    });
    let sawNotReady = false;
    const watch = (async () => {
      while (streaming) {
        if ((await rx.get('/readyz')).status === 503) sawNotReady = true;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await new Promise((r) => setTimeout(r, 1_000));
    const old = await sentinel.masterPort();
    if (t % 2 === 0) {
      await sentinel.killMaster();
      await sentinel.restart(old);
    } else {
      await sentinel.failover();
    }
    await new Promise((r) => setTimeout(r, 1_000));
    streaming = false;
    await Promise.all([...streams, watch]);
    seconds += (Date.now() - started) / 1000;
    await rx.receiver.idle();
    const seen = await audit(dir, rx);
    doubles += seen.doubles;
    lost += seen.lost;
    interrupted += seen.interrupted;
    commands += seen.commands;
    if (t % 2 === 0 && !sawNotReady) neverReady++;
    await rx.close();
    await sentinel.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    fault: 'Redis Sentinel failover during a stream of webhooks',
    injection:
      'redis-server ×2 + redis-sentinel ×3; every other trial SIGKILL of the master (then restarted as a replica), ' +
      `else SENTINEL FAILOVER; ${POOLS} pools, ${STREAMS_PER_POOL} streams of step alerts each, each retried on 5xx as Alertmanager does`,
    trials,
    checked:
      'a count reached twice in a pool (double action); an executed command without an entry on the new master ' +
      'that says it ran, `scaled` or `interrupted` (lost record); /readyz 503 while no master',
    result:
      `${doubles} double actions, ${lost} lost records (${interrupted} completed \`interrupted\`), ` +
      `over ${commands} commands for ${notifications} notifications, ` +
      `${posts} webhook posts with the 5xx retries (${(posts / seconds).toFixed(0)}/s); ` +
      `/readyz not ready during ${Math.ceil(trials / 2) - neverReady} of ${Math.ceil(trials / 2)} master kills`,
    ok: doubles === 0 && lost === 0,
  };
}

/** Two receivers on one Redis, each notification delivered 5× to each at once. */
export async function concurrentCopies(root: string, redis: TestRedis, trials: number): Promise<FaultResult> {
  const dir = mkdtempSync(join(root, 'copies-'));
  const yaml = `redis: { url: REDIS_URL, keyPrefix: 'copies:' }\n${poolsYaml(dir)}`;
  const [a, b] = await Promise.all([startTestReceiver(yaml, redis.url), startTestReceiver(yaml, redis.url)]);
  try {
    for (let t = 0; t < trials; t++) {
      const body = stepAlert(`p${t % POOLS}`);
      await Promise.all([a, b].flatMap((rx) => Array.from({ length: 5 }, () => deliver(rx, body))));
    }
    await Promise.all([a.receiver.idle(), b.receiver.idle()]);
    const seen = await audit(dir, a);
    return {
      fault: 'two receivers on one Redis, concurrent copies',
      injection:
        'two receivers (own connections and queues) on one redis-server; each notification sent 5× to each at once, retried on 5xx',
      trials,
      checked: 'commands per notification (each is one new step alert)',
      result: `${seen.commands} commands for ${trials} notifications; ${seen.doubles} double actions; ${seen.lost} lost records`,
      ok: seen.commands === trials && seen.doubles === 0 && seen.lost === 0,
    };
  } finally {
    await Promise.all([a.close(), b.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The suite's fuzz files, once per seed. */
export function fuzzRuns(trials: number): FaultResult {
  const seeds = Array.from({ length: trials }, (_, i) => 1_000 + i * 7_919);
  const failed = seeds.filter((seed) => {
    try {
      execFileSync('npx', ['vitest', 'run', 'test/integration/receiver-fuzz.test.ts', 'test/unit/config-fuzz.test.ts'], {
        env: { ...process.env, FUZZ_SEED: String(seed) },
        stdio: 'ignore',
      });
      return false;
    } catch {
      return true;
    }
  });
  return {
    fault: 'fuzz: generated and mutated input',
    injection:
      'fast-check: webhook bodies, scale and pause/resume bodies and paths, audit query strings (10,000 per run) ' +
      'and mutated alertscale.yml (1,500 per run)',
    trials,
    checked:
      'no 5xx but 503, every 4xx in the error shape, no command outside the pools and bounds, ' +
      'every config accepted or rejected at file:line',
    result:
      `${trials * 11_500} inputs over ${trials} seeds (${seeds.join(', ')}); ` +
      `${failed.length} runs failed${failed.length ? ` (seeds ${failed.join(', ')})` : ''}`,
    ok: failed.length === 0,
  };
}
