import { describe, expect, it } from 'vitest';
import { executorSchema, type ExecutorConfigOf, type ExecutorKind } from '../../src/executors/schema.js';
import { argvForCelery } from '../../src/executors/celery.js';
import { argvForCommand, currentArgvForCommand } from '../../src/executors/command.js';
import { argvForCompose, currentArgvForCompose } from '../../src/executors/compose.js';
import { argvForGunicorn, signalToward } from '../../src/executors/gunicorn.js';
import { argvForKubernetes, currentArgvForKubernetes } from '../../src/executors/kubernetes.js';
import { argvForNomad, currentArgvForNomad } from '../../src/executors/nomad.js';
import { pm2Steps } from '../../src/executors/pm2.js';
import { argvForSwarm, currentArgvForSwarm } from '../../src/executors/swarm.js';
import { argvForSystemd, currentArgvForSystemd } from '../../src/executors/systemd.js';

/** A config as the loader would hand it over: parsed by the real schema, defaults applied. */
function config<K extends ExecutorKind>(kind: K, fields: Record<string, unknown>): ExecutorConfigOf<K> {
  return executorSchema.parse({ kind, ...fields }) as ExecutorConfigOf<K>;
}
const grow = { pool: 'demo', replicas: 4, current: 2 };
const shrink = { pool: 'demo', replicas: 1, current: 3 };
const same = { pool: 'demo', replicas: 3, current: 3 };

describe('argv of every preset', () => {
  const cases: [string, string[] | null, string[] | null][] = [
    [
      'command',
      argvForCommand(config('command', { scale: ['scale.sh', '--pool={pool}', '{replicas}', '{current}', '{delta}'] }), grow),
      ['scale.sh', '--pool=demo', '4', '2', '+2'],
    ],
    ['command shrink', argvForCommand(config('command', { scale: ['scale.sh', '{delta}'] }), shrink), ['scale.sh', '-2']],
    ['command at target still runs', argvForCommand(config('command', { scale: ['scale.sh', '{delta}'] }), same), ['scale.sh', '0']],
    [
      'pm2 grow',
      pm2Steps(config('pm2', { app: 'worker' }), grow.replicas, [{ id: 0, status: 'online' }])[0]!,
      ['pm2', 'scale', 'worker', '4'],
    ],
    [
      'pm2 shrink, own bin',
      pm2Steps(
        config('pm2', { app: 'worker', bin: '/opt/pm2' }),
        shrink.replicas,
        [0, 1, 2].map((id) => ({ id, status: 'online' as const })),
      )[0]!,
      ['/opt/pm2', 'scale', 'worker', '1'],
    ],
    [
      'compose, no file or project',
      argvForCompose(config('compose', { service: 'worker' }), grow),
      ['docker', 'compose', 'up', '-d', '--no-recreate', '--scale', 'worker=4', 'worker'],
    ],
    [
      'compose, file and project',
      argvForCompose(config('compose', { service: 'worker', file: 'dc.yml', project: 'shop', bin: ['docker-compose'] }), shrink),
      ['docker-compose', '-f', 'dc.yml', '-p', 'shop', 'up', '-d', '--no-recreate', '--scale', 'worker=1', 'worker'],
    ],
    ['swarm', argvForSwarm(config('swarm', { service: 'shop_worker' }), grow), ['docker', 'service', 'scale', 'shop_worker=4']],
    [
      'kubernetes, bare',
      argvForKubernetes(config('kubernetes', { deployment: 'worker' }), grow),
      ['kubectl', 'scale', 'deployment/worker', '--replicas=4'],
    ],
    [
      'kubernetes, context and namespace',
      argvForKubernetes(config('kubernetes', { deployment: 'worker', namespace: 'jobs', context: 'prod' }), shrink),
      ['kubectl', '--context', 'prod', '-n', 'jobs', 'scale', 'deployment/worker', '--replicas=1'],
    ],
    ['nomad', argvForNomad(config('nomad', { job: 'jobs', group: 'worker' }), shrink), ['nomad', 'job', 'scale', 'jobs', 'worker', '1']],
    [
      'systemd grow starts the new instances',
      argvForSystemd(config('systemd', { unit: 'worker' }), 4, [1, 2]),
      ['systemctl', 'start', 'worker@3.service', 'worker@4.service'],
    ],
    [
      'systemd shrink stops the highest',
      argvForSystemd(config('systemd', { unit: 'worker' }), 1, [1, 2, 3]),
      ['systemctl', 'stop', 'worker@3.service', 'worker@2.service'],
    ],
    ['systemd from zero', argvForSystemd(config('systemd', { unit: 'worker' }), 1, []), ['systemctl', 'start', 'worker@1.service']],
    ['systemd at target runs nothing', argvForSystemd(config('systemd', { unit: 'worker' }), 3, [1, 2, 3]), null],
    [
      'celery grow',
      argvForCelery(config('celery', { app: 'proj' }), grow),
      ['celery', '-A', 'proj', 'control', 'pool_grow', '2', '--json'],
    ],
    [
      'celery shrink to destinations',
      argvForCelery(config('celery', { app: 'proj', destination: ['w1@a', 'w2@b'] }), shrink),
      ['celery', '-A', 'proj', 'control', 'pool_shrink', '2', '--json', '--destination', 'w1@a,w2@b'],
    ],
    ['celery at target runs nothing', argvForCelery(config('celery', { app: 'proj' }), same), null],
    [
      'celery autoscale pins MAX = MIN = N',
      argvForCelery(config('celery', { app: 'proj', autoscale: true }), shrink),
      ['celery', '-A', 'proj', 'control', 'autoscale', '1', '1', '--json'],
    ],
    [
      'celery autoscale at target still sends',
      argvForCelery(config('celery', { app: 'proj', autoscale: true, destination: ['w1@a'] }), same),
      ['celery', '-A', 'proj', 'control', 'autoscale', '3', '3', '--json', '--destination', 'w1@a'],
    ],
    ['gunicorn grow', argvForGunicorn('SIGTTIN', 1234), ['kill', '-TTIN', '1234']],
    ['gunicorn shrink', argvForGunicorn('SIGTTOU', 1234), ['kill', '-TTOU', '1234']],
  ];
  it.each(cases)('%s', (_name, actual, expected) => {
    expect(actual).toEqual(expected);
  });
});

describe('argv of the current probes', () => {
  const cases: [string, string[], string[]][] = [
    [
      'command fills {pool} only',
      currentArgvForCommand(config('command', { scale: ['x'], current: ['count.sh', '{pool}'] }), 'demo'),
      ['count.sh', 'demo'],
    ],
    [
      'compose',
      currentArgvForCompose(config('compose', { service: 'worker', project: 'shop' })),
      ['docker', 'compose', '-p', 'shop', 'ps', '-q', 'worker'],
    ],
    [
      'swarm',
      currentArgvForSwarm(config('swarm', { service: 'w' })),
      ['docker', 'service', 'inspect', '--format', '{{.Spec.Mode.Replicated.Replicas}}', 'w'],
    ],
    [
      'kubernetes',
      currentArgvForKubernetes(config('kubernetes', { deployment: 'worker', namespace: 'jobs' })),
      ['kubectl', '-n', 'jobs', 'get', 'deployment', 'worker', '-o', 'jsonpath={.spec.replicas}'],
    ],
    ['nomad', currentArgvForNomad(config('nomad', { job: 'jobs', group: 'worker' })), ['nomad', 'job', 'inspect', 'jobs']],
    [
      'systemd',
      currentArgvForSystemd(config('systemd', { unit: 'worker' })),
      ['systemctl', 'list-units', '--plain', '--no-legend', '--state=active', 'worker@*.service'],
    ],
  ];
  it.each(cases)('%s', (_name, actual, expected) => {
    expect(actual).toEqual(expected);
  });
});

describe('gunicorn steps', () => {
  it.each([
    [2, 4, 'SIGTTIN'],
    [4, 2, 'SIGTTOU'],
    [3, 3, null],
  ])('%i workers toward %i: %s', (workers, target, signal) => {
    expect(signalToward(workers, target)).toBe(signal);
  });
});
