/** The argv that removes chosen workers, per executor (no daemon runs here: argv is the contract). */
import { describe, expect, it } from 'vitest';
import { embeddedVictimPlaceholders } from '../../src/executors/schema.js';
import { parseConfig } from '../../src/config/index.js';
import { argvForCommand } from '../../src/executors/command.js';
import { locatePm2, pm2RemoveSteps } from '../../src/executors/pm2-victims.js';
import {
  composeVictimSteps,
  expandVictims,
  kubernetesVictimSteps,
  systemdRemoveArgv,
  systemdUnitOfCgroup,
} from '../../src/executors/victims.js';

const common = { timeout: 30_000, env: {} };

describe('systemd', () => {
  it.each<[string, string, string | undefined]>([
    ['cgroup v2', '0::/system.slice/system-worker.slice/worker@3.service\n', 'worker@3.service'],
    [
      'cgroup v1 (systemd line)',
      '12:pids:/system.slice/system-worker.slice/worker@12.service\n1:name=systemd:/system.slice/system-worker.slice/worker@12.service\n',
      'worker@12.service',
    ],
    ['another unit', '0::/system.slice/system-other.slice/other@3.service\n', undefined],
    ['not an instance', '0::/system.slice/worker.service\n', undefined],
    ['a user session', '0::/user.slice/user-1000.slice/session-2.scope\n', undefined],
  ])('%s', (_name, text, unit) => {
    expect(systemdUnitOfCgroup(text, 'worker')).toBe(unit);
  });
  it('stops exactly the chosen instances', () => {
    const config = { kind: 'systemd' as const, unit: 'worker', bin: 'systemctl', ...common };
    expect(systemdRemoveArgv(config, ['worker@2.service', 'worker@5.service'])).toEqual([
      'systemctl',
      'stop',
      'worker@2.service',
      'worker@5.service',
    ]);
    expect(systemdRemoveArgv(config, [])).toBeNull();
  });
});

describe('kubernetes', () => {
  it('annotates the chosen pods cheapest to delete, then scales', () => {
    const config = { kind: 'kubernetes' as const, deployment: 'worker', namespace: 'jobs', context: 'prod', bin: 'kubectl', ...common };
    expect(kubernetesVictimSteps(config, ['worker-7d9-abc', 'worker-7d9-def'], 2)).toEqual([
      [
        'kubectl',
        '--context',
        'prod',
        '-n',
        'jobs',
        'annotate',
        '--overwrite',
        'pod',
        'worker-7d9-abc',
        'worker-7d9-def',
        'controller.kubernetes.io/pod-deletion-cost=-1000',
      ],
      ['kubectl', '--context', 'prod', '-n', 'jobs', 'scale', 'deployment/worker', '--replicas=2'],
    ]);
  });
  it('without pods it only scales', () => {
    const config = { kind: 'kubernetes' as const, deployment: 'worker', bin: 'kubectl', ...common };
    expect(kubernetesVictimSteps(config, [], 3)).toEqual([['kubectl', 'scale', 'deployment/worker', '--replicas=3']]);
  });
});

describe('compose', () => {
  it('stops and removes the chosen containers, then holds the service at the count', () => {
    const config = { kind: 'compose' as const, service: 'worker', project: 'jobs', bin: ['docker', 'compose'], ...common };
    expect(composeVictimSteps(config, ['3f2a1b4c5d6e'], 2)).toEqual([
      ['docker', 'stop', '3f2a1b4c5d6e'],
      ['docker', 'rm', '3f2a1b4c5d6e'],
      ['docker', 'compose', '-p', 'jobs', 'up', '-d', '--no-recreate', '--scale', 'worker=2', 'worker'],
    ]);
  });
});

describe('command: {victims} and {victim_pids}', () => {
  it.each<[string[], string[]]>([
    [
      ['drain-workers', '--pool', 'demo', '{victims}'],
      ['drain-workers', '--pool', 'demo', 'w-1', 'w-2'],
    ],
    [
      ['kill', '-TERM', '{victim_pids}'],
      ['kill', '-TERM', '101', '102'],
    ],
    [
      ['x', '{victims}', '--', '{victim_pids}'],
      ['x', 'w-1', 'w-2', '--', '101', '102'],
    ],
  ])('%j', (argv, want) => {
    expect(expandVictims(argv, { ids: ['w-1', 'w-2'], pids: ['101', '102'] })).toEqual(want);
  });
  it('no victims: the element disappears', () => {
    expect(expandVictims(['x', '{victims}'], { ids: [], pids: [] })).toEqual(['x']);
  });
  it('a scale without chosen workers (scale-up) drops the elements', () => {
    const config = { kind: 'command' as const, scale: ['pool-ctl', '{pool}', '{replicas}', '{victims}'], ...common };
    expect(argvForCommand(config, { pool: 'demo', replicas: 4, current: 2 })).toEqual(['pool-ctl', 'demo', '4']);
  });
  it('refuses a placeholder inside other text', () => {
    expect(embeddedVictimPlaceholders(['x', '--ids={victims}', '{victims}', 'pid:{victim_pids}'])).toEqual([
      '--ids={victims}',
      'pid:{victim_pids}',
    ]);
  });
});

describe('pm2', () => {
  it("maps the victims' pids on this host to pm2 ids", () => {
    // pid → pm_id of the app's live processes (pm2-live.ts); 4200 is another app's process.
    const ids = new Map([
      [4101, 0],
      [4107, 3],
    ]);
    const located = locatePm2(
      [
        { id: 'a', pid: 4107, host: 'box' },
        { id: 'b', pid: 4200, host: 'box' },
        { id: 'c', pid: 4101, host: 'elsewhere' }, // same pid on another host
        { id: 'd', host: 'box' },
      ],
      ids,
      'box',
    );
    expect([...located]).toEqual([['a', '3']]);
  });
});

describe('config: victim placeholders and the drain wait', () => {
  const pool = (executor: string, extra = '') => `pools:\n  demo:\n    min: 1\n    max: 4\n${extra}    executor: ${executor}\n`;
  it('takes {victims} / {victim_pids} as whole elements', () => {
    const c = parseConfig(pool('{ kind: command, scale: ["kill", "-TERM", "{victim_pids}"] }'), 'x.yml');
    expect(c.pools.demo!.executor).toMatchObject({ scale: ['kill', '-TERM', '{victim_pids}'] });
    expect(c.pools.demo).toMatchObject({ drainTimeout: 60_000, afterDrainTimeout: 'leave' });
  });
  it('refuses one inside other text', () => {
    expect(() => parseConfig(pool('{ kind: command, scale: ["x", "--ids={victims}"] }'), 'x.yml')).toThrow(/must be whole argv elements/);
  });
  it('takes a drain wait longer than the pool lease (renewed while the scale-down runs)', () => {
    const c = parseConfig(pool('{ kind: pm2, app: demo }', '    drainTimeout: 2m\n'), 'x.yml');
    expect(c.pools.demo!.drainTimeout).toBeGreaterThan(c.receiver.lease);
  });
});

describe('pm2: removing the chosen processes', () => {
  const config = { kind: 'pm2' as const, app: 'demo', bin: 'pm2', ...common };
  const procs = (spec: string) => spec.split(' ').map((p, id) => ({ id, status: p === 'o' ? 'online' : 'stopped' }));
  it.each<[string, string[], number, string, string[][]]>([
    ['the victims only: the rest is at the count', ['2', '3'], 2, 'o o o o', [['pm2', 'delete', '2', '3']]],
    [
      'a drained worker left stopped is deleted too, never counted by a later pm2 scale',
      ['3'],
      2,
      'o s o o',
      [['pm2', 'delete', '3', '1']],
    ],
    ['a victim that drained and exited is dropped from the list', ['1'], 2, 'o s o', [['pm2', 'delete', '1']]],
    [
      'another victim, still pending, drained meanwhile: deleted too, and no pm2 scale starts one to make up for it',
      ['2'],
      3,
      'o s o o',
      [['pm2', 'delete', '2', '1']],
    ],
    [
      'a victim deleted already, as the stopped leftover of an earlier batch: not named again (pm2 would fail)',
      ['1', '4'],
      2,
      'o o o',
      [['pm2', 'delete', '1']],
    ],
    ['the only victim deleted already: nothing to run', ['4'], 2, 'o o', []],
    [
      'victims the heartbeats could not name: pm2 scale makes up the count (its own choice)',
      ['3'],
      2,
      'o o o o',
      [
        ['pm2', 'delete', '3'],
        ['pm2', 'scale', 'demo', '2'],
      ],
    ],
    ['nothing named, already at the count: nothing to run', [], 2, 'o o', []],
    [
      'to 0: the last process is kept, stopped (deleting it would delete the app)',
      ['0', '1'],
      0,
      'o o',
      [
        ['pm2', 'delete', '1'],
        ['pm2', 'stop', '0'],
      ],
    ],
    ['to 0, a victim deleted already: a listed process is what is kept, so the app survives', ['4', '0'], 0, 'o', [['pm2', 'stop', '0']]],
    ['to 0 with a stopped spare: the spare is what is kept', ['0'], 0, 'o s', [['pm2', 'delete', '0']]],
    [
      'a batch on the way to 0 whose pending victim drained and exited meanwhile: that one is kept, stopped (deleting all deletes the app)',
      ['0', '1'],
      1,
      'o o s',
      [['pm2', 'delete', '0', '1']],
    ],
    [
      'to 0, nothing named: scale to 1, then stop',
      [],
      0,
      'o o',
      [
        ['pm2', 'scale', 'demo', '1'],
        ['pm2', 'stop', 'demo'],
      ],
    ],
  ])('%s', (_, victims, replicas, spec, steps) => {
    expect(pm2RemoveSteps(config, victims, replicas, procs(spec))).toEqual(steps);
  });
});
