import { describe, expect, it } from 'vitest';
import { longestBacklog, summarise } from '../../src/replay/summary.js';
import type { PoolReplay } from '../../src/replay/decisions.js';

const S = 1_000;
const queue = (values: number[]) => values.map((v, i) => [i * 10 * S, v] as const);

describe('replay summary', () => {
  it('the longest backlog is cut by a scale-up and ends where the queue empties', () => {
    // Jobs wait from 10 s to 70 s; a scale-up at 30 s splits it into 10–30 s and 30–80 s.
    expect(longestBacklog(queue([0, 5, 5, 5, 5, 5, 5, 5, 0]), 10 * S, [30 * S])).toEqual({ start: 30 * S, end: 80 * S, ms: 50 * S });
    expect(longestBacklog(queue([0, 5, 5, 0, 0]), 10 * S, [])).toEqual({ start: 10 * S, end: 30 * S, ms: 20 * S });
    expect(longestBacklog(queue([0, 0, 0]), 10 * S, [])).toBeNull();
  });

  it('counts actions, time at max/min and worker-seconds of the replayed size', () => {
    const replay: PoolReplay = {
      pool: 'demo',
      replicas: [
        [0, 1],
        [60 * S, 4],
        [120 * S, 1],
      ],
      decisions: [
        { time: 60 * S, pool: 'demo', scale: 'up', from: 1, to: 4, outcome: 'scaled', reason: '', alerts: [] },
        { time: 90 * S, pool: 'demo', scale: 'up', from: 4, to: 4, outcome: 'at_max', reason: '', alerts: [] },
        { time: 120 * S, pool: 'demo', scale: 'down', from: 4, to: 1, outcome: 'scaled', reason: '', alerts: [] },
      ],
    };
    const s = summarise(
      replay,
      { min: 1, max: 4 },
      { from: 0, to: 180 * S },
      {
        processes: [
          [0, 2],
          [90 * S, 2],
        ],
        stepMs: 90 * S,
      },
    );
    expect(s).toMatchObject({
      ups: 1,
      downs: 1,
      atMaxMs: 60 * S,
      atMinMs: 120 * S,
      replayedWorkerSeconds: 60 + 240 + 60,
      realWorkerSeconds: 360,
      longestBacklogWithoutScaleUp: null,
    });
  });
});
