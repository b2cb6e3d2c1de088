import { pad, textWidth, truncate } from './format.js';
import type { Style } from './style.js';

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** May be cut (with `…`) to make the table fit; never below `min`. */
  shrink?: boolean;
  min?: number;
}

/** A cell's text and, optionally, how to colour it (applied after padding, so widths stay right). */
export type Cell = string | { text: string; color?: (text: string) => string };

const textOf = (cell: Cell) => (typeof cell === 'string' ? cell : cell.text);

/**
 * Column widths for rows under a header, fitted to `width`: shrinkable columns give up space
 * (the widest first) until the table fits. `at least` widths keep a streamed table steady.
 */
export function layoutTable(columns: Column[], rows: Cell[][], opts: { width: number; gap?: number; atLeast?: number[] }): number[] {
  const gap = opts.gap ?? 2;
  const widths = columns.map((c, i) =>
    Math.max(textWidth(c.header), opts.atLeast?.[i] ?? 0, ...rows.map((r) => textWidth(textOf(r[i] ?? '')))),
  );
  const total = () => widths.reduce((a, b) => a + b, 0) + gap * (columns.length - 1);
  const floor = (i: number) => Math.max(columns[i]!.min ?? 3, 1);
  while (total() > opts.width) {
    let widest = -1;
    columns.forEach((c, i) => {
      if (c.shrink && widths[i]! > floor(i) && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    });
    if (widest < 0) break;
    widths[widest]! -= 1;
  }
  // A shrinkable last column (a reason, a comment) may use whatever room is left: rows printed
  // later in the same widths (a followed log) are then cut at the screen edge, not at the header.
  const last = columns.length - 1;
  if (columns[last]?.shrink && Number.isFinite(opts.width)) widths[last] = Math.max(widths[last]!, opts.width - (total() - widths[last]!));
  return widths;
}

/** Rows (and the header, unless `header: false`) laid out in `widths`; trailing spaces trimmed. */
export function renderRows(
  columns: Column[],
  rows: Cell[][],
  widths: number[],
  opts: { style: Style; gap?: number; header?: boolean },
): string[] {
  const gap = opts.gap ?? 2;
  const line = (cells: Cell[], header: boolean) =>
    cells
      .map((cell, i) => {
        const cut = truncate(textOf(cell), widths[i]!);
        // The last column is not padded: trailing spaces inside colour codes would not trim.
        const text = i === cells.length - 1 && columns[i]!.align !== 'right' ? cut : pad(cut, widths[i]!, columns[i]!.align);
        if (header) return opts.style.bold(text);
        return typeof cell !== 'string' && cell.color ? cell.color(text) : text;
      })
      .join(' '.repeat(gap))
      .replace(/\s+$/, '');
  const body = rows.map((r) =>
    line(
      columns.map((_, i) => r[i] ?? ''),
      false,
    ),
  );
  return opts.header === false
    ? body
    : [
        line(
          columns.map((c) => c.header),
          true,
        ),
        ...body,
      ];
}

/** A table that fits `width` columns. */
export function renderTable(columns: Column[], rows: Cell[][], opts: { width: number; style: Style; gap?: number }): string[] {
  return renderRows(columns, rows, layoutTable(columns, rows, opts), opts);
}
