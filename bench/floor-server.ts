/**
 * The floor of the receiver benchmark: the least any Node webhook receiver must do. `node:http`,
 * read the body, JSON.parse it, answer a small JSON 200. No routing, validation, auth, Redis or logs.
 *
 *   node --import tsx bench/floor-server.ts --port 12345
 *
 * Prints `listening <port>` once it accepts connections.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const portArg = process.argv.indexOf('--port');
const port = portArg >= 0 ? Number(process.argv[portArg + 1]) : 0;

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let status = 200;
    let body: string;
    try {
      const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alerts?: unknown[] };
      body = JSON.stringify({ ok: true, alerts: Array.isArray(json.alerts) ? json.alerts.length : 0 });
    } catch {
      status = 400;
      body = '{"ok":false}';
    }
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
// The same keep-alive as the receiver (src/receiver/server.ts), so both keep autocannon's connections.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
