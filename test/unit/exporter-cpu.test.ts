import { describe, expect, it } from 'vitest';
import { CpuLedger, type ProcessSample } from '../../src/exporter/cpu-ledger.js';

const p = (pid: number, cpuTicks: number, startTicks = 1000): ProcessSample => ({ pid, startTicks, cpuTicks });

describe('CpuLedger', () => {
  it.each<[string, ProcessSample[][], number[]]>([
    ['first sight counts the whole lifetime', [[p(1, 50), p(2, 30)]], [80]],
    ['adds deltas', [[p(1, 50)], [p(1, 80)], [p(1, 81)]], [50, 80, 81]],
    ['an exit does not lower the total', [[p(1, 50), p(2, 30)], [p(1, 60)]], [80, 90]],
    ['a new process adds its lifetime', [[p(1, 50)], [p(1, 50), p(3, 7)]], [50, 57]],
    ['a reused pid (new start time) starts from its own ticks', [[p(1, 50)], [p(1, 5, 2000)]], [50, 55]],
    ['ticks going backwards for one process add nothing', [[p(1, 50)], [p(1, 40)], [p(1, 45)]], [50, 50, 50]],
    ['an empty pool keeps its total', [[p(1, 50)], [], [p(2, 1)]], [50, 50, 51]],
    ['a pid that left and came back is a new process', [[p(1, 50)], [], [p(1, 60)]], [50, 50, 110]],
  ])('%s', (_name, rounds, totals) => {
    const ledger = new CpuLedger();
    expect(rounds.map((samples) => ledger.observe('web', samples))).toEqual(totals);
  });

  it('keeps pools apart', () => {
    const ledger = new CpuLedger();
    ledger.observe('a', [p(1, 10)]);
    ledger.observe('b', [p(1, 20)]);
    ledger.observe('a', [p(1, 15)]);
    expect([ledger.total('a'), ledger.total('b'), ledger.total('c')]).toEqual([15, 20, 0]);
  });
});
