import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { demoTargetsFromConfig } from '../../src/demo/config-lookup.js';
import { demoKeys, globEscape } from '../../src/demo/keys.js';
import { defaultWorkerId, parseWorkerArgs, resolveWorkerSettings, WORKER_DEFAULTS } from '../../src/demo/settings.js';

const base = { host: 'box', pid: 42 };

describe('demo worker settings', () => {
  it('uses defaults when nothing is set', () => {
    expect(resolveWorkerSettings(base)).toEqual({ ...WORKER_DEFAULTS, workerId: 'box-42' });
  });

  it('takes flags over env over alertscale.yml', () => {
    const env = { REDIS_URL: 'redis://env:1/0', QUEUE_KEY: 'env:q', POOL: 'envpool', WORKER_ID: 'env-w' };
    const config = { redisUrl: 'redis://cfg:1/0', queueKey: 'cfg:q' };
    expect(resolveWorkerSettings({ ...base, config })).toMatchObject({ redisUrl: 'redis://cfg:1/0', queueKey: 'cfg:q', pool: 'demo' });
    expect(resolveWorkerSettings({ ...base, env, config })).toMatchObject({
      redisUrl: 'redis://env:1/0',
      queueKey: 'env:q',
      pool: 'envpool',
      workerId: 'env-w',
    });
    expect(resolveWorkerSettings({ ...base, env, config, flags: { redisUrl: 'redis://flag:1/0', pool: 'p2' } })).toMatchObject({
      redisUrl: 'redis://flag:1/0',
      queueKey: 'env:q',
      pool: 'p2',
    });
  });

  it('reads the orphan scan period from ORPHAN_SCAN_MS', () => {
    expect(resolveWorkerSettings({ ...base, env: { ORPHAN_SCAN_MS: '750' } }).orphanScanEveryMs).toBe(750);
    expect(() => resolveWorkerSettings({ ...base, env: { ORPHAN_SCAN_MS: '0' } })).toThrow(/ORPHAN_SCAN_MS=0/);
    expect(() => resolveWorkerSettings({ ...base, env: { ORPHAN_SCAN_MS: 'soon' } })).toThrow(/ORPHAN_SCAN_MS=soon/);
  });

  it('treats empty env values as unset', () => {
    expect(resolveWorkerSettings({ ...base, env: { REDIS_URL: '', POOL: ' ' } })).toMatchObject({
      redisUrl: WORKER_DEFAULTS.redisUrl,
      pool: 'demo',
    });
  });

  it.each([
    [{ pool: 'Bad Pool' }, /pool "Bad Pool"/],
    [{ workerId: 'has space' }, /worker id "has space"/],
    [{ workerId: 'a:b' }, /worker id "a:b"/],
    [{ redisUrl: 'localhost:6379' }, /redis URL "localhost:6379"/],
  ])('rejects %j', (flags, message) => {
    expect(() => resolveWorkerSettings({ ...base, flags })).toThrow(message);
  });

  it.each([
    [{}, 'box', 7, 'box-7'],
    [{ NODE_APP_INSTANCE: '2' }, 'box', 7, 'box-pm2.2-7'],
    [{ NODE_APP_INSTANCE: 'x' }, 'box', 7, 'box-7'],
    [{}, 'my host.example', 7, 'my_host.example-7'],
    [{}, '', 7, 'host-7'],
  ])('worker id from env %j, host %s, pid %d is %s', (env, host, pid, id) => {
    expect(defaultWorkerId(env, host, pid)).toBe(id);
  });

  it('parses the launcher flags', () => {
    expect(parseWorkerArgs([])).toEqual({});
    expect(parseWorkerArgs(['--redis', 'redis://h:1/0', '--queue', 'q', '--pool', 'p', '--worker-id', 'w'])).toEqual({
      redisUrl: 'redis://h:1/0',
      queueKey: 'q',
      pool: 'p',
      workerId: 'w',
    });
    expect(parseWorkerArgs(['--queue=q2'])).toEqual({ queueKey: 'q2' });
    expect(() => parseWorkerArgs(['--nope'])).toThrow(/nope/);
    expect(() => parseWorkerArgs(['stray'])).toThrow();
  });
});

describe('demo keys', () => {
  const keys = demoKeys('demo:jobs', 'demo');
  it('derives every key from the queue key and pool', () => {
    expect(keys.processing('w1')).toBe('demo:jobs:processing:w1');
    expect(keys.heartbeat('w1')).toBe('alertscale:hb:demo:w1');
    expect(keys.processingPattern).toBe('demo:jobs:processing:*');
    expect([keys.completions, keys.starts, keys.counters, keys.dead]).toEqual([
      'demo:jobs:completions',
      'demo:jobs:starts',
      'demo:jobs:counters',
      'demo:jobs:dead',
    ]);
  });
  it('reads the worker id back from a processing key', () => {
    expect(keys.workerOf('demo:jobs:processing:box-pm2.1-99')).toBe('box-pm2.1-99');
    expect(keys.workerOf('demo:jobs:processing:')).toBeUndefined();
    expect(keys.workerOf('other:processing:w')).toBeUndefined();
  });
  it('escapes glob characters of the queue key in the SCAN pattern', () => {
    expect(globEscape('a*b?c[d]e\\f')).toBe('a\\*b\\?c\\[d\\]e\\\\f');
    expect(demoKeys('q[1]', 'demo').processingPattern).toBe('q\\[1\\]:processing:*');
  });
});

describe('demo targets from alertscale.yml', () => {
  const config = parseConfig(
    `
redis: { url: redis://10.0.0.1:6380/2 }
pools:
  demo: { min: 1, max: 3, executor: { kind: pm2, app: demo } }
  other: { min: 1, max: 3, executor: { kind: pm2, app: other } }
queues:
  s: { kind: stream, key: demo:stream, group: g, pool: demo }
  l: { kind: list, key: demo:list, pool: demo }
  o: { kind: list, key: other:list, pool: other }
`,
    'test.yml',
  );
  it('finds the redis URL and the list queue of the pool', () => {
    expect(demoTargetsFromConfig(config, 'demo')).toEqual({ redisUrl: 'redis://10.0.0.1:6380/2', queueKey: 'demo:list' });
    expect(demoTargetsFromConfig(config, 'other')).toEqual({ redisUrl: 'redis://10.0.0.1:6380/2', queueKey: 'other:list' });
    expect(demoTargetsFromConfig(config, 'none')).toEqual({ redisUrl: 'redis://10.0.0.1:6380/2' });
    expect(demoTargetsFromConfig(undefined, 'demo')).toEqual({});
  });
});
