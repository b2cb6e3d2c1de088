import { createServer } from 'node:net';
import type { StackPorts } from './stack-config.js';

function listenOn(port: number): Promise<number | undefined> {
  return new Promise((done) => {
    const server = createServer().once('error', () => done(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : undefined));
    });
  });
}

/** Throws naming the first port of `ports` something already listens on (an earlier stack?). */
export async function assertPortsFree(ports: StackPorts): Promise<void> {
  for (const [name, port] of Object.entries(ports)) {
    if ((await listenOn(port)) === undefined)
      throw new Error(`port ${port} (${name}) is in use on 127.0.0.1; stop whatever listens there (an earlier stack?) and retry`);
  }
}

// A port is picked now and bound later by another process. A port the kernel hands out itself
// (listen on 0) comes from its ephemeral range (ip_local_port_range, 32768–60999 by default), where
// meanwhile it can become the local end of any daemon's outgoing connection — a Prometheus scrape, a
// Redis client — and the bind fails (seen in CI: gunicorn "Connection in use"). Below that range
// only other pickers compete: each process walks its own block round the clock from a random place
// (a port comes round again only after the rest of the block: a stopped daemon's port is not reused
// at once) and skips what something already listens on.
const PICK_FIRST = 20_000;
const PICK_BLOCK = 500;
const PICK_BLOCKS = 25; // 20000–32499, below the ephemeral range
const blockStart = PICK_FIRST + ((Number(process.env.VITEST_POOL_ID) || process.pid) % PICK_BLOCKS) * PICK_BLOCK;
let cursor = Math.floor(Math.random() * PICK_BLOCK);
/** The ports this process picks from, first and last. */
export const pickBlock = { first: blockStart, last: blockStart + PICK_BLOCK - 1 } as const;

/**
 * A loopback port outside the kernel's ephemeral range that nothing listened on a moment ago and
 * this process did not pick in its last 499 picks.
 */
export async function pickFreePort(): Promise<number> {
  for (let tried = 0; tried < PICK_BLOCK; tried++) {
    const port = blockStart + (cursor++ % PICK_BLOCK);
    if ((await listenOn(port)) !== undefined) return port;
  }
  throw new Error(`no free loopback port left in ${pickBlock.first}–${pickBlock.last}`);
}

/** A port per part of the stack (see pickFreePort). */
export async function pickFreePorts(): Promise<StackPorts> {
  return {
    redis: await pickFreePort(),
    prometheus: await pickFreePort(),
    alertmanager: await pickFreePort(),
    exporter: await pickFreePort(),
    receiver: await pickFreePort(),
    web: await pickFreePort(),
    webMetrics: await pickFreePort(),
  };
}
