/**
 * The pm2 executor's plan (pm2Steps): which pm2 commands bring an app to N, given its processes.
 * Zero is "one process, stopped" because `pm2 scale APP 0` deletes the app; waking starts the
 * stopped process by id. The real-pm2 proof is test/integration/executor-pm2.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { executorSchema, type ExecutorConfigOf } from '../../src/executors/schema.js';
import { instancesOf, pm2Steps, type Pm2Instance } from '../../src/executors/pm2.js';

const config = executorSchema.parse({ kind: 'pm2', app: 'w' }) as ExecutorConfigOf<'pm2'>;
const online = (...ids: number[]): Pm2Instance[] => ids.map((id) => ({ id, status: 'online' }));
const stopped = (...ids: number[]): Pm2Instance[] => ids.map((id) => ({ id, status: 'stopped' }));

describe('pm2Steps', () => {
  it.each<[string, number, Pm2Instance[], string[][]]>([
    ['grow', 4, online(0, 1), [['pm2', 'scale', 'w', '4']]],
    ['shrink', 1, online(0, 1, 2), [['pm2', 'scale', 'w', '1']]],
    ['at the target: nothing (pm2 scale would exit 1, "Nothing to do")', 2, online(0, 1), []],
    [
      'to zero from 3: keep one, stop it',
      0,
      online(0, 1, 2),
      [
        ['pm2', 'scale', 'w', '1'],
        ['pm2', 'stop', 'w'],
      ],
    ],
    ['to zero from 1: stop it', 0, online(4), [['pm2', 'stop', 'w']]],
    ['to zero when already stopped: nothing', 0, stopped(4), []],
    [
      'to zero from a stopped and an errored process',
      0,
      [...stopped(1), { id: 2, status: 'errored' }],
      [
        ['pm2', 'scale', 'w', '1'],
        ['pm2', 'stop', 'w'],
      ],
    ],
    ['wake 0 → 1: start the stopped one by id', 1, stopped(7), [['pm2', 'start', '7']]],
    [
      'wake 0 → 3: start it, then scale',
      3,
      stopped(7),
      [
        ['pm2', 'start', '7'],
        ['pm2', 'scale', 'w', '3'],
      ],
    ],
    [
      'mixed: start only the stopped ones (never restart online ones)',
      3,
      [...online(1), ...stopped(2)],
      [
        ['pm2', 'start', '2'],
        ['pm2', 'scale', 'w', '3'],
      ],
    ],
  ])('%s', (_, replicas, instances, steps) => {
    expect(pm2Steps(config, replicas, instances)).toEqual(steps);
  });

  it('refuses an app pm2 does not know (nothing to scale from)', () => {
    expect(() => pm2Steps(config, 1, [])).toThrow(/pm2 has no process named "w"/);
  });
});

describe('instancesOf', () => {
  it('reads id and status of the app only', () => {
    const jlist = JSON.stringify([
      { name: 'w', pm_id: 3, pm2_env: { status: 'stopped' } },
      { name: 'other', pm_id: 4, pm2_env: { status: 'online' } },
      { name: 'w', pm_id: 5, pm2_env: { status: 'online' } },
    ]);
    expect(instancesOf(`[PM2] Spawning PM2 daemon\n${jlist}`, 'w')).toEqual([
      { id: 3, status: 'stopped' },
      { id: 5, status: 'online' },
    ]);
  });
});
