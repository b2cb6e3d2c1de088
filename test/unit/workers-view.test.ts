/**
 * The per-worker read model (src/workers/view.ts): heartbeat hashes as workers write them
 * (docs/HEARTBEATS.md) → records → views, load score and pool summary. Times relative to NOW.
 */
import { describe, expect, it } from 'vitest';
import { loadScore, parseHeartbeat, poolWorkers, type WorkerRecord } from '../../src/workers/view.js';

const NOW_S = 1_800_000_000;
const t = (agoS: number) => (NOW_S - agoS).toFixed(3);

describe('parseHeartbeat', () => {
  it('reads every field the demo worker writes', () => {
    const hash = {
      busy: '1',
      ts: String(NOW_S - 1),
      pid: '4242',
      host: 'h1',
      started: t(60),
      job: 'j-7',
      job_started: t(5),
      idle_since: '',
      done: '12',
      failed: '1',
      draining: '0',
    };
    expect(parseHeartbeat('w1', hash)).toEqual({
      id: 'w1',
      busy: true,
      ts: NOW_S - 1,
      pid: 4242,
      host: 'h1',
      started: NOW_S - 60,
      job: 'j-7',
      jobStarted: NOW_S - 5,
      done: 12,
      failed: 1,
      draining: false,
    });
  });
  const base = { id: 'w', done: 0, failed: 0, draining: false };
  it.each<[string, Record<string, string>, string | null, WorkerRecord]>([
    ['a foreign worker writing only busy and ts', { busy: '0', ts: String(NOW_S) }, null, { ...base, busy: false, ts: NOW_S }],
    [
      'a malformed number is absent, not NaN',
      { busy: '1', job_started: 'soon', pid: 'x', done: '3' },
      null,
      { ...base, busy: true, done: 3 },
    ],
    ['a drain request', { busy: '1' }, t(3), { ...base, busy: true, drainRequested: NOW_S - 3 }],
    ['acknowledged drain', { busy: '0', draining: '1' }, t(3), { ...base, busy: false, draining: true, drainRequested: NOW_S - 3 }],
    ['busy other than "1" is idle; empty job fields are absent', { busy: 'yes', job: '', job_started: '' }, null, { ...base, busy: false }],
  ])('%s', (_name, hash, drain, want) => {
    expect(parseHeartbeat('w', hash, drain)).toEqual(want);
  });
});

describe('loadScore', () => {
  it.each<[boolean, number | null, number]>([
    [false, 0, 0],
    [false, null, 0],
    [true, null, 1],
    [true, 0, 0.5],
    [true, 0.5, 0.75],
    [true, 1, 1],
    [true, 3.5, 1],
    [false, 1, 0.5],
    [false, 0.2, 0.1],
  ])('busy %s, cpu %s → %s', (busy, cpu, want) => {
    expect(loadScore(busy, cpu)).toBe(want);
  });
});

describe('poolWorkers', () => {
  const rec = (r: Partial<WorkerRecord> & { id: string }): WorkerRecord => ({ busy: false, done: 0, failed: 0, draining: false, ...r });
  const records = [
    rec({ id: 'idle-short', idleSince: NOW_S - 3, done: 4, host: 'h', pid: 1, started: NOW_S - 100, ts: NOW_S - 1 }),
    rec({ id: 'busy-young', busy: true, job: 'a', jobStarted: NOW_S - 2, done: 1 }),
    rec({ id: 'idle-long', idleSince: NOW_S - 30, done: 2, failed: 1, drainRequested: NOW_S - 1 }),
    rec({ id: 'busy-old', busy: true, job: 'b', jobStarted: NOW_S - 20, draining: true }),
  ];
  const usage = new Map([
    ['idle-short', { cpu: 0.02, rssBytes: 50_000_000 }],
    ['busy-old', { cpu: 0.9, rssBytes: 70_000_000 }],
  ]);
  const view = poolWorkers({ pool: 'demo', records, usage, counters: { done: 40, failed: 2 }, nowMs: NOW_S * 1000 });

  it('sorts busy (oldest job first), then idle (longest idle first)', () => {
    expect(view.workers.map((w) => w.id)).toEqual(['busy-old', 'busy-young', 'idle-long', 'idle-short']);
  });
  it('says what each one does and for how long', () => {
    const byId = Object.fromEntries(view.workers.map((w) => [w.id, w]));
    expect(byId['busy-old']).toMatchObject({
      state: 'busy',
      drain: 'draining',
      job: { id: 'b', forSeconds: 20 },
      idleForSeconds: null,
      cpu: 0.9,
      rssBytes: 70_000_000,
      load: 0.95,
    });
    expect(byId['busy-young']).toMatchObject({
      state: 'busy',
      drain: 'no',
      job: { id: 'a', forSeconds: 2 },
      cpu: null,
      rssBytes: null,
      load: 1,
    });
    expect(byId['idle-long']).toMatchObject({
      state: 'idle',
      drain: 'requested',
      job: null,
      idleForSeconds: 30,
      done: 2,
      failed: 1,
      load: 0,
    });
    expect(byId['idle-short']).toMatchObject({ idleForSeconds: 3, upSeconds: 100, beatSecondsAgo: 1, pid: 1, host: 'h', load: 0.01 });
  });
  it('sums the pool', () => {
    expect(view.summary).toEqual({
      alive: 4,
      busy: 2,
      idle: 2,
      draining: 2,
      jobsInProgress: 2,
      done: 40,
      failed: 2,
      meanCpu: 0.46,
      meanLoad: 0.49,
      visible: 2,
    });
    expect(view.at).toBe(new Date(NOW_S * 1000).toISOString());
  });
  it('an empty pool has no means', () => {
    const empty = poolWorkers({ pool: 'p', records: [], usage: new Map(), counters: { done: 0, failed: 0 }, nowMs: NOW_S * 1000 });
    expect(empty.summary).toMatchObject({ alive: 0, busy: 0, meanCpu: null, meanLoad: null, visible: 0 });
  });
});
