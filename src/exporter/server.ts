import { createServer, type Server } from 'node:http';
import { parseListen } from '../config/listen.js';
import { boundUrl, closeServer, keepConnections } from '../http/server.js';
import type { Exporter } from './exporter.js';

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
  keepConnections(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    host,
    ...boundUrl(server, host),
    close: () => closeServer(server),
  };
}
