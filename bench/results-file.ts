import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, freemem, loadavg, release, totalmem } from 'node:os';

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

/**
 * The machine a benchmark ran on, read when it runs (never written down from an earlier run):
 * CPU model and count, memory, kernel, Node, and the load average at the moment of the call.
 */
export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(1);
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  return (
    `${availableParallelism()} × ${cpu}, ${gib(totalmem())} GiB memory (${gib(freemem())} GiB free), ` +
    `Linux ${release()}, Node ${process.version}; load average ${load}`
  );
}
