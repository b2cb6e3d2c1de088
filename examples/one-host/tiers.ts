/**
 * The one-host scenario as data: six pools, their up tiers (overlapping: the largest target wins)
 * and down bands (disjoint: see the header of prometheus/rules/alerts.yml). `generate.ts` turns
 * this table into the rules and their promtool tests; edit here, then run
 * `npx tsx examples/one-host/generate.ts`.
 */

/** "above `over` → `target` workers" (CPU as a ratio, queue as jobs). */
export interface UpTier {
  over: number;
  target: number;
}

/** "below `under` (and at or above the next lower band's `under`) → `target` workers". */
export interface DownTier {
  under: number;
  target: number;
}

export interface PoolTiers {
  pool: string;
  /** What the tiers read: CPU per worker process (ratio), or jobs waiting in the pool's queues. */
  signal: 'cpu' | 'queue';
  min: number;
  max: number;
  up: UpTier[];
  /** Highest band first. */
  down: DownTier[];
  upFor: string;
  downFor: string;
}

const cpu = (pool: string, min: number, max: number, up: [number, number][], down: [number, number][]): PoolTiers => ({
  pool,
  signal: 'cpu',
  min,
  max,
  upFor: '3m',
  downFor: '15m',
  up: up.map(([percent, target]) => ({ over: percent / 100, target })),
  down: down.map(([percent, target]) => ({ under: percent / 100, target })),
});

export const POOLS: PoolTiers[] = [
  cpu(
    'backregisters',
    1,
    3,
    [
      [70, 2],
      [80, 3],
    ],
    [
      [40, 2],
      [35, 1],
    ],
  ),
  cpu(
    'backdipro',
    1,
    6,
    [
      [65, 2],
      [75, 3],
      [80, 4],
      [85, 5],
      [90, 6],
    ],
    [
      [45, 2],
      [35, 1],
    ],
  ),
  cpu(
    'backglobal',
    1,
    4,
    [
      [65, 2],
      [75, 3],
      [85, 4],
    ],
    [
      [45, 2],
      [35, 1],
    ],
  ),
  cpu(
    'backbce',
    1,
    4,
    [
      [65, 2],
      [75, 3],
      [85, 4],
    ],
    [
      [45, 2],
      [35, 1],
    ],
  ),
  cpu(
    'backcore',
    1,
    10,
    [
      [60, 2],
      [70, 3],
      [75, 4],
      [80, 5],
      [82, 6],
      [84, 7],
      [86, 8],
      [88, 9],
      [90, 10],
    ],
    [
      [40, 2],
      [30, 1],
    ],
  ),
  {
    pool: 'celerycore',
    signal: 'queue',
    min: 2,
    max: 12,
    upFor: '3m',
    downFor: '10m',
    up: [
      [10, 4],
      [20, 6],
      [30, 8],
      [40, 10],
      [50, 12],
    ].map(([over, target]) => ({ over: over!, target: target! })),
    down: [
      { under: 5, target: 4 },
      { under: 2, target: 2 },
    ],
  },
];

/** No scale-up unless this much memory is available per worker the tier adds (500 MiB). */
export const MEMORY_PER_ADDED_WORKER = 500 * 2 ** 20;
/** CPU pools scale down only while more than this is available (8 GiB). */
export const SCALE_DOWN_FREE_MEMORY = 8 * 2 ** 30;

/** The memory-sized variant of celerycore: wanted = min((available − reserve) / perWorker, max), ≥ min, one fewer below `tight`. */
export const MEMORY_SIZED = {
  pool: 'celerycore',
  reserve: 4 * 2 ** 30,
  perWorker: 500 * 2 ** 20,
  tight: 6 * 2 ** 30,
  min: 2,
  max: 12,
  upFor: '3m',
  downFor: '10m',
};
