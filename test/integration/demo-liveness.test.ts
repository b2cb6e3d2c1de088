import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isPidAlive } from '../../src/demo/liveness.js';
import { waitFor } from '../helpers/ports.js';

describe('isPidAlive (how a worker tells a crashed peer on this host from a slow one)', () => {
  it('is true for a running process and false once it exited', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    expect(isPidAlive(child.pid!)).toBe(true);
    child.kill('SIGKILL');
    await exited;
    expect(isPidAlive(child.pid!)).toBe(false);
  });

  it('is false for a zombie (killed, not yet reaped: signal 0 still succeeds on it)', async () => {
    // `sleep 0` exits at once; its parent execs into `sleep 30` and never waits for it.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (d) => resolve(String(d).trim()))));
      await waitFor('the zombie', () => {
        try {
          process.kill(pid, 0);
          return !isPidAlive(pid);
        } catch {
          return false;
        }
      });
      expect(isPidAlive(pid)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it.each([0, -1, 1.5, Number.NaN])('is false for the non-pid %s', (pid) => {
    expect(isPidAlive(pid)).toBe(false);
  });

  it('is true for this process and for pid 1 (not ours to signal when unprivileged: EPERM still means alive)', () => {
    expect(isPidAlive(process.pid)).toBe(true);
    expect(isPidAlive(1)).toBe(true);
  });
});
