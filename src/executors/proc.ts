import { access, readdir, readFile } from 'node:fs/promises';

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
 * Live children of `parent`. Zombies (exited, not yet reaped) are not counted: a worker that has
 * exited no longer works.
 *
 * The kernel lists each thread's children in /proc/<pid>/task/<tid>/children; reading those costs a
 * few files where a scan of /proc reads the status of every process on the host (measured in the
 * quality bench: a probe before every decision of twelve receivers made that scan a third of their
 * CPU). The scan stays as the fallback for kernels built without CONFIG_PROC_CHILDREN.
 */
export async function childPids(parent: number): Promise<number[]> {
  const listed = await listedChildren(parent);
  const candidates = listed ?? (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const children: number[] = [];
  await Promise.all(
    candidates.map(async (pid) => {
      const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined); // it may just have exited
      const parsed = status === undefined ? undefined : parseProcStatus(status);
      if (parsed && parsed.ppid === parent && parsed.state !== 'Z') children.push(pid);
    }),
  );
  return children.sort((a, b) => a - b);
}

/** Whether this kernel lists children per thread (CONFIG_PROC_CHILDREN); asked once, of this process. */
let childrenFiles: Promise<boolean> | undefined;

/** The pids in the `children` files of every thread of `parent`; undefined where the kernel has none. */
async function listedChildren(parent: number): Promise<number[] | undefined> {
  childrenFiles ??= access(`/proc/self/task/${process.pid}/children`).then(
    () => true,
    () => false,
  );
  if (!(await childrenFiles)) return undefined;
  const threads = await readdir(`/proc/${parent}/task`).catch(() => [] as string[]); // no such process: no children
  // A thread that exited since the listing has no file any more: it has no children either.
  const texts = await Promise.all(threads.map((tid) => readFile(`/proc/${parent}/task/${tid}/children`, 'utf8').catch(() => '')));
  return [
    ...new Set(
      texts
        .join(' ')
        .split(/\s+/)
        .filter((x) => /^\d+$/.test(x))
        .map(Number),
    ),
  ];
}
