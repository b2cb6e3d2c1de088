import { describe, expect, it } from 'vitest';
import { parseNomadGroupCount } from '../../src/executors/nomad.js';
import { countOnline, parsePm2List } from '../../src/executors/pm2.js';
import { countLines, parseReplicaCount } from '../../src/executors/probe.js';
import { parseProcStatus } from '../../src/executors/proc.js';
import { failureReason, tailOf } from '../../src/executors/run.js';

const proc = (name: string, status: string) => ({ name, pm2_env: { status, exec_mode: 'cluster_mode' }, pid: 1 });
const jlist = JSON.stringify([proc('worker', 'online'), proc('worker', 'online'), proc('worker', 'stopping'), proc('other', 'online')]);

describe('pm2 jlist', () => {
  it.each([
    ['plain', jlist],
    [
      'after daemon start lines that also open with "["',
      `[PM2] Spawning PM2 daemon with pm2_home=/tmp/x\n[PM2] PM2 Successfully daemonized\n${jlist}\n`,
    ],
    ['after a warning', `>>>> In-memory PM2 is out-of-date, do:\n>>>> $ pm2 update\n${jlist}`],
  ])('counts online processes of the app (%s)', (_name, stdout) => {
    expect(countOnline(stdout, 'worker')).toBe(2);
    expect(countOnline(stdout, 'absent')).toBe(0);
  });

  it('an empty list is zero', () => {
    expect(countOnline('[]\n', 'worker')).toBe(0);
  });

  it('no JSON at all is an error', () => {
    expect(() => parsePm2List('[PM2] daemon not running\n')).toThrow(/no JSON process list/);
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
