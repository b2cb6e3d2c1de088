import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoKeys } from '../../src/demo/keys.js';
import { enqueueJobs } from '../../src/demo/stress.js';
import { demoTally, type DemoTally } from '../../src/demo/tally.js';
import type { Stack } from '../../src/cli/stack/stack.js';
import { waitFor } from '../../test/helpers/ports.js';
import { api, redisOf, startTestStack } from '../../test/e2e/stack-helpers.js';
import { liveWorkers, startLedger, type JobRecord, type Sample } from './ledger.js';
import { poolBounds, type Policy } from './policies.js';
import { traceEndS, type Trace } from './trace.js';

/** The demo pool's queue (alertscale.yml `queues.demo-jobs`) and its pm2 app. */
const QUEUE = demoKeys('demo:jobs', 'demo');
const APP = 'demo';

export interface RunOptions {
  /** Seconds measured after the last job would end if started on arrival. */
  tailS: number;
  /** Longest extra wait for stragglers after the window before counting them lost. */
  drainS: number;
  /** Run the web pool (gunicorn) in the stack too. */
  web: boolean;
  log: (line: string) => void;
  /**
   * Resolves when this run may start its trace (every stack of the round is up, plus this run's
   * offset): no stack boots, the CPU-heavy part of a run, while another one is measured.
   */
  started?: () => Promise<void>;
}

/** Raw observations of one policy on one trace; times relative to t0 (first possible arrival). */
export interface PolicyRun {
  policy: string;
  t0: number;
  windowS: number;
  jobs: JobRecord[];
  samples: Sample[];
  tally: DemoTally;
  scaleActions: number;
}

async function promReady(stack: Stack): Promise<void> {
  await waitFor(
    'Prometheus to scrape the demo queue',
    async () => {
      const res = await fetch(`${stack.urls.prometheus}/api/v1/query?query=${encodeURIComponent('alertscale_queue_length{pool="demo"}')}`);
      const body = (await res.json()) as any;
      return body.status === 'success' && body.data.result.length > 0;
    },
    60_000,
    250,
  );
}

/** One policy on one trace, on a fresh stack that is stopped and removed afterwards. */
export async function runPolicy(policy: Policy, trace: Trace, opts: RunOptions): Promise<PolicyRun> {
  const stack = await startTestStack({ demo: policy.pool }, { ruleFiles: policy.ruleFiles, web: opts.web });
  const redis = redisOf(stack);
  const pm2Home = join(stack.dir, 'pm2');
  const { min } = poolBounds(policy);
  let keep = false;
  try {
    await promReady(stack);
    // The stack starts the pool with 1 worker; a policy starts at its min, as a running pool would.
    if (min !== 1) {
      // `pm2 scale APP 0` deletes the app (nothing could wake it): stop its one process instead,
      // as the pm2 executor does.
      const r = await stack.pm2(min === 0 ? ['stop', APP] : ['scale', APP, String(min)]);
      if (!r.ok) throw new Error(`${policy.id}: pm2 scale ${APP} ${min} failed: ${r.error}`);
    }
    await waitFor(`${policy.id}: ${min} worker(s) alive`, () => liveWorkers(pm2Home, APP) === min, 60_000, 250);
    await opts.started?.();
    const ledger = startLedger({ redis, keys: QUEUE, pm2Home, app: APP });
    const t0 = Date.now();
    const runId = `q${t0.toString(36)}`;
    for (const [i, job] of trace.jobs.entries()) {
      const due = t0 + job.atS * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
      const at = Date.now();
      const r = await enqueueJobs({ redis, queueKey: QUEUE.queue }, { tasks: 1, jobMs: job.durationMs, runId: `${runId}x${i}` });
      ledger.enqueued(r.firstId, at);
    }
    const windowS = traceEndS(trace.jobs) + opts.tailS;
    opts.log(`${trace.name}/${policy.id}: all ${trace.jobs.length} jobs enqueued; measuring until ${windowS.toFixed(0)} s`);
    await sleep(Math.max(0, t0 + windowS * 1000 - Date.now()));
    const allDone = () => [...ledger.jobs.values()].every((j) => j.doneAt !== undefined);
    await waitFor(`${policy.id}: stragglers`, allDone, opts.drainS * 1000, 500).catch(() => undefined);
    await ledger.stop();
    if (!allDone()) {
      await keepForDiagnosis(stack, `${trace.name}/${policy.id}`, opts.log);
      keep = true;
    }
    const tally = await demoTally(redis, QUEUE.queue);
    const { body } = await api(stack)('/v1/audit?pool=demo&outcome=scaled&limit=1000');
    return {
      policy: policy.id,
      t0,
      windowS,
      jobs: [...ledger.jobs.values()],
      samples: ledger.samples,
      tally,
      scaleActions: body.entries.length,
    };
  } finally {
    await redis.del(QUEUE.queue).catch(() => undefined);
    redis.disconnect();
    await stack.stop();
    if (!keep) rmSync(stack.dir, { recursive: true, force: true });
  }
}

/**
 * A run that left jobs not done keeps its stack dir (the daemons' logs/) with the pool's whole
 * audit log and state beside them: a lost job is a defect to diagnose, and the stack is gone after.
 */
async function keepForDiagnosis(stack: Stack, run: string, log: (line: string) => void): Promise<void> {
  const call = api(stack);
  const [audit, pool] = await Promise.all([call('/v1/audit?pool=demo&limit=1000'), call('/v1/pools/demo')]);
  writeFileSync(join(stack.dir, 'audit.json'), `${JSON.stringify(audit.body, null, 1)}\n`);
  writeFileSync(join(stack.dir, 'pool.json'), `${JSON.stringify(pool.body, null, 1)}\n`);
  log(`${run}: jobs not done; stack dir kept for diagnosis: ${stack.dir} (logs/, audit.json, pool.json)`);
}
