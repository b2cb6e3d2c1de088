import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childPids, parseProcStatus } from '../../src/executors/proc.js';
import { waitFor } from '../helpers/ports.js';

// A parent with a child of its main thread, a child of a second thread that stays alive (the kernel
// lists children per thread), and a child that exited unreaped (a zombie).
const PARENT = `
import json, subprocess, sys, threading, time
main = subprocess.Popen(['sleep', '60'])
zombie = subprocess.Popen(['true'])
spawned = threading.Event()
def other():
    global threaded
    threaded = subprocess.Popen(['sleep', '60'])
    spawned.set()
    time.sleep(60)
threading.Thread(target=other, daemon=True).start()
spawned.wait()
print(json.dumps({'live': sorted([main.pid, threaded.pid]), 'zombie': zombie.pid}), flush=True)
time.sleep(60)
`;

let parent: ChildProcess;
let pids: { live: number[]; zombie: number };

const stateOf = async (pid: number) => parseProcStatus(await readFile(`/proc/${pid}/status`, 'utf8'))?.state;

/** Every process whose PPid is `pid`, by reading the status of every process on the host. */
async function byScan(pid: number): Promise<number[]> {
  const out: number[] = [];
  for (const name of (await readdir('/proc')).filter((n) => /^\d+$/.test(n))) {
    const status = await readFile(`/proc/${name}/status`, 'utf8').catch(() => undefined);
    const parsed = status === undefined ? undefined : parseProcStatus(status);
    if (parsed?.ppid === pid && parsed.state !== 'Z') out.push(Number(name));
  }
  return out.sort((a, b) => a - b);
}

beforeAll(async () => {
  parent = spawn('python3', ['-c', PARENT], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  parent.stdout!.on('data', (d) => (out += d));
  await waitFor('the parent to print its children', () => out.includes('\n'), 10_000);
  pids = JSON.parse(out);
  await waitFor('the exited child to be a zombie', async () => (await stateOf(pids.zombie)) === 'Z', 5_000);
});

afterAll(() => {
  parent?.kill('SIGKILL');
  for (const pid of pids?.live ?? []) process.kill(pid, 'SIGKILL');
});

describe('childPids against real processes', () => {
  it('lists the live children of every thread, not the zombie, as a scan of /proc does', async () => {
    expect(await childPids(parent.pid!)).toEqual(pids.live);
    expect(await byScan(parent.pid!)).toEqual(pids.live);
  });

  it('a child that exits leaves the list', async () => {
    process.kill(pids.live[0]!, 'SIGKILL');
    await waitFor('the killed child to be a zombie or gone', async () => (await stateOf(pids.live[0]!).catch(() => 'gone')) !== 'S', 5_000);
    expect(await childPids(parent.pid!)).toEqual(pids.live.slice(1));
  });

  it('a pid with no process has no children', async () => {
    expect(await childPids(2 ** 22 + 1)).toEqual([]); // above pid_max's ceiling
  });
});
