import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { late } from './late.js';
import { startRedis, type TestRedis } from './redis.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const PM2_BIN = join(REPO, 'node_modules/.bin/pm2');

/** A process as `pm2 jlist` lists it (the fields the tests read). */
export interface Pm2Proc {
  pid: number;
  pm_id: number;
  name: string;
  pm2_env: { status: string; exec_mode: string };
}

/**
 * A test file's real redis-server and its own pm2 daemon (a private PM2_HOME, never the
 * operator's): started in `beforeAll`, pm2 killed and Redis stopped after the file.
 */
export function usePm2(name: string) {
  let redis: TestRedis | undefined;
  let client: Redis | undefined;
  let home = '';
  beforeAll(async () => {
    redis = await startRedis();
    client = redis.client();
    home = await mkdtemp(join(tmpdir(), `alertscale-${name}-`));
  });
  afterAll(async () => {
    if (home) await pm2('kill').catch(() => undefined);
    client?.disconnect();
    await redis?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });
  const pm2 = (...args: string[]) => execa(PM2_BIN, args, { env: { PM2_HOME: home }, timeout: 45_000 });
  /** The processes of `app`, whatever their status. */
  const processes = async (app: string): Promise<Pm2Proc[]> =>
    (JSON.parse((await pm2('jlist')).stdout) as Pm2Proc[]).filter((p) => p.name === app);
  const online = async (app: string) => (await processes(app)).filter((p) => p.pm2_env.status === 'online');
  return {
    redis: late('redis-server', () => redis),
    client: late('the Redis client', () => client),
    /** The private PM2_HOME (set once `beforeAll` has run). */
    home: () => home,
    pm2,
    processes,
    online,
  };
}
