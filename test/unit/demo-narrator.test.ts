import { describe, expect, it } from 'vitest';
import { createNarrator, formatFigures, type Observation, type SeenDecision } from '../../src/cli/stack/demo-narrator.js';

const quiet = { alerts: {}, decisions: [], workers: 1, queue: 0, done: 0 };
const obs = (o: Partial<Observation> & { at: number }): Observation => ({ ...quiet, ...o });
const decision = (d: Partial<SeenDecision> & { at: number; scale: string }): SeenDecision => ({
  id: String(d.at),
  outcome: 'scaled',
  from: 1,
  to: 4,
  reason: 'why',
  alerts: ['DemoQueueBacklog'],
  ...d,
});

describe('demo narrator', () => {
  it('tells the story from burst to rest once each, and sums the figures', () => {
    const n = createNarrator({ jobs: 40, min: 1, startWorkers: 1 });
    const said = [
      obs({ at: 1000, queue: 40 }),
      obs({ at: 2000, queue: 38, done: 2, alerts: { DemoQueueBacklog: 'pending' } }),
      obs({ at: 3000, queue: 36, done: 4, alerts: { DemoQueueBacklog: 'firing' } }),
      obs({
        at: 4000,
        queue: 30,
        done: 10,
        alerts: { DemoQueueBacklog: 'firing' },
        workers: 4,
        decisions: [decision({ at: 3500, scale: 'up', reason: 'scale 1 → 4' })],
      }),
      obs({ at: 6000, queue: 0, done: 40, workers: 4 }),
      obs({ at: 8000, done: 40, workers: 1, alerts: { DemoWorkersIdle: 'firing' } }),
      obs({
        at: 9000,
        done: 40,
        workers: 1,
        decisions: [decision({ at: 7500, scale: 'down', from: 4, to: 1, reason: 'scale 4 → 1', alerts: ['DemoWorkersIdle'] })],
      }),
    ].flatMap((o) => n.observe(o));
    expect(said).toEqual([
      "[+  2.0 s] alert DemoQueueBacklog is pending (the rule's for: is running)",
      '[+  3.0 s] alert DemoQueueBacklog is firing: Alertmanager sends it to the receiver',
      '[+  4.0 s] decision scaled: scale 1 → 4',
      '[+  4.0 s] workers growing: 1 → 4 (queue 30, 10/40 done)',
      '[+  6.0 s] alert DemoQueueBacklog resolved',
      '[+  6.0 s] queue drained: all 40 jobs done at +6.0 s',
      '[+  8.0 s] alert DemoWorkersIdle is firing: Alertmanager sends it to the receiver',
      '[+  8.0 s] pool shrinking: 4 → 1 (queue 0, 40/40 done)',
      '[+  9.0 s] alert DemoWorkersIdle resolved',
      '[+  9.0 s] decision scaled: scale 4 → 1',
      '[+  9.0 s] pool back at rest: 1 worker(s)',
    ]);
    expect(n.phase).toBe('at-rest');
    // 1 worker for 4 s (0 → 4 s), 4 workers for 4 s (4 → 8 s), 1 worker for 1 s.
    expect(n.figures()).toEqual({ jobs: 40, done: 40, peakWorkers: 4, firstScaleMs: 3500, workerSeconds: 21, elapsedMs: 9000 });
  });

  it('is not at rest after a scale-up until the scale-down decision is through', () => {
    const n = createNarrator({ jobs: 5, min: 1, startWorkers: 1 });
    n.observe(obs({ at: 1000, workers: 3, decisions: [decision({ at: 900, scale: 'up' })] }));
    n.observe(obs({ at: 2000, workers: 1, done: 5 }));
    expect(n.phase).toBe('drained');
    n.observe(obs({ at: 3000, workers: 1, done: 5, decisions: [decision({ at: 2500, scale: 'down', from: 3, to: 1 })] }));
    expect(n.phase).toBe('at-rest');
  });

  it('a burst the pool takes without scaling ends at rest when drained; no first scale', () => {
    const n = createNarrator({ jobs: 3, min: 1, startWorkers: 1 });
    expect(n.observe(obs({ at: 1500, done: 3 }))).toEqual([
      '[+  1.5 s] queue drained: all 3 jobs done at +1.5 s',
      '[+  1.5 s] pool back at rest: 1 worker(s)',
    ]);
    expect(formatFigures(n.figures())).toBe(
      [
        'final figures:',
        '  jobs done            3/3',
        '  peak workers         1',
        '  time to first scale  none (no scale-up happened)',
        '  worker-seconds       1.5 (over 1.5 s)',
      ].join('\n'),
    );
  });

  it('tells a cooldown once until another decision comes', () => {
    const n = createNarrator({ jobs: 5, min: 1, startWorkers: 1 });
    const cooldown = (at: number, scale = 'up') => decision({ at, scale, outcome: 'cooldown', reason: `cooldown ${scale} ${at}` });
    const lines = n.observe(
      obs({
        at: 1000,
        decisions: [cooldown(1), cooldown(2), decision({ at: 3, scale: 'up', reason: 'scaled' }), cooldown(4), cooldown(5, 'down')],
      }),
    );
    expect(lines.map((l) => l.slice(11))).toEqual([
      'decision cooldown: cooldown up 1',
      'decision scaled: scaled',
      'decision cooldown: cooldown up 4',
      'decision cooldown: cooldown down 5',
    ]);
  });

  it('an alert first seen firing was pending before: said so, with when', () => {
    const n = createNarrator({ jobs: 5, min: 1, startWorkers: 1 });
    expect(n.observe(obs({ at: 4000, alerts: { DemoQueueBacklog: 'firing' }, activeAt: { DemoQueueBacklog: 1500 } }))).toEqual([
      "[+  4.0 s] alert DemoQueueBacklog was pending from +1.5 s (the rule's for:)",
      '[+  4.0 s] alert DemoQueueBacklog is firing: Alertmanager sends it to the receiver',
    ]);
  });
});
