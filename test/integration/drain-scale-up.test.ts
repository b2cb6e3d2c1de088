/**
 * A scale-up ends a drain in progress (issue 13 follow-up), with real pm2, real demo workers, real
 * Redis and the real receiver: the draining victims are un-marked and kept (their jobs go on, they
 * take new ones), the scale-down is audited `partial` at the count it reached, and the scale-up
 * runs from that count. Every worker busy, so 4 → 2 must drain two of them (idle-first would
 * otherwise remove idle ones at once and drain nothing).
 */
import { describe, expect, it } from 'vitest';
import { encodeJob } from '../../src/demo/job.js';
import { demoKeys } from '../../src/demo/keys.js';
import { demoPm2StartArgs } from '../../src/demo/pm2.js';
import { demoTally } from '../../src/demo/tally.js';
import { KEPT_BY_SCALE_UP } from '../../src/policy/victims.js';
import { PM2_BIN as pm2Bin, REPO as repo, usePm2 } from '../helpers/pm2.js';
import { waitFor } from '../helpers/ports.js';
import { notification, startTestReceiver } from '../helpers/receiver.js';

const JOB_MS = 8_000;
const { redis, client, home, pm2, processes } = usePm2('drain-up');

async function beats(pool: string): Promise<Map<string, Record<string, string>>> {
  const keys = await client.keys(`alertscale:hb:${pool}:*`);
  const hashes = await Promise.all(keys.map((k) => client.hgetall(k)));
  return new Map(keys.map((k, i) => [k.slice(`alertscale:hb:${pool}:`.length), hashes[i]!]));
}

describe('a scale-up ends a drain in progress (real pm2, demo workers, receiver)', () => {
  it('4 busy, 4 → 2 drains two; a scale-up webhook ends the drain within 2 s, keeps them, and grows from 4', async () => {
    const app = 'drup';
    const queue = `${app}:jobs`;
    const keys = demoKeys(queue, app);
    await pm2(
      ...demoPm2StartArgs(repo, { name: app, instances: 4, killTimeoutMs: 1_500, redisUrl: redis.url, queueKey: queue, pool: app }),
    );
    await waitFor(`${app}: 4 heartbeats`, async () => (await beats(app)).size === 4, 30_000, 100);
    await client.lpush(queue, ...Array.from({ length: 4 }, (_, i) => encodeJob({ id: `long-${i}`, ms: JOB_MS })));
    await waitFor('4 busy', async () => [...(await beats(app)).values()].every((h) => h.busy === '1'), 10_000, 50);
    const yaml = `redis: { url: REDIS_URL }
pools:
  ${app}:
    min: 1
    max: 6
    cooldown: { up: 0s, down: 0s }
    drainTimeout: 20s
    executor: { kind: pm2, app: ${app}, bin: ${JSON.stringify(pm2Bin)}, env: { PM2_HOME: ${JSON.stringify(home())} } }
`;
    const receiver = await startTestReceiver(yaml, redis.url);
    try {
      const down = await receiver.post(`/v1/pools/${app}/scale`, { replicas: 2, reason: 'test: drain' });
      expect(down.status).toBe(202);
      // The case: two busy workers are draining and the scale-down holds the pool.
      await waitFor('two draining', async () => [...(await beats(app)).values()].filter((h) => h.draining === '1').length === 2, 5_000, 50);
      const draining = [...(await beats(app)).entries()].filter(([, h]) => h.draining === '1').map(([id, h]) => [id, h.job!] as const);
      expect((await receiver.get(`/v1/audit/${down.body.auditId}`)).body.status).toBe('running');

      // Alertmanager's scale-up; a 503 pool_busy is retried as Alertmanager would.
      const upAt = Date.now();
      const body = notification({ pool: app, scale: 'up', annotations: { step: '1' }, fingerprint: 'f-drain-up' });
      let up = await receiver.post('/v1/alertmanager', body);
      const answers = [up.status];
      while (up.status === 503 && Date.now() - upAt < 10_000) {
        await new Promise((r) => setTimeout(r, 200));
        up = await receiver.post('/v1/alertmanager', body);
        answers.push(up.status);
      }
      expect(up.status, `answers ${answers.join(',')}`).toBe(200);
      const downEntry = (await receiver.get(`/v1/audit/${down.body.auditId}`)).body;
      expect(downEntry.status).toBe('done');
      expect(Date.now() - upAt).toBeLessThan(2_000);
      // The scale-down completed at the count it reached, saying why.
      expect(downEntry).toMatchObject({ outcome: 'scaled', drain: 'partial', from: 4, to: 2 });
      // It lasted from its decision until the scale-up ended it, though it ran no command.
      expect(Date.parse(downEntry.time) + downEntry.durationMs).toBeGreaterThanOrEqual(upAt - 5);
      expect(downEntry.victims.map((v: { tier: string; outcome: string }) => [v.tier, v.outcome])).toEqual([
        ['busy', 'kept'],
        ['busy', 'kept'],
      ]);
      for (const v of downEntry.victims) expect(v.why).toContain(KEPT_BY_SCALE_UP);
      expect(downEntry.victims.map((v: { worker: string }) => v.worker).sort()).toEqual(draining.map(([id]) => id).sort());

      // The scale-up ran from the reached count, 4, not from 2.
      const [decision] = up.body.decisions;
      expect(decision).toMatchObject({ outcome: 'scaled', from: 4, to: 5 });
      await receiver.receiver.idle();
      const upEntry = (await receiver.get(`/v1/audit/${decision.auditId}`)).body;
      expect(upEntry).toMatchObject({ outcome: 'scaled', status: 'done' });
      await waitFor('5 workers', async () => (await processes(app)).length === 5 && (await beats(app)).size === 5, 30_000, 100);

      // The kept workers: no drain request, `draining 0`, still on the job they had.
      for (const [id, job] of draining) {
        expect(await client.exists(`alertscale:drain:${app}:${id}`)).toBe(0);
        await waitFor(`${id} draining 0`, async () => (await client.hget(`alertscale:hb:${app}:${id}`, 'draining')) === '0', 3_000, 50);
        expect(await client.hget(`alertscale:hb:${app}:${id}`, 'job')).toBe(job);
      }
      // Every long job ran once, uninterrupted; then the kept workers take new jobs.
      await waitFor('4 long jobs done', async () => (await demoTally(client, queue)).completed === 4, 20_000, 100);
      expect(Object.values(await client.hgetall(keys.starts))).toEqual(['1', '1', '1', '1']);
      await client.lpush(queue, ...Array.from({ length: 20 }, (_, i) => encodeJob({ id: `after-${i}`, ms: 300 })));
      await waitFor('24 jobs done', async () => (await demoTally(client, queue)).completed === 24, 20_000, 100);
      for (const [id] of draining) expect(Number(await client.hget(`alertscale:hb:${app}:${id}`, 'done'))).toBeGreaterThan(1);
    } finally {
      await receiver.close();
      await pm2('delete', app).catch(() => undefined);
    }
  });
});
