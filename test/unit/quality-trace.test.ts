import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateTrace, SHAPES } from '../../bench/quality/generate.js';
import { formatTrace, parseTrace, readTrace, traceEndS } from '../../bench/quality/trace.js';

describe('trace parser', () => {
  it('reads at_s,duration_ms rows, skipping comments and blank lines, sorted by arrival', () => {
    const jobs = parseTrace('# a comment\nat_s,duration_ms\n1.5,200\n\n0,1000\n', 't.csv');
    expect(jobs).toEqual([
      { atS: 0, durationMs: 1000 },
      { atS: 1.5, durationMs: 200 },
    ]);
    expect(traceEndS(jobs)).toBe(1.7);
  });
  it.each([
    ['at,ms\n1,2\n', 't.csv:1: expected the header "at_s,duration_ms"'],
    ['at_s,duration_ms\n1,2,3\n', 't.csv:2: expected 2 columns'],
    ['at_s,duration_ms\n1,2\nx,5\n', 't.csv:3: at_s must be a number ≥ 0, got "x"'],
    ['at_s,duration_ms\n-1,5\n', 't.csv:2: at_s must be a number ≥ 0'],
    ['at_s,duration_ms\n1,2.5\n', 't.csv:2: duration_ms must be an integer'],
    ['at_s,duration_ms\n1,\n', 't.csv:2: duration_ms must be an integer'],
    ['at_s,duration_ms\n', 'no jobs after the header'],
  ])('%j → %s', (text, msg) => expect(() => parseTrace(text, 't.csv')).toThrow(msg));
  it('readTrace names the trace after its file and reports an unreadable one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quality-trace-'));
    writeFileSync(join(dir, 'burst.csv'), 'at_s,duration_ms\n0,10\n');
    expect(readTrace(join(dir, 'burst.csv'))).toEqual({ name: 'burst', jobs: [{ atS: 0, durationMs: 10 }] });
    expect(() => readTrace(join(dir, 'missing.csv'))).toThrow(/missing\.csv: cannot read/);
  });
  it('round-trips what the generator writes', () => {
    const jobs = generateTrace(SHAPES.step!, 7);
    expect(parseTrace(formatTrace(jobs), 'g.csv')).toEqual(jobs);
  });
});

describe('trace generator', () => {
  it('is deterministic for a seed and follows the rate', () => {
    const a = generateTrace(SHAPES.step!, 42);
    expect(generateTrace(SHAPES.step!, 42)).toEqual(a);
    const inStep = a.filter((j) => j.atS >= 20 && j.atS < 60).length; // 3/s × 40 s ≈ 120
    const outside = a.length - inStep; // 0.4/s × 60 s ≈ 24
    expect(inStep).toBeGreaterThan(90);
    expect(inStep).toBeLessThan(150);
    expect(outside).toBeLessThan(45);
  });
  it('idle-burst has no arrivals outside its burst; diurnal has a heavy tail', () => {
    const idle = generateTrace(SHAPES['idle-burst']!, 1);
    expect(idle.every((j) => j.atS >= 40 && j.atS < 60)).toBe(true);
    const d = generateTrace(SHAPES.diurnal!, 1)
      .map((j) => j.durationMs)
      .sort((x, y) => x - y);
    expect(d[Math.floor(d.length * 0.99)]! / d[Math.floor(d.length / 2)]!).toBeGreaterThan(3);
  });
});
