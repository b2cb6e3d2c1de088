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

/** A port per part of the stack that was free a moment ago (the OS picks them). */
export async function pickFreePorts(): Promise<StackPorts> {
  const pick = async () => {
    const port = await listenOn(0);
    if (port === undefined) throw new Error('no free loopback port');
    return port;
  };
  return {
    redis: await pick(),
    prometheus: await pick(),
    alertmanager: await pick(),
    exporter: await pick(),
    receiver: await pick(),
    web: await pick(),
    webMetrics: await pick(),
  };
}
