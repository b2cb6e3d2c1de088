import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { pickFreePorts } from '../../src/cli/stack/ports.js';
import { type Stack, type StackOptions, startStack } from '../../src/cli/stack/stack.js';
import { late } from '../helpers/late.js';

export const ROOT = resolve(import.meta.dirname, '../..');

/** The local stack of `npm run stack`, on free ports in a temp dir, with the pool overrides a test needs. */
export async function startTestStack(
  pools: Record<string, Record<string, unknown>>,
  opts: Pick<StackOptions, 'ruleFiles' | 'web' | 'alertmanager'> = {},
): Promise<Stack> {
  const ports = await pickFreePorts();
  return startStack({ root: ROOT, dir: mkdtempSync(join(tmpdir(), 'alertscale-e2e-')), ports, pools, ...opts });
}

/** One sample of a metric from a /metrics page, matched by name and label text. */
export async function metricValue(url: string, name: string, labels: string): Promise<number | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

export function api(stack: Stack) {
  return async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${stack.urls.receiver}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${stack.token}`, 'content-type': 'application/json', ...init.headers },
    });
    return { status: res.status, body: (await res.json()) as any };
  };
}

export function redisOf(stack: Stack): Redis {
  return new Redis(stack.urls.redis);
}

/** What `useTestStack` gives a test file, usable inside its tests and hooks. */
export interface TestStackHarness {
  stack: Stack;
  /** A client of the stack's Redis. */
  redis: Redis;
  /** The receiver's API with the stack's token (see `api`). */
  call: ReturnType<typeof api>;
}

/**
 * The whole stack for one e2e file: started in `beforeAll` (`startTestStack` with these pool
 * overrides and options), stopped and its dir removed in `afterAll`.
 */
export function useTestStack(
  pools: Record<string, Record<string, unknown>>,
  opts: Pick<StackOptions, 'ruleFiles' | 'alertmanager'> = {},
): TestStackHarness {
  let stack: Stack | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    stack = await startTestStack(pools, opts);
    redis = redisOf(stack);
  }, 120_000);
  afterAll(async () => {
    redis?.disconnect();
    await stack?.stop();
    if (stack) rmSync(stack.dir, { recursive: true, force: true });
  }, 60_000);
  const started = late('the stack', () => stack);
  return { stack: started, redis: late("the stack's Redis", () => redis), call: (path, init) => api(started)(path, init) };
}
