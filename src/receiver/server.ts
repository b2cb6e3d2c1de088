import { serve, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseListen } from '../config/listen.js';
import { closeServer } from '../exporter/server.js';
import type { Receiver } from './app.js';

export interface ReceiverServer {
  url: string;
  port: number;
  /** Stop accepting requests, answer those in progress, then wait for running scale commands to finish. */
  close(): Promise<void>;
}

export async function startReceiverServer(receiver: Receiver, listen: string): Promise<ReceiverServer> {
  const { host, port } = parseListen(listen);
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: receiver.app.fetch, hostname: host, port }, () => resolve(s));
    s.once('error', reject);
  });
  const http = server as Server;
  // Alertmanager pools connections; Node's 5 s default races them into resets and duplicate deliveries.
  http.keepAliveTimeout = 120_000;
  http.headersTimeout = 125_000;
  const bound = (http.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    port: bound,
    close: async () => {
      await closeServer(http);
      await receiver.idle();
    },
  };
}
