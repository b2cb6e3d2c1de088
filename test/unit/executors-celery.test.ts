/** Reading `celery control --json` replies: replies captured from Celery 5.2.6 workers here. */
import { describe, expect, it } from 'vitest';
import { celeryRefusal, countCeleryProcesses } from '../../src/executors/celery.js';

describe('celeryRefusal', () => {
  it.each([
    ['every worker ok', '[{"w1@vm": {"ok": "pool will grow"}}]', undefined],
    ['two workers ok', '[{"w1@vm": {"ok": "pool will shrink"}}, {"w2@vm": {"ok": "pool will shrink"}}]', undefined],
    ['a warning line before the JSON', 'WARNING something\n[{"w2@vm": {"ok": "autoscale now max=5 min=5"}}]\n', undefined],
    [
      'shrink with every process busy',
      '[{"w1@vm": {"error": "ValueError(\\"Can\'t shrink pool. All processes busy!\\")"}}]',
      'Celery worker(s) refused: w1@vm: ValueError("Can\'t shrink pool. All processes busy!")',
    ],
    [
      'pool_grow on an --autoscale worker',
      '[{"w2@vm": {"error": "pool_grow is not supported with autoscale. Adjust autoscale range instead."}}]',
      'Celery worker(s) refused: w2@vm: pool_grow is not supported with autoscale. Adjust autoscale range instead.',
    ],
    ['one of two refuses', '[{"w1@vm": {"ok": "pool will grow"}}, {"w2@vm": {"error": "nope"}}]', 'Celery worker(s) refused: w2@vm: nope'],
    ['no worker replied', '[]', 'no Celery worker replied'],
    [
      'not JSON',
      'Error: No nodes replied within time constraint',
      'celery control printed no JSON replies (last line: "Error: No nodes replied within time constraint")',
    ],
  ])('%s', (_what, output, expected) => {
    expect(celeryRefusal(output)).toBe(expected);
  });
});

describe('countCeleryProcesses (inspect stats --json)', () => {
  const stats = (processes: number[]) => ({ pid: 1, pool: { 'max-concurrency': 2, processes } });
  it.each([
    ['one worker', { 'w1@vm': stats([14298, 14299]) }, 2],
    ['two workers summed', { 'w1@vm': stats([1, 2, 3]), 'w2@vm': stats([4]) }, 4],
  ])('%s', (_what, replies, n) => {
    expect(countCeleryProcesses(`${JSON.stringify(replies)}\n`)).toBe(n);
  });
  it('throws when nobody answered or a reply has no process list', () => {
    expect(() => countCeleryProcesses('{}')).toThrow('no Celery worker answered');
    expect(() => countCeleryProcesses('{"w1@vm": {"pool": {}}}')).toThrow('w1@vm: inspect stats has no pool.processes list');
  });
});
