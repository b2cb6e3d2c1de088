import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { nonNegativeInt, positiveInt, positiveRate } from '../../src/demo/cli-args.js';
import { demoPm2StartArgs } from '../../src/demo/pm2.js';
import { dueBy, msUntilDue } from '../../src/demo/rate.js';
import { formatStressSummary, redactUrl } from '../../src/demo/stress.js';

describe('stress rate schedule', () => {
  it.each([
    // elapsed ms, total, rate, due
    [0, 100, undefined, 100],
    [0, 100, 10, 1],
    [99, 100, 10, 1],
    [100, 100, 10, 2],
    [950, 100, 10, 10],
    [1000, 100, 10, 11],
    [60_000, 100, 10, 100],
    [0, 5, 0.5, 1],
    [1999, 5, 0.5, 1],
    [2000, 5, 0.5, 2],
    [-5, 5, 10, 1],
  ])('at %d ms, %d jobs at %s/s: %d due', (elapsed, total, rate, due) => {
    expect(dueBy(elapsed, total, rate)).toBe(due);
  });

  it.each([
    [1, 0, 10, 100],
    [1, 40, 10, 60],
    [1, 150, 10, 0],
    [3, 0, 0.5, 6000],
    [5, 0, undefined, 0],
  ])('job #%d at %d ms (%s/s) is due in %d ms', (sent, elapsed, rate, wait) => {
    expect(msUntilDue(sent, elapsed, rate)).toBe(wait);
  });
});

describe('stress CLI values', () => {
  it.each(['1', '20', ' 7 '])('positiveInt accepts %j', (v) => expect(positiveInt(v)).toBe(Number(v)));
  it.each(['0', '-1', '1.5', 'x', '', '1e3'])('positiveInt rejects %j', (v) => expect(() => positiveInt(v)).toThrow(InvalidArgumentError));
  it.each(['0', '250'])('nonNegativeInt accepts %j', (v) => expect(nonNegativeInt(v)).toBe(Number(v)));
  it.each(['-1', '2.5', 'abc'])('nonNegativeInt rejects %j', (v) => expect(() => nonNegativeInt(v)).toThrow(InvalidArgumentError));
  it.each(['0.5', '20', '1e2'])('positiveRate accepts %j', (v) => expect(positiveRate(v)).toBe(Number(v)));
  it.each(['0', '-2', 'fast', '', 'Infinity'])('positiveRate rejects %j', (v) =>
    expect(() => positiveRate(v)).toThrow(InvalidArgumentError),
  );
});

describe('stress summary', () => {
  it.each([
    ['redis://127.0.0.1:6379/0', 'redis://127.0.0.1:6379/0'],
    ['redis://:secret@h:1/0', 'redis://:***@h:1/0'],
    ['redis://user:secret@h:1/0', 'redis://user:***@h:1/0'],
    ['rediss://token@h:1', 'rediss://***@h:1'],
  ])('redacts %s', (url, shown) => expect(redactUrl(url)).toBe(shown));

  it('names the count, queue, rate and ids', () => {
    const text = formatStressSummary(
      { tasks: 20, jobMs: 500, rate: 10, runId: 'r' },
      { sent: 20, elapsedMs: 2000, firstId: 'r-1', lastId: 'r-20', queueLength: 20 },
      { queueKey: 'demo:jobs', redisUrl: 'redis://:pw@h:1/0' },
    );
    expect(text).toBe(
      'enqueued 20 job(s) of 500 ms to demo:jobs at redis://:***@h:1/0 in 2.00 s (10/s, limit 10/s)\nids r-1 … r-20; queue length now 20',
    );
  });
});

describe('demo pm2 start args', () => {
  it('starts the launcher in cluster mode with a kill timeout; a drained worker (exit 0) stays stopped', () => {
    expect(demoPm2StartArgs('/repo')).toEqual([
      'start',
      '/repo/src/demo/alertscale-demo-worker.js',
      '--name',
      'demo',
      '-i',
      '1',
      '--kill-timeout',
      '30000',
      '--stop-exit-codes',
      '0',
      '--cwd',
      '/repo',
    ]);
  });
  it('passes worker settings after --', () => {
    const args = demoPm2StartArgs('/repo', {
      name: 'd2',
      instances: 2,
      killTimeoutMs: 5000,
      redisUrl: 'redis://h:1/0',
      queueKey: 'q',
      pool: 'p',
    });
    expect(args.slice(2, 8)).toEqual(['--name', 'd2', '-i', '2', '--kill-timeout', '5000']);
    expect(args.slice(args.indexOf('--'))).toEqual(['--', '--redis', 'redis://h:1/0', '--queue', 'q', '--pool', 'p']);
  });
  it('rejects a bad instance count', () => {
    expect(() => demoPm2StartArgs('/repo', { instances: 0 })).toThrow(/instances/);
  });
});
