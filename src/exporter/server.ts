import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseListen } from '../config/listen.js';
import type { Exporter } from './exporter.js';

/** How long a stop waits for requests in progress (a scrape takes well under a second). */
export const CLOSE_GRACE_MS = 5_000;

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

export interface ExporterServer {
  server: Server;
  host: string;
  port: number;
  /** `http://host:port` */
  url: string;
  close(): Promise<void>;
}

/** `/metrics` (the exporter's registry, read on each request) and `/healthz` on node:http. */
export async function startExporterServer(deps: { exporter: Exporter; listen: string }): Promise<ExporterServer> {
  const { registry } = deps.exporter;
  const { host, port } = parseListen(deps.listen);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      registry.metrics().then(
        (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? undefined : body),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`collect failed: ${err.message}\n`),
      );
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
    }
  });
  // Prometheus keeps scrape connections open; do not close them between scrapes.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 125_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    host,
    port: bound,
    url: `http://${urlHost}:${bound}`,
    close: () => closeServer(server),
  };
}
