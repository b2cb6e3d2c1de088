import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Replace (or append) one benchmark's `## heading` section of bench/RESULTS.md, leaving the
 * others alone; the file is created with a title when absent.
 */
export function writeSection(file: string, heading: string, body: string): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# alertscale benchmark results\n';
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === heading);
  const section = `${heading}\n\n${body.trim()}\n`;
  if (start < 0) {
    writeFileSync(file, `${text.replace(/\n*$/, '\n\n')}${section}`);
    return;
  }
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end < 0) end = lines.length;
  const before = lines.slice(0, start).join('\n').replace(/\n*$/, '\n\n');
  const after = lines.slice(end).join('\n');
  writeFileSync(file, `${before}${section}${after ? `\n${after.replace(/\n*$/, '\n')}` : ''}`);
}
