import { readdir, readFile } from 'node:fs/promises';

/** The pid written by `gunicorn --pid FILE` (or any daemon's pidfile). Throws with the path. */
export async function readPidfile(path: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read pidfile ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const pid = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(pid) || pid <= 1) {
    throw new Error(`pidfile ${path} does not hold a pid: ${JSON.stringify(text.slice(0, 40))}`);
  }
  return pid;
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of `pid` with NULs as spaces ("" when it cannot be read). */
export async function commandLine(pid: number): Promise<string> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  return raw.replaceAll('\0', ' ').trim();
}

/** `PPid` and one-letter `State` from the text of /proc/<pid>/status. */
export function parseProcStatus(text: string): { ppid: number; state: string } | undefined {
  const ppid = /^PPid:\s+(\d+)$/m.exec(text)?.[1];
  const state = /^State:\s+(\S)/m.exec(text)?.[1];
  return ppid === undefined || state === undefined ? undefined : { ppid: Number(ppid), state };
}

/**
 * Live children of `parent`, from /proc/<pid>/status. Zombies (exited, not yet reaped) are not
 * counted: a worker that has exited no longer works.
 */
export async function childPids(parent: number): Promise<number[]> {
  const entries = await readdir('/proc');
  const children: number[] = [];
  await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (name) => {
        const status = await readFile(`/proc/${name}/status`, 'utf8').catch(() => undefined); // it may just have exited
        const parsed = status === undefined ? undefined : parseProcStatus(status);
        if (parsed && parsed.ppid === parent && parsed.state !== 'Z') children.push(Number(name));
      }),
  );
  return children.sort((a, b) => a - b);
}
