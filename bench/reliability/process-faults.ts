import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createAuditLog, stateKeys } from '../../src/state/index.js';
import { waitFor } from '../../test/helpers/ports.js';
import { fileLines, killProcess, postStepUp, startReceiverProcess } from '../../test/helpers/receiver-process.js';
import type { TestRedis } from '../../test/helpers/redis.js';
import { quantile, type FaultResult } from './report.js';

/**
 * A pool whose command sets the live count at once (as a real scaler does), notes start and end,
 * and runs `seconds`; `current` reads the count back. The receiver's lease is the default.
 */
function poolConfig(dir: string, redis: TestRedis, name: string, seconds: number) {
  const base = join(dir, name);
  writeFileSync(`${base}.count`, '1\n');
  const script = `echo "$0" > ${base}.count; echo "start $0" >> ${base}.log; sleep ${seconds}; echo "end $0" >> ${base}.log`;
  writeFileSync(
    `${base}.yml`,
    `redis: { url: '${redis.url}', keyPrefix: '${name}:' }
alertmanager: { url: 'http://127.0.0.1:1' }
pools:
  demo:
    min: 1
    max: 1000
    cooldown: { up: 0s, down: 0s }
    executor:
      kind: command
      scale: ["sh", "-c", ${JSON.stringify(script)}, "{replicas}"]
      current: ["cat", "${base}.count"]
      timeout: 30s
`,
  );
  const client = new Redis(redis.port, '127.0.0.1');
  return {
    config: `${base}.yml`,
    log: `${base}.log`,
    client,
    keys: stateKeys(`${name}:`),
    audit: createAuditLog(client, stateKeys(`${name}:`), 100),
  };
}

/** Receiver SIGKILLed mid-command, a new one started at once: how soon the pool is free, and what the audit says. */
export async function killMidCommand(dir: string, redis: TestRedis, trials: number): Promise<FaultResult> {
  const freeAfter: number[] = [];
  let doubles = 0;
  let leftRunning = 0;
  let notInterrupted = 0;
  for (let t = 0; t < trials; t++) {
    const pool = poolConfig(dir, redis, `kill${t}`, 3);
    const first = await startReceiverProcess(pool.config);
    const a = await postStepUp(first.url, 'demo');
    await waitFor('command start', () => fileLines(pool.log).length > 0, 30_000);
    await killProcess(first);
    const killedAt = Date.now();
    const second = await startReceiverProcess(pool.config);
    let b = await postStepUp(second.url, 'demo');
    while (b.status === 503) {
      await new Promise((r) => setTimeout(r, 50));
      b = await postStepUp(second.url, 'demo');
    }
    freeAfter.push((Date.now() - killedAt) / 1000);
    if ((await pool.audit.get(a.body.decisions[0].auditId))?.outcome !== 'interrupted') notInterrupted++;
    await waitFor('second command end', () => fileLines(pool.log).some((l) => l.startsWith('end') && l !== 'end 2'), 30_000);
    await waitFor('second entry done', async () => (await pool.audit.get(b.body.decisions[0].auditId))?.status === 'done', 10_000).catch(
      () => undefined,
    );
    await killProcess(second);
    const starts = fileLines(pool.log).filter((l) => l.startsWith('start'));
    doubles += starts.length - new Set(starts).size;
    leftRunning += (await pool.audit.query({ limit: 100 })).entries.filter((e) => e.status === 'running').length;
    pool.client.disconnect();
  }
  const p99 = quantile(freeAfter, 0.99);
  return {
    fault: 'receiver SIGKILL mid-command (then restarted at once)',
    injection: 'kill -9 of `alertscale receiver` while its 3 s scale command runs; a new receiver retries a webhook every 50 ms',
    trials,
    checked:
      'seconds until the pool takes a decision again; commands run twice; entries left `running`; the killed entry completed `interrupted`',
    result:
      `pool free again after median ${quantile(freeAfter, 0.5).toFixed(1)} s, p99 ${p99.toFixed(1)} s, ` +
      `max ${Math.max(...freeAfter).toFixed(1)} s; ${doubles} double commands; ${leftRunning} entries left running; ` +
      `${notInterrupted} not completed as interrupted`,
    ok: p99 <= 10 && doubles === 0 && leftRunning === 0 && notInterrupted === 0,
  };
}

/** SIGTERM mid-command: the command finishes, its entry is completed, the lease released, exit 0. */
export async function gracefulStop(dir: string, redis: TestRedis, trials: number): Promise<FaultResult> {
  let lost = 0;
  const stopMs: number[] = [];
  for (let t = 0; t < trials; t++) {
    const pool = poolConfig(dir, redis, `stop${t}`, 1);
    const rx = await startReceiverProcess(pool.config);
    const a = await postStepUp(rx.url, 'demo');
    if (a.body.decisions?.[0]?.outcome !== 'scaled') throw new Error(`graceful stop trial ${t}: not scaled: ${JSON.stringify(a.body)}`);
    await waitFor('command start', () => fileLines(pool.log).length > 0, 30_000);
    const sentAt = Date.now();
    rx.child.kill('SIGTERM');
    const exit = await rx.exited;
    stopMs.push(Date.now() - sentAt);
    const entry = await pool.audit.get(a.body.decisions[0].auditId);
    const lockLeft = await pool.client.exists(pool.keys.lock('demo'));
    const ok =
      exit.code === 0 && fileLines(pool.log).includes('end 2') && entry?.status === 'done' && entry.outcome === 'scaled' && lockLeft === 0;
    if (!ok) lost++;
    pool.client.disconnect();
  }
  return {
    fault: 'graceful stop (SIGTERM mid-command)',
    injection: 'SIGTERM to `alertscale receiver` while its 1 s scale command runs',
    trials,
    checked: 'exit 0; the command ran to its end; its entry completed `scaled`; its lease released',
    result: `${trials - lost} of ${trials} lost nothing; stop took median ${(quantile(stopMs, 0.5) / 1000).toFixed(1)} s`,
    ok: lost === 0,
  };
}

/** Redis killed and started again: webhooks answered 503 with nothing run, then served again without a restart. */
export async function redisDown(dir: string, redis: TestRedis, trials: number): Promise<FaultResult> {
  const pool = poolConfig(dir, redis, 'down', 0);
  const rx = await startReceiverProcess(pool.config);
  let ranWhileDown = 0;
  let not503 = 0;
  const recoverMs: number[] = [];
  try {
    for (let t = 0; t < trials; t++) {
      await redis.stop();
      const before = fileLines(pool.log).length;
      const down = await postStepUp(rx.url, 'demo');
      if (down.status !== 503) not503++;
      await redis.start();
      const upAt = Date.now();
      let up = await postStepUp(rx.url, 'demo');
      while (up.status === 503) {
        await new Promise((r) => setTimeout(r, 50));
        up = await postStepUp(rx.url, 'demo');
      }
      recoverMs.push(Date.now() - upAt);
      await waitFor('command end', () => fileLines(pool.log).length >= before + 2, 10_000);
      ranWhileDown += fileLines(pool.log).length - (before + 2);
    }
  } finally {
    await killProcess(rx);
    pool.client.disconnect();
  }
  return {
    fault: 'Redis down, then back',
    injection: 'SIGKILL of redis-server, one webhook, redis-server started again on the same port',
    trials,
    checked: 'the webhook while down is 503 and runs nothing; webhooks are served again without restarting the receiver',
    result:
      `${trials - not503} of ${trials} answered 503 while down, ${ranWhileDown} commands ran while down; ` +
      `served again median ${quantile(recoverMs, 0.5)} ms after Redis answered`,
    ok: not503 === 0 && ranWhileDown === 0,
  };
}
