import { machine, writeSection } from './results-file.js';
/**
 * Reaction-time benchmark: load step → first executed scale-up, through the real loop
 * (exporter → Prometheus rule → Alertmanager → receiver → pm2), beside the floor the demo timings
 * set (scrape + evaluation + `for:` + group_wait, from DEMO_TIMINGS and DEMO_ALERTMANAGER_TIMINGS).
 *
 *   npx tsx bench/reaction.ts          (BENCH_RUNS=10 by default; BENCH_NO_WRITE=1 to skip RESULTS.md)
 *
 * One FRESH stack per run (startTestStack: free ports, temp dir). Reusing a stack would need, per
 * run, the queue drained, the pool back at min (DemoWorkersIdle `for: 5s` + cooldown), both alerts
 * resolved AND Alertmanager's emptied {pool,scale=up} group gone: a re-fire
 * inside that window leaves on the next group_interval tick, not after group_wait, which would
 * measure Alertmanager's group lifecycle instead of the reaction. A fresh stack costs ~10 s and
 * has no leftover cooldown, alert history, group or TSDB samples; each run warms up first (targets
 * scraped, rules evaluated, one receiver request) so cold start is not measured.
 *
 * Per run, all times in ms after t0 = the moment enqueueJobs() returned (the load step):
 *   scraped   timestamp of the first TSDB sample of alertscale_queue_length{pool="demo"} showing the load
 *   active    Prometheus activeAt of DemoQueueBacklog (GET /api/v1/alerts): the evaluation that saw it
 *   fired     the alert's startsAt as the receiver got it (Prometheus's firing evaluation, = active + for)
 *   webhook   arrival of that notification at the receiver (its request log line: time − ms)
 *   decision  the audit entry's `time` (after lock, state reads and the pm2 jlist probe; the command starts now)
 *   executed  decision + the entry's durationMs (`pm2 scale` finished)
 */
import { readFileSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_ALERTMANAGER_TIMINGS } from '../alertmanager/demo.js';
import { DEMO_TIMINGS } from '../prometheus/demo.js';
import { parsePrometheusDuration } from '../src/config/duration.js';
import { demoKeys } from '../src/demo/keys.js';
import { enqueueJobs } from '../src/demo/stress.js';
import type { Stack } from '../src/cli/stack/stack.js';
import { waitFor } from '../test/helpers/ports.js';
import { api, redisOf, startTestStack } from '../test/e2e/stack-helpers.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const TASKS = 200; // ceil(200/10) = 20 > 1 alive worker: the rule is true on the first evaluation after the scrape
const JOB_MS = 300; // one worker drains ~3 jobs/s, so the queue stays far above 10 through the `for:` window
/** Pool overrides: no up-cooldown, and a first step of +3 (1 → 4) as in the e2e test. */
const POOL = { demo: { max: 4, maxStep: 3, cooldown: { up: '0s', down: '4s' } } };
const ALERT = 'DemoQueueBacklog';
/** The demo pool's queue (alertscale.yml `queues.demo-jobs`), as the e2e test addresses it. */
const QUEUE = demoKeys('demo:jobs', 'demo');
const SECTION = '## Reaction time (load → first scale action)';
const RESULTS = new URL('./RESULTS.md', import.meta.url).pathname;

const ms = (d: string) => {
  const v = parsePrometheusDuration(d);
  if (v === undefined) throw new Error(`bench/reaction: cannot parse duration ${d}`);
  return v;
};
const FLOOR = {
  scrape: ms(DEMO_TIMINGS.scrapeInterval),
  evaluation: ms(DEMO_TIMINGS.evaluationInterval),
  for: ms(DEMO_TIMINGS.scaleUpFor),
  groupWait: ms(DEMO_ALERTMANAGER_TIMINGS.groupWait),
};
const FLOOR_MS = FLOOR.scrape + FLOOR.evaluation + FLOOR.for + FLOOR.groupWait;
const GOAL_MS = FLOOR_MS + 1000;
const BELOW_FLOOR =
  '; below the floor because the floor counts a whole scrape and a whole evaluation of waiting, a run waits half of each on average';

interface Run {
  n: number;
  enqueueMs: number;
  scraped: number | null;
  active: number | null;
  fired: number;
  webhook: number | null;
  decision: number;
  executed: number;
  commandMs: number;
  from: number;
  to: number;
  startMs: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => {
  const s = sorted(xs);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function promGet(stack: Stack, path: string): Promise<any> {
  const res = await fetch(`${stack.urls.prometheus}${path}`);
  const body = (await res.json()) as any;
  if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${JSON.stringify(body).slice(0, 300)}`);
  return body.data;
}

/** Targets up, the demo queue series scraped, and the demo rule group evaluated at least twice. */
async function warmUp(stack: Stack, call: ReturnType<typeof api>): Promise<void> {
  await waitFor(
    'Prometheus to scrape the demo queue series',
    async () => {
      const data = await promGet(stack, `/api/v1/query?query=${encodeURIComponent('alertscale_queue_length{pool="demo"}')}`);
      return data.result.length > 0;
    },
    30_000,
    200,
  );
  const evaluations = async () => {
    const data = await promGet(stack, '/api/v1/rules?type=alert');
    const group = data.groups.find((g: any) => g.name === 'alertscale-demo');
    return group ? Date.parse(group.lastEvaluation) : 0;
  };
  const first = await evaluations();
  await waitFor('the demo rule group to be evaluated again', async () => (await evaluations()) > first + 500, 10_000, 200);
  if ((await call('/v1/pools/demo')).status !== 200) throw new Error('receiver: GET /v1/pools/demo failed during warm-up');
}

/** Arrival of a request at the receiver: its pino line is written at the end, with `ms` taken. */
function webhookArrival(stack: Stack, requestId: string): number | null {
  const file = `${stack.dir}/logs/receiver.log`;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes(requestId)) continue;
    try {
      const e = JSON.parse(line);
      if (e.msg === 'request' && e.requestId === requestId && e.path === '/v1/alertmanager') return e.time - e.ms;
    } catch {
      // not a JSON line (e.g. a stack trace)
    }
  }
  return null;
}

async function oneRun(n: number): Promise<Run> {
  const started = Date.now();
  const stack = await startTestStack(POOL);
  const redis = redisOf(stack);
  const call = api(stack);
  try {
    await warmUp(stack, call);
    const startMs = Date.now() - started;
    // A random phase against the 1 s scrape/evaluation ticks, so runs sample the whole cycle.
    await sleep(Math.floor(Math.random() * 1000));
    const before = Date.now();
    await enqueueJobs({ redis, queueKey: QUEUE.queue }, { tasks: TASKS, jobMs: JOB_MS, runId: `bench-reaction-${n}` });
    const t0 = Date.now();

    let entry: any;
    await waitFor(
      'the first scale-up to be executed',
      async () => {
        const { body } = await call('/v1/audit?pool=demo&outcome=scaled&limit=10');
        // Newest first: the last `up` entry is the first scale-up; wait until its command has ended.
        entry = body.entries.findLast((e: any) => e.scale === 'up');
        return entry?.status === 'done';
      },
      30_000,
      100,
    );
    const decisionAt = Date.parse(entry.time);
    const firing = entry.alerts.find((a: any) => a.alertname === ALERT);
    if (!firing) throw new Error(`run ${n}: the first scale-up came from ${JSON.stringify(entry.alerts)}, not ${ALERT}`);

    const alerts = await promGet(stack, '/api/v1/alerts');
    const alert = alerts.alerts.find((a: any) => a.labels.alertname === ALERT && a.labels.pool === 'demo');
    // Raw samples (with scrape timestamps) of the queue series over the last minute.
    const raw = await promGet(stack, `/api/v1/query?query=${encodeURIComponent('alertscale_queue_length{pool="demo"}[1m]')}`);
    const samples: [number, string][] = raw.result.flatMap((s: any) => s.values);
    const loaded = samples.filter(([, v]) => Number(v) > 10).map(([t]) => t * 1000);
    const rel = (t: number | null | undefined) => (t === null || t === undefined || Number.isNaN(t) ? null : t - t0);
    const arrival = webhookArrival(stack, entry.requestId);
    return {
      n,
      enqueueMs: t0 - before,
      scraped: rel(loaded.length ? Math.min(...loaded) : null),
      active: rel(alert ? Date.parse(alert.activeAt) : null),
      fired: Date.parse(firing.startsAt) - t0,
      webhook: rel(arrival),
      decision: decisionAt - t0,
      executed: decisionAt + entry.durationMs - t0,
      commandMs: entry.durationMs,
      from: entry.from,
      to: entry.to,
      startMs,
    };
  } finally {
    // Drop the backlog so the workers stop after the job in hand; then stop everything.
    await redis.del(QUEUE.queue).catch(() => undefined);
    redis.disconnect();
    await stack.stop();
    rmSync(stack.dir, { recursive: true, force: true });
  }
}

const s = (v: number | null) => (v === null ? '–' : (v / 1000).toFixed(2));
const hop = (a: number | null, b: number | null) => (a === null || b === null ? '–' : `${b - a}`);

/** First line of a tool's --version, read at run time. */
function versionOf(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8' })
    .split('\n')[0]!
    .replace(/ \(.*| sha=.*/, '')
    .trim();
}

function report(runs: Run[], wallMs: number): string {
  const dec = runs.map((r) => r.decision);
  const exe = runs.map((r) => r.executed);
  const med = median(exe);
  const verdict = med <= GOAL_MS ? 'met' : 'MISSED';
  const rows = runs.map(
    (r) =>
      `| ${r.n} | ${s(r.scraped)} | ${s(r.active)} | ${s(r.fired)} | ${s(r.webhook)} | ${s(r.decision)} | ${s(r.executed)} | ` +
      `${hop(0, r.scraped)} / ${hop(r.scraped, r.active)} / ${hop(r.active, r.fired)} ` +
      `/ ${hop(r.fired, r.webhook)} / ${hop(r.webhook, r.decision)} / ${r.commandMs} | ${r.from}→${r.to} |`,
  );
  const hopMedian = (f: (r: Run) => number | null) => {
    const xs = runs.map(f).filter((x): x is number => x !== null);
    return xs.length ? `${Math.round(median(xs))}` : '–';
  };
  return [
    `Command: \`npx tsx bench/reaction.ts\` — ${new Date().toISOString().slice(0, 10)}, ` +
      `${runs.length} runs, ${(wallMs / 1000).toFixed(0)} s wall.`,
    `Machine: ${machine()} (at the end). Load average at start ${loadAtStart} (other sessions share the machine).`,
    '',
    `Setup: one fresh \`startTestStack\` per run (real redis-server ${versionOf('redis-server', ['--version'])}, ` +
      `${versionOf('prometheus', ['--version'])}, ${versionOf('prometheus-alertmanager', ['--version'])}, ` +
      'exporter, receiver, pm2 demo pool),',
    `warmed up (queue series scraped, rule group evaluated, one receiver request), then a random 0–1 s phase against the 1 s ticks.`,
    `Load step: ${TASKS} jobs of ${JOB_MS} ms in one \`enqueueJobs\` (DemoQueueBacklog ` +
      `is true from the first scrape). Pool overrides: \`${JSON.stringify(POOL.demo)}\`.`,
    'Fresh stack rather than reset: a re-fire soon after the previous group emptied ' +
      `goes out on Alertmanager's next group_interval tick, not after group_wait,`,
    'and a clean reset (drain, scale-down to min, both alerts resolved, group gone) waits for all of that; ' +
      `a new stack took ${s(median(runs.map((r) => r.startMs)))} s (median, start + warm-up) in this run.`,
    '',
    `**Floor** (DEMO_TIMINGS + DEMO_ALERTMANAGER_TIMINGS): scrape ${FLOOR.scrape} + evaluation ${FLOOR.evaluation} + ` +
      `for ${FLOOR.for} + group_wait ${FLOOR.groupWait} = **${s(FLOOR_MS)} s**; goal: median ≤ floor + 1 s = ${s(GOAL_MS)} s.`,
    '',
    '| | median | min | max |',
    '|---|---|---|---|',
    `| decision (load → audit \`time\`, command starts) | ${s(median(dec))} s | ${s(Math.min(...dec))} s | ${s(Math.max(...dec))} s |`,
    `| **executed** (load → \`pm2 scale\` finished) | **${s(med)} s** | ${s(Math.min(...exe))} s | ${s(Math.max(...exe))} s |`,
    '',
    `Goal ${verdict}: executed median ${s(med)} s vs ${s(GOAL_MS)} s (floor ${s(FLOOR_MS)} s${med <= FLOOR_MS ? BELOW_FLOOR : ''}).`,
    '',
    'Per run, seconds after t0 (enqueue returned); hops in ms: t0→scraped / scraped→active (evaluation) ' +
      '/ active→fired (`for:`) / fired→webhook (Prometheus→Alertmanager→receiver) ' +
      '/ webhook→decision (receiver: lock, reads, `pm2 jlist` probe) / command (`pm2 scale`).',
    '',
    '| run | scraped | active | fired | webhook | decision | executed | hops (ms) | scale |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Median hops (ms): scrape wait ${hopMedian((r) => r.scraped)}, ` +
      `evaluation wait ${hopMedian((r) => (r.scraped === null || r.active === null ? null : r.active - r.scraped))}, ` +
      `for ${hopMedian((r) => (r.active === null ? null : r.fired - r.active))}, ` +
      `Prometheus→receiver ${hopMedian((r) => (r.webhook === null ? null : r.webhook - r.fired))}, ` +
      `receiver to decision ${hopMedian((r) => (r.webhook === null ? null : r.decision - r.webhook))}, ` +
      `pm2 scale ${hopMedian((r) => r.commandMs)}.`,
    '',
    'Sources: scraped = first TSDB sample > 10 of `alertscale_queue_length{pool="demo"}` ' +
      '(scrape timestamp); active = `activeAt` from `GET /api/v1/alerts`;',
    "fired = the alert `startsAt` in the audit entry; webhook = the receiver's request log line (`time − ms`); " +
      'decision/executed = the first `scaled` up entry of `GET /v1/audit` (`time`, `time + durationMs`).',
  ].join('\n');
}

const wallStart = Date.now();
const loadAtStart = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
const runs: Run[] = [];
log(
  `floor ${FLOOR_MS} ms (scrape ${FLOOR.scrape} + evaluation ${FLOOR.evaluation} ` +
    `+ for ${FLOOR.for} + group_wait ${FLOOR.groupWait}); goal median ≤ ${GOAL_MS} ms`,
);
for (let n = 1; n <= RUNS; n++) {
  const r = await oneRun(n);
  runs.push(r);
  log(
    `run ${n}: decision ${r.decision} ms, executed ${r.executed} ms (scraped ${r.scraped}, ` +
      `active ${r.active}, fired ${r.fired}, webhook ${r.webhook}, ` +
      `command ${r.commandMs} ms, ${r.from}→${r.to}; enqueue ${r.enqueueMs} ms; stack+warm-up ${r.startMs} ms)`,
  );
}
const text = report(runs, Date.now() - wallStart);
process.stdout.write(`${text}\n`);
if (!process.env.BENCH_NO_WRITE) {
  writeSection(RESULTS, SECTION, text);
  log(`wrote the "${SECTION}" section of ${RESULTS}`);
}
