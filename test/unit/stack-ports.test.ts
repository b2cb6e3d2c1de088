import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pickBlock, pickFreePort, pickFreePorts } from '../../src/cli/stack/ports.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function occupy(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
    servers.push(server);
  });
}

describe('pickFreePort', () => {
  it('picks below the kernel ephemeral range, where no outgoing connection takes a port meanwhile', async () => {
    const [lowEphemeral] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    const ports = await Promise.all(Array.from({ length: 20 }, () => pickFreePort()));
    for (const port of ports) expect(port).toBeLessThan(lowEphemeral!);
  });

  it('hands a port out again only after the rest of its block, and never runs out in a long run', async () => {
    // A bench run boots 7 ports × 6 stacks × 4 traces × 3 repetitions (504) in one process.
    const ports: number[] = [];
    for (let i = 0; i < 1200; i++) ports.push(await pickFreePort());
    for (let i = 0; i + 500 <= ports.length; i++) expect(new Set(ports.slice(i, i + 499)).size).toBe(499);
    expect(new Set(Object.values(await pickFreePorts())).size).toBe(7);
  });

  it('skips a port something listens on', async () => {
    // The picker walks its block one port at a time: hold the next few, and it must pass them by.
    // Near the block's end the walk wraps to its start and would not meet them: walk on past it.
    let probe = await pickFreePort();
    while (probe + 4 > pickBlock.last) probe = await pickFreePort();
    const held = [probe + 1, probe + 2, probe + 3];
    for (const port of held) await occupy(port);
    expect(await pickFreePort()).toBeGreaterThan(probe + 3);
  });
});
