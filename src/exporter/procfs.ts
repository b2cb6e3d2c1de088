import { closeSync, openSync, readFileSync, readSync } from 'node:fs';

/** Errors that mean "this process is gone or not ours to see" (exit mid-read, hidepid). */
const VANISHED = new Set(['ENOENT', 'ESRCH', 'EACCES', 'EPERM']);

/**
 * Reads /proc/<pid>/<file> across scrapes, keeping each file open and re-reading it at offset 0
 * (procfs regenerates the text on every read). On this kind of host open+close cost more than
 * the read itself, and a scrape reads every process's cmdline, so this halves the exporter's CPU.
 *
 * An open /proc file names one process, not a pid number: once that process is gone, reads fail
 * with ESRCH even if the pid was reused. Then the file is reopened once, which reaches the new
 * process (or finds none). Files not read during a scrape are closed at `endScrape()`.
 */
export class ProcFiles {
  private readonly open = new Map<string, number>();
  private readonly used = new Set<string>();
  private buffer = Buffer.allocUnsafe(64 * 1024);

  constructor(
    private readonly procRoot: string,
    /** Files kept open at most; past it, files are opened and closed per read. */
    private readonly maxOpen: number = defaultBudget(),
  ) {}

  /** The file's text, or null when the process is gone (normal, not an error). */
  read(pid: number, file: string): string | null {
    const key = `${pid}/${file}`;
    this.used.add(key);
    const cached = this.open.get(key);
    if (cached !== undefined) {
      const text = this.readFd(cached);
      if (text !== null) return text;
      this.forget(key, cached);
    }
    let fd: number;
    try {
      fd = openSync(`${this.procRoot}/${key}`, 'r');
    } catch (err) {
      if (VANISHED.has((err as NodeJS.ErrnoException).code ?? '')) return null;
      throw err;
    }
    const text = this.readFd(fd);
    if (text !== null && this.open.size < this.maxOpen) this.open.set(key, fd);
    else closeSync(fd);
    return text;
  }

  /** Close the files of processes that were not read since the last call. */
  endScrape(): void {
    for (const [key, fd] of this.open) if (!this.used.has(key)) this.forget(key, fd);
    this.used.clear();
  }

  close(): void {
    for (const [key, fd] of this.open) this.forget(key, fd);
  }

  private forget(key: string, fd: number): void {
    this.open.delete(key);
    closeSync(fd);
  }

  private readFd(fd: number): string | null {
    try {
      let length = 0;
      for (;;) {
        if (length === this.buffer.length) this.buffer = Buffer.concat([this.buffer, Buffer.allocUnsafe(this.buffer.length)]);
        const n = readSync(fd, this.buffer, length, this.buffer.length - length, length);
        if (n === 0) return this.buffer.toString('utf8', 0, length);
        length += n;
      }
    } catch (err) {
      if (VANISHED.has((err as NodeJS.ErrnoException).code ?? '')) return null;
      throw err;
    }
  }
}

/** Half the soft open-files limit (the rest is for sockets), at most 16384. */
function defaultBudget(): number {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    const soft = m?.[1] === 'unlimited' ? Infinity : Number(m?.[1] ?? 1024);
    return Math.min(16_384, Math.floor(soft / 2));
  } catch {
    return 256;
  }
}
