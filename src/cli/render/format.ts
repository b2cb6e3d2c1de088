/**
 * Text for people: durations (`4m10s`), relative times (`3m ago`), clock times, and fitting text
 * into columns. Pure; every function takes `now` where time matters so tables are testable.
 */

const UNITS: [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** `4m10s`, `2h5m`, `3d4h`, `0s`: at most two units, rounded down, never negative. */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.floor(ms / 1000) * 1000);
  const parts: string[] = [];
  for (const [unit, size] of UNITS) {
    if (rest >= size || (parts.length > 0 && parts.length < 2)) {
      const n = Math.floor(rest / size);
      rest -= n * size;
      if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
    }
    if (parts.length === 2) break;
  }
  // `1h0m` reads worse than `1h`.
  const text = parts.filter((p, i) => i === 0 || !p.startsWith('0')).join('');
  return text || '0s';
}

/** A command's run time: `850ms`, `1.2s`, `12s`, `4m10s`. */
export function formatElapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)}s`;
  return formatDuration(ms);
}

/** `3m ago`, `in 12m`, `just now`. */
export function formatRelative(time: number, now: number): string {
  const delta = now - time;
  if (Math.abs(delta) < 1000) return 'just now';
  return delta > 0 ? `${formatDuration(delta)} ago` : `in ${formatDuration(-delta)}`;
}

const two = (n: number) => String(n).padStart(2, '0');

/** Local `14:03:12` today, `2026-11-22 14:03` on another day. */
export function formatClock(time: number, now: number): string {
  const d = new Date(time);
  const today = new Date(now);
  const hms = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  if (d.toDateString() === today.toDateString()) return hms;
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** Display width: code points (the CLI prints no wide characters of its own). */
export function textWidth(text: string): number {
  return [...text].length;
}

/** Cut to `width` columns, marking the cut with `…`. */
export function truncate(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 0) return '';
  return `${chars.slice(0, width - 1).join('')}…`;
}

export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - textWidth(text)));
  return align === 'left' ? text + fill : fill + text;
}

/** One line: newlines and runs of whitespace in data (command output, reasons) become single spaces. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Words wrapped at `width`, every line prefixed with `indent`. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const room = Math.max(20, width - textWidth(indent));
  const lines: string[] = [];
  let line = '';
  for (const word of oneLine(text).split(' ')) {
    if (line && textWidth(line) + 1 + textWidth(word) > room) {
      lines.push(indent + line);
      line = '';
    }
    // A single word longer than the room (a URL, an argv) is cut rather than overflowing.
    line = line ? `${line} ${word}` : textWidth(word) > room ? truncate(word, room) : word;
  }
  if (line) lines.push(indent + line);
  return lines;
}

/** Percent of a ratio, `67%`; `-` when not a number. */
export function formatPercent(ratio: number | undefined): string {
  return ratio === undefined || !Number.isFinite(ratio) ? '-' : `${Math.round(ratio * 100)}%`;
}
