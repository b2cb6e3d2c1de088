/**
 * What the receiver's and the exporter's HTTP servers share: connections kept for clients that
 * pool them, a stop that does not hang on those connections, and the URL of a bound address.
 * Imports nothing of alertscale.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How long a stop waits for requests in progress (a scrape or a decision takes well under a second). */
export const CLOSE_GRACE_MS = 5_000;

/**
 * Alertmanager and Prometheus pool their connections; Node's 5 s keep-alive default races them
 * into resets (and, for webhooks, retries that deliver twice).
 */
export function keepConnections(server: Server): void {
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
}

/**
 * Stop accepting, answer the requests in progress, then close every connection. Node keeps a
 * keep-alive connection open after its last response even once the server is closed (until
 * keepAliveTimeout, 2 min here), so idle ones are closed as they become idle; past `graceMs` the
 * rest are cut.
 */
export function closeServer(server: Server, graceMs = CLOSE_GRACE_MS): Promise<void> {
  return new Promise<void>((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 25);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/** The port a listening server is bound to (the one asked for, or the one picked for port 0), and its `http://` URL. */
export function boundUrl(server: Server, host: string): { port: number; url: string } {
  const port = (server.address() as AddressInfo).port;
  return { port, url: `http://${host.includes(':') ? `[${host}]` : host}:${port}` };
}
