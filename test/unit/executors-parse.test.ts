import { describe, expect, it } from 'vitest';
import { parseNomadGroupCount } from '../../src/executors/nomad.js';
import { instancesOf, parsePm2List } from '../../src/executors/pm2.js';
import { pm2IdentityOf } from '../../src/executors/pm2-live.js';
import { countLines, parseReplicaCount } from '../../src/executors/probe.js';
import { parseProcStatus } from '../../src/executors/proc.js';
import { failureReason, tailOf } from '../../src/executors/run.js';

const proc = (name: string, pm_id: number, status: string) => ({ name, pm_id, pm2_env: { status, exec_mode: 'cluster_mode' }, pid: 1 });
const jlist = JSON.stringify([
  proc('worker', 0, 'online'),
  proc('worker', 1, 'stopped'),
  proc('worker', 2, 'stopping'),
  proc('other', 3, 'online'),
]);

describe('pm2 jlist', () => {
  it.each([
    ['plain', jlist],
    [
      'after daemon start lines that also open with "["',
      `[PM2] Spawning PM2 daemon with pm2_home=/tmp/x\n[PM2] PM2 Successfully daemonized\n${jlist}\n`,
    ],
    ['after a warning', `>>>> In-memory PM2 is out-of-date, do:\n>>>> $ pm2 update\n${jlist}`],
  ])('lists every process of the app, online or not (%s)', (_name, stdout) => {
    expect(instancesOf(stdout, 'worker')).toEqual([
      { id: 0, status: 'online' },
      { id: 1, status: 'stopped' },
      { id: 2, status: 'stopping' },
    ]);
    expect(instancesOf(stdout, 'absent')).toEqual([]);
  });

  it('an empty list has no processes', () => {
    expect(instancesOf('[]\n', 'worker')).toEqual([]);
  });

  it('no JSON at all is an error', () => {
    expect(() => parsePm2List('[PM2] daemon not running\n')).toThrow(/no JSON process list/);
  });
});

describe("a pm2 process's environ", () => {
  const environ = (...vars: string[]) => `${vars.join('\0')}\0`;
  it.each([
    ['fork mode: flat name and pm_id', environ('PATH=/usr/bin', 'name=demo', 'pm_id=7', 'status=launching'), { name: 'demo', pmId: 7 }],
    [
      'cluster mode: one pm2_env JSON',
      environ('NODE_UNIQUE_ID=1', `pm2_env=${JSON.stringify({ name: 'web', pm_id: 0, status: 'launching', env: { a: '=' } })}`),
      { name: 'web', pmId: 0 },
    ],
    [
      'cluster JSON wins over a flat name of its own',
      environ('name=mine', 'pm_id=9', 'pm2_env={"name":"web","pm_id":2}'),
      { name: 'web', pmId: 2 },
    ],
    [
      'a pm2_env that is not JSON falls back to the flat variables',
      environ('pm2_env={oops', 'name=demo', 'pm_id=1'),
      { name: 'demo', pmId: 1 },
    ],
    ['a value holding "="', environ('name=a=b', 'pm_id=3'), { name: 'a=b', pmId: 3 }],
  ])('%s', (_case, text, identity) => {
    expect(pm2IdentityOf(text)).toEqual(identity);
  });

  it.each([
    ['no pm2 variables (a process pm2 did not start)', environ('PATH=/usr/bin', 'HOME=/root')],
    ['a name without an id', environ('name=demo')],
    ['an id that is not a whole number', environ('name=demo', 'pm_id=x1')],
    ['empty (a process that exited)', ''],
  ])('%s is no pm2 identity', (_case, text) => {
    expect(pm2IdentityOf(text)).toBeUndefined();
  });
});

describe('probe output', () => {
  it.each([
    ['3\n', 3],
    ['  0 ', 0],
    ['12', 12],
  ])('%j is %i replicas', (stdout, count) => {
    expect(parseReplicaCount(stdout)).toBe(count);
  });

  it.each(['', '-1', '2.5', 'three', '3\n4', '1e3'])('%j is not a replica count', (stdout) => {
    expect(() => parseReplicaCount(stdout)).toThrow(/non-negative integer/);
  });

  it('counts non-empty lines', () => {
    expect(countLines('abc\ndef\n\n')).toBe(2);
    expect(countLines('')).toBe(0);
  });

  it('reads a nomad task group count, wrapped in Job or not', () => {
    const job = {
      TaskGroups: [
        { Name: 'web', Count: 2 },
        { Name: 'worker', Count: 5 },
      ],
    };
    expect(parseNomadGroupCount(JSON.stringify({ Job: job }), 'worker')).toBe(5);
    expect(parseNomadGroupCount(JSON.stringify(job), 'web')).toBe(2);
    expect(() => parseNomadGroupCount(JSON.stringify(job), 'db')).toThrow(/no task group "db"/);
    expect(() => parseNomadGroupCount('Error: job not found', 'web')).toThrow(/did not print JSON/);
  });
});

describe('/proc status', () => {
  it('reads PPid and State', () => {
    const text = 'Name:\tgunicorn\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t42\nPid:\t42\nPPid:\t7\n';
    expect(parseProcStatus(text)).toEqual({ ppid: 7, state: 'S' });
    expect(parseProcStatus('State:\tZ (zombie)\nPPid:\t7\n')).toEqual({ ppid: 7, state: 'Z' });
    expect(parseProcStatus('Name:\tx\n')).toBeUndefined();
  });
});

describe('run results', () => {
  it('keeps the tail of the output within the byte budget, on a character boundary', () => {
    expect(tailOf('short')).toBe('short');
    const tail = tailOf('é'.repeat(5000) + 'END', 4096);
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(4096);
    expect(tail).toMatch(/^é+END$/);
  });

  const base = { timedOut: false, isMaxBuffer: false, isForcefullyTerminated: false };
  it.each([
    [{ ...base, timedOut: true }, 'pm2 timed out after 500 ms (killed with SIGTERM)'],
    [{ ...base, timedOut: true, isForcefullyTerminated: true }, 'pm2 timed out after 500 ms (SIGTERM was ignored, killed with SIGKILL)'],
    [{ ...base, code: 'ENOENT' }, 'pm2: command not found (ENOENT); is it installed and on PATH?'],
    [{ ...base, exitCode: 3 }, 'pm2 exited with code 3'],
    [{ ...base, signal: 'SIGSEGV' }, 'pm2 was killed by SIGSEGV'],
  ])('explains %j in one line', (run, reason) => {
    expect(failureReason('pm2', run, 500)).toBe(reason);
  });
});
