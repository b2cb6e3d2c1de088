import { createStyle, shouldColor, type Style } from './style.js';

/** Columns to fit: the terminal's, else $COLUMNS, else 80 (pipes and files get 80-column tables). */
export function outputWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  if (stream.isTTY && stream.columns) return stream.columns;
  const columns = Number(env.COLUMNS);
  return Number.isInteger(columns) && columns >= 40 ? columns : 80;
}

/** How stdout is written: its width and whether it gets colour. */
export function stdoutStyle(): { width: number; style: Style } {
  return { width: outputWidth(), style: createStyle(shouldColor(process.stdout)) };
}

export function printLines(lines: string[]): void {
  if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
}
