import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import type { InstanceRemover } from '../../src/executors/removers.js';
import type { Decision } from '../../src/policy/types.js';
import { type ScaleDownDeps, scaleDownChoosing } from '../../src/receiver/scale-down.js';
import type { WorkersReader } from '../../src/workers/read.js';

/**
 * Which path a scale-down takes, decided before any I/O: the victim path asks the heartbeats
 * first (here a reader that fails, so the path shows in the result), the plain path returns
 * undefined and the executor scales on its own.
 */
function setup(victims: 'idle-first' | 'executor') {
  const asked: string[] = [];
  const workers = {
    records: async (pool: string) => {
      asked.push(pool);
      throw new Error('heartbeats unreadable');
    },
  } as unknown as WorkersReader;
  const remover: InstanceRemover = {
    locate: async () => new Map(),
    remove: async () => [],
  };
  const config = { pools: { demo: { drainTimeout: 60_000, afterDrainTimeout: 'leave', victims } } } as unknown as Config;
  const deps = { config, redis: undefined, removers: new Map([['demo', remover]]), workers } as unknown as ScaleDownDeps;
  return { deps, asked };
}
const down = { pool: 'demo', scale: 'down', from: 4, to: 2 } as Decision;

describe('scaleDownChoosing: pool victims', () => {
  it('idle-first (the default): a scale-down takes the victim path', async () => {
    const { deps, asked } = setup('idle-first');
    const chosen = await scaleDownChoosing(deps, down);
    expect(asked).toEqual(['demo']);
    expect(chosen?.result.error).toMatch(/pool demo: scale-down choosing workers: heartbeats unreadable/);
  });
  it('executor: the executor scales on its own; no heartbeat is read', async () => {
    const { deps, asked } = setup('executor');
    expect(await scaleDownChoosing(deps, down)).toBeUndefined();
    expect(asked).toEqual([]);
  });
});
