import { describe, expect, it } from 'vitest';
import {
  formatClock,
  formatDuration,
  formatElapsed,
  formatPercent,
  formatRelative,
  oneLine,
  pad,
  truncate,
  wrap,
} from '../../src/cli/render/format.js';
import { createStyle, shouldColor, stripAnsi } from '../../src/cli/render/style.js';
import { renderTable } from '../../src/cli/render/table.js';
import { outputWidth } from '../../src/cli/render/terminal.js';

const plain = createStyle(false);

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [999, '0s'],
    [1_000, '1s'],
    [45_000, '45s'],
    [60_000, '1m'],
    [250_000, '4m10s'],
    [3_600_000, '1h'],
    [3_660_000, '1h1m'],
    [3_665_000, '1h1m'],
    [86_400_000 + 3_600_000 * 3, '1d3h'],
    [86_400_000 + 5_000, '1d'],
    [-5_000, '0s'],
  ])('%i ms → %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('formatElapsed', () => {
  it.each([
    [12, '12ms'],
    [999, '999ms'],
    [1_234, '1.2s'],
    [9_990, '9.9s'],
    [12_000, '12s'],
    [250_000, '4m10s'],
  ])('%i ms → %s', (ms, text) => expect(formatElapsed(ms)).toBe(text));
});

describe('formatRelative', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');
  it.each([
    [now - 180_000, '3m ago'],
    [now - 500, 'just now'],
    [now + 720_000, 'in 12m'],
    [now - 3_600_000 * 26, '1d2h ago'],
  ])('%i → %s', (t, text) => expect(formatRelative(t, now)).toBe(text));
});

describe('formatClock', () => {
  it('shows only the time for today and the date for other days (local time)', () => {
    const now = new Date(2026, 10, 23, 14, 30, 0).getTime();
    expect(formatClock(new Date(2026, 10, 23, 9, 5, 7).getTime(), now)).toBe('09:05:07');
    expect(formatClock(new Date(2026, 10, 22, 23, 59, 59).getTime(), now)).toBe('2026-11-22 23:59');
  });
});

describe('text fitting', () => {
  it('truncates with an ellipsis only when needed', () => {
    expect(truncate('abcdef', 6)).toBe('abcdef');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 0)).toBe('');
    expect(truncate('1 → 3 →', 5)).toBe('1 → …');
  });
  it('pads by display width', () => {
    expect(pad('1 → 3', 7)).toBe('1 → 3  ');
    expect(pad('42', 5, 'right')).toBe('   42');
  });
  it('wraps at the width with an indent, cutting a word longer than a line', () => {
    const lines = wrap('the quick brown fox jumps over the lazy dog', 25, '  ');
    expect(lines).toEqual(['  the quick brown fox', '  jumps over the lazy dog']);
    expect(wrap('the quick brown fox jumps over the lazy dog', 24, '  ')).toEqual([
      '  the quick brown fox',
      '  jumps over the lazy',
      '  dog',
    ]);
    expect(wrap(`x ${'y'.repeat(50)}`, 30).every((l) => l.length <= 30)).toBe(true);
  });
  it('makes one line of multi-line data', () => expect(oneLine('a\n  b\tc ')).toBe('a b c'));
  it('percent', () => {
    expect(formatPercent(2 / 3)).toBe('67%');
    expect(formatPercent(undefined)).toBe('-');
    expect(formatPercent(Number.NaN)).toBe('-');
  });
});

describe('colour', () => {
  it('only on a terminal, and never when NO_COLOR is set', () => {
    expect(shouldColor({ isTTY: true }, {})).toBe(true);
    expect(shouldColor({ isTTY: false }, {})).toBe(false);
    expect(shouldColor({}, {})).toBe(false);
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    // no-color.org: an empty NO_COLOR does not disable colour.
    expect(shouldColor({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
  });
  it('a disabled style writes no escape codes; an enabled one does, and strips back', () => {
    expect(plain.red('x')).toBe('x');
    const red = createStyle(true).red('x');
    expect(red).toBe('\x1b[31mx\x1b[39m');
    expect(stripAnsi(red)).toBe('x');
  });
  it('width: the terminal, else $COLUMNS, else 80', () => {
    expect(outputWidth({ isTTY: true, columns: 120 }, {})).toBe(120);
    expect(outputWidth({ isTTY: false }, { COLUMNS: '100' })).toBe(100);
    expect(outputWidth({ isTTY: false }, { COLUMNS: 'wide' })).toBe(80);
    expect(outputWidth({}, {})).toBe(80);
  });
});

describe('renderTable', () => {
  const columns = [{ header: 'NAME' }, { header: 'N', align: 'right' as const }, { header: 'NOTE', shrink: true, min: 5 }];
  it('aligns columns two spaces apart and trims trailing spaces', () => {
    const lines = renderTable(
      columns,
      [
        ['a', '1', 'short'],
        ['bbbb', '22', ''],
      ],
      { width: 80, style: plain },
    );
    expect(lines).toEqual(['NAME   N  NOTE', 'a      1  short', 'bbbb  22']);
  });
  it('shrinks the shrinkable column to fit the width, never the others', () => {
    const lines = renderTable(columns, [['name', '1', 'a very long note that does not fit']], { width: 24, style: plain });
    expect(lines.every((l) => l.length <= 24)).toBe(true);
    expect(lines[1]).toBe('name  1  a very long no…');
  });
  it('colours after padding, so coloured tables line up like plain ones', () => {
    const style = createStyle(true);
    const lines = renderTable(columns, [[{ text: 'a', color: style.red }, '1', 'x']], { width: 80, style });
    expect(lines.map(stripAnsi)).toEqual(renderTable(columns, [['a', '1', 'x']], { width: 80, style: plain }));
  });
});
