import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, describe, it } from 'vitest';
import { demoKeys } from '../../src/demo/keys.js';
import { demoPm2StartArgs } from '../../src/demo/pm2.js';
import { enqueueJobs } from '../../src/demo/stress.js';
import { demoTally } from '../../src/demo/tally.js';
import { REPO as repo, usePm2 } from '../helpers/pm2.js';
import { waitFor } from '../helpers/ports.js';

const queue = 'pm2:jobs';
const keys = demoKeys(queue, 'demo');
const { redis, client, home, pm2, online: onlineOf } = usePm2('demo-pm2');
const online = () => onlineOf('demo');

async function heartbeats(): Promise<Record<string, string>> {
  const found = await client.keys(keys.heartbeat('*'));
  const busy = await Promise.all(found.map((k) => client.hget(k, 'busy')));
  return Object.fromEntries(found.map((k, i) => [k.slice(keys.heartbeat('').length), busy[i] ?? '?']));
}

describe('demo pool under real pm2', () => {
  it('scales 1 → 3 with jobs queued and 3 → 1 with jobs in flight: every job completed exactly once', async () => {
    // Jobs of 700 ms; pm2 waits up to 15 s after SIGINT, far above one job, before it would SIGKILL.
    const started = await pm2(...demoPm2StartArgs(repo, { redisUrl: redis.url, queueKey: queue, killTimeoutMs: 15_000 }));
    expect(started.exitCode).toBe(0);
    await waitFor('1 worker heartbeating', async () => Object.keys(await heartbeats()).length === 1, 20_000, 100);
    const [first] = await online();
    expect(first?.pm2_env.exec_mode).toBe('cluster_mode');
    // The exporter's `processes.match: alertscale-demo-worker` finds the worker in /proc.
    expect(await readFile(`/proc/${first!.pid}/cmdline`, 'utf8')).toContain('alertscale-demo-worker');

    await enqueueJobs({ redis: client, queueKey: queue }, { tasks: 24, jobMs: 700, runId: 'pm2' });
    expect(await client.llen(queue)).toBeGreaterThan(15); // still queued when we scale up

    await pm2('scale', 'demo', '3');
    // New instances get the stored worker arguments (same Redis, same queue): all three work.
    await waitFor(
      '3 workers busy',
      async () => {
        const hb = await heartbeats();
        return Object.keys(hb).length === 3 && Object.values(hb).every((b) => b === '1');
      },
      20_000,
      50,
    );
    expect(await online()).toHaveLength(3);
    const busyBefore = Object.keys(await heartbeats());

    // Scale down while every worker has a job in hand: pm2 sends SIGINT, each finishes its job.
    expect(await client.llen(queue)).toBeGreaterThan(0);
    await pm2('scale', 'demo', '1');
    await waitFor('1 online in pm2', async () => (await online()).length === 1, 20_000, 100);
    const left = Object.keys(await heartbeats());
    expect(left).toHaveLength(1);
    expect(busyBefore).toEqual(expect.arrayContaining(left));

    await waitFor(
      'queue drained',
      async () => {
        const t = await demoTally(client, queue);
        return t.completed === 24 && t.waiting === 0 && t.inFlight === 0;
      },
      30_000,
      100,
    );
    const tally = await demoTally(client, queue);
    // 0 lost, 0 duplicated, and no job even started twice: the scale-down was graceful.
    expect(tally).toMatchObject({ enqueued: 24, completed: 24, lost: 0, dead: 0, duplicated: {}, rerun: {} });
    expect(tally.counters.started).toBe(24);

    // The two stopped workers exited 0 on pm2's SIGINT (pm2's own log says so), none was SIGKILLed.
    const daemonLog = await readFile(join(home(), 'pm2.log'), 'utf8');
    expect(daemonLog.match(/App \[demo:\d+\] exited with code \[0\] via signal \[SIGINT\]/g)).toHaveLength(2);
    expect(daemonLog).not.toMatch(/SIGKILL/);
  });
});
