/** `alertscale workers POOL`: the summary line and a row per worker, from what the API returns. */
import { describe, expect, it } from 'vitest';
import { renderTop } from '../../src/cli/render/top.js';
import { renderWorkers } from '../../src/cli/render/workers.js';
import { createStyle } from '../../src/cli/render/style.js';
import { poolWorkers, type WorkerRecord } from '../../src/workers/view.js';

const NOW_S = 1_800_000_000;
const rec = (r: Partial<WorkerRecord> & { id: string }): WorkerRecord => ({
  busy: false,
  done: 0,
  failed: 0,
  draining: false,
  host: 'box',
  ...r,
});

describe('renderWorkers', () => {
  const view = poolWorkers({
    pool: 'demo',
    records: [
      rec({ id: 'box-pm2.0-101', pid: 101, busy: true, job: 'r-17', jobStarted: NOW_S - 75, done: 9 }),
      rec({ id: 'box-pm2.1-102', pid: 102, idleSince: NOW_S - 12, done: 11, failed: 2 }),
      rec({ id: 'box-pm2.2-103', pid: 103, busy: true, job: 'r-18', jobStarted: NOW_S - 4, draining: true, drainRequested: NOW_S - 1 }),
    ],
    usage: new Map([
      ['box-pm2.0-101', { cpu: 0.25, rssBytes: 80 * 1024 * 1024 }],
      ['box-pm2.1-102', { cpu: 0.004, rssBytes: 75.4 * 1024 * 1024 }],
    ]),
    counters: { done: 120, failed: 2 },
    nowMs: NOW_S * 1000,
  });

  it('renders the summary and each worker', () => {
    expect(renderWorkers({ view, width: 120, style: createStyle(false) })).toEqual([
      'pool demo: 3 alive, 2 busy, 1 idle, 1 draining; jobs in progress 2, ' +
        'done 120, failed 2; mean CPU 13% (2 of 3 visible), mean load 0.54',
      'WORKER         STATE           JOB     FOR  DONE  FAILED  CPU   RSS  LOAD  PID  HOST',
      'box-pm2.0-101  busy            r-17  1m15s     9       0  25%  80Mi  0.63  101  box',
      'box-pm2.2-103  busy, draining  r-18     4s     0       0    -     -  1.00  103  box',
      'box-pm2.1-102  idle            -       12s    11       2   0%  75Mi  0.00  102  box',
    ]);
  });

  it('an empty pool says where it looked', () => {
    const empty = poolWorkers({ pool: 'demo', records: [], usage: new Map(), counters: { done: 3, failed: 0 }, nowMs: NOW_S * 1000 });
    expect(renderWorkers({ view: empty, width: 80, style: createStyle(false) })).toEqual([
      'pool demo: 0 alive, 0 busy, 0 idle; jobs in progress 0, done 3, failed 0; mean CPU -, mean load -',
      'no worker has a live heartbeat (alertscale:hb:demo:*)',
    ]);
  });
});

describe('renderTop --pool', () => {
  it("shows the selected pool's workers under the pools", () => {
    const workers = poolWorkers({
      pool: 'demo',
      records: [rec({ id: 'w-1', pid: 7, busy: true, job: 'j-1', jobStarted: NOW_S - 9 })],
      usage: new Map(),
      counters: { done: 5, failed: 0 },
      nowMs: NOW_S * 1000,
    });
    const snapshot = {
      time: NOW_S * 1000,
      receiverUrl: 'http://127.0.0.1:9460',
      intervalMs: 2000,
      pools: [],
      decisions: [],
      problems: [],
      workers,
    };
    const lines = renderTop(snapshot, 100, createStyle(false));
    const at = lines.indexOf('WORKERS OF demo');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^pool demo: 1 alive, 1 busy, 0 idle; jobs in progress 1, done 5/);
    expect(lines[at + 3]).toMatch(/^w-1\s+busy\s+j-1\s+9s/);
    expect(renderTop({ ...snapshot, workers: undefined }, 100, createStyle(false))).not.toContain('WORKERS OF demo');
  });
});
