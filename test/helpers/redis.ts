import { spawn, type ChildProcess } from 'node:child_process';
import { realClockEnv } from './fixture-time.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { redisAnswers } from '../../src/state/redis.js';
import { freePort, waitFor } from './ports.js';

/** A real redis-server on a private loopback port and data dir, for one test file. */
export interface TestRedis {
  port: number;
  url: string;
  /** A fresh client; the caller quits it. */
  client(): Redis;
  stop(): Promise<void>;
  /** Start again on the same port after `stop()`. */
  start(): Promise<void>;
  /** Stop for good and remove the data dir. */
  close(): Promise<void>;
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'alertscale-redis-'));
  let child: ChildProcess | undefined;

  const start = async () => {
    // The binary itself, not a shell, so the pid held is Redis's.
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: 'ignore',
      // Redis's own timers stall under libfaketime; the clock under test is the CLI's and the receiver's.
      env: realClockEnv(),
    });
    child.once('error', (err) => {
      throw new Error(`redis-server failed to start (is the Debian package redis-server installed?): ${err.message}`);
    });
    await waitFor(`redis-server on ${port}`, () => redisAnswers(port));
  };

  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    client: () => new Redis({ port, host: '127.0.0.1' }),
    stop,
    start,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
