import { serve, type ServerType } from '@hono/node-server';
import type { Server } from 'node:http';
import { parseListen } from '../config/listen.js';
import { boundUrl, closeServer, keepConnections } from '../http/server.js';
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
  keepConnections(http);
  return {
    ...boundUrl(http, host),
    close: async () => {
      await closeServer(http);
      await receiver.idle();
    },
  };
}
