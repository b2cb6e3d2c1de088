/**
 * The framework floor of the receiver benchmark: what Hono on @hono/node-server costs before any
 * receiver logic. One route, `await c.req.json()` (the standard body read, as the receiver's
 * `c.req.text()` + JSON.parse), a small JSON 200. No validation, auth, Redis, logs or metrics.
 *
 *   node --import tsx bench/floor-hono.ts --port 12345 [--body-limit]
 *
 * `--body-limit` adds hono/body-limit (1 MiB) in front, as src/receiver/routes/webhook.ts does:
 * it reads `c.req.raw.body`, which makes @hono/node-server build a full WHATWG Request per request.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const portArg = process.argv.indexOf('--port');
const port = portArg >= 0 ? Number(process.argv[portArg + 1]) : 0;

const app = new Hono();
if (process.argv.includes('--body-limit')) app.use('/v1/*', bodyLimit({ maxSize: 1024 * 1024 }));
app.post('/v1/alertmanager', async (c) => {
  const json = (await c.req.json()) as { alerts?: unknown[] };
  return c.json({ ok: true, alerts: Array.isArray(json.alerts) ? json.alerts.length : 0 });
});
app.get('/', (c) => c.text('floor'));

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, (info: AddressInfo) => {
  process.stdout.write(`listening ${info.port}\n`);
}) as Server;
// The same keep-alive as the receiver (src/receiver/server.ts).
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
