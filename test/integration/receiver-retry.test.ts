/**
 * A step whose command failed did not happen: a repeat of the same firing (same fingerprint, same
 * startsAt, within stepInterval) must try it again, not be answered "duplicate". A step whose
 * command succeeded still blocks its repeats (no cooldown here: the duplicate guard alone does).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notification, useTestReceiver } from '../helpers/receiver.js';

// Fails on its first run (leaving `tried`), succeeds after, appending the replicas to `ran`.
const script = (dir: string) =>
  `if [ -e ${dir}/tried ]; then echo "$1" >> ${dir}/ran; else touch ${dir}/tried; echo first run fails >&2; exit 1; fi`;
const { dir, rx, lines } = useTestReceiver(
  'retry',
  (dir) => `redis: { url: REDIS_URL }
pools:
  demo:
    min: 1
    max: 20
    cooldown: { up: 0s, down: 0s }
    stepInterval: 10m
    executor: { kind: command, scale: ["sh", "-c", ${JSON.stringify(script(dir))}, "scale", "{replicas}"] }
`,
);

const ran = () => lines('ran');

describe('the retry of a failed step', () => {
  it('same fingerprint and startsAt: the failed step runs again and succeeds; then its repeats are duplicates', async () => {
    const firing = notification({
      pool: 'demo',
      annotations: { step: '1' },
      fingerprint: 'a1b2c3d4e5f60718',
      startsAt: new Date(Date.now() - 5_000).toISOString(),
    });

    const first = await rx.post('/v1/alertmanager', firing);
    expect(first.body.decisions[0]).toMatchObject({ outcome: 'scaled', from: 1, to: 2 });
    await rx.receiver.idle();
    expect((await rx.get(`/v1/audit/${first.body.decisions[0].auditId}`)).body).toMatchObject({ outcome: 'failed', exitCode: 1 });
    expect(existsSync(join(dir, 'tried'))).toBe(true);
    expect(ran()).toEqual([]);

    const retry = await rx.post('/v1/alertmanager', firing);
    expect(retry.body.decisions[0]).toMatchObject({ outcome: 'scaled', from: 1, to: 2 });
    await rx.receiver.idle();
    expect((await rx.get(`/v1/audit/${retry.body.decisions[0].auditId}`)).body).toMatchObject({ outcome: 'scaled', exitCode: 0 });
    expect(ran()).toEqual(['2']);

    // Now the step happened: the same firing again within stepInterval is a duplicate and runs nothing.
    const repeat = await rx.post('/v1/alertmanager', firing);
    expect(repeat.body.decisions[0]).toMatchObject({ outcome: 'no_change', reason: expect.stringContaining('duplicate') });
    await rx.receiver.idle();
    expect(ran()).toEqual(['2']);
  });
});
