import { describe, expect, it } from 'vitest';
import { createPoolQueue } from '../../src/receiver/pool-queue.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('pool queue: local requests for one pool take turns', () => {
  it('hands the pool over in arrival order, the moment the previous holder leaves', async () => {
    const queue = createPoolQueue();
    const order: string[] = [];
    const first = await queue.enter('demo', 1_000);
    const second = queue.enter('demo', 1_000).then((leave) => (order.push('second'), leave));
    const third = queue.enter('demo', 1_000).then((leave) => (order.push('third'), leave));
    await tick();
    expect(order).toEqual([]);
    first!();
    (await second)!();
    (await third)!();
    expect(order).toEqual(['second', 'third']);
  });

  it('pools do not wait for each other', async () => {
    const queue = createPoolQueue();
    const demo = await queue.enter('demo', 1_000);
    expect(await queue.enter('web', 10)).not.toBeNull();
    demo!();
  });

  it('a request that gives up answers null and keeps the line moving', async () => {
    const queue = createPoolQueue();
    const first = await queue.enter('demo', 1_000);
    expect(await queue.enter('demo', 20)).toBeNull();
    const third = queue.enter('demo', 1_000);
    first!();
    const leave = await third;
    expect(leave).not.toBeNull();
    leave!();
    expect(await queue.enter('demo', 20)).not.toBeNull();
  });
});
