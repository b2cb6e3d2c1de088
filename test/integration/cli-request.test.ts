import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { networkReason } from '../../src/cli/client/errors.js';
import { requestText } from '../../src/cli/client/request.js';
import { freePort } from '../helpers/ports.js';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/silent') return; // never answers
    if (req.url === '/stall') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('half');
      return; // headers and a first chunk, then nothing
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, auth: req.headers.authorization ?? null, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('requestText (the CLI client on node:http)', () => {
  it('sends method, headers and body, and reads the whole answer', async () => {
    const answer = await requestText(`${base}/v1/pools`, {
      method: 'POST',
      headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
      body: '{"replicas":3}',
      timeoutMs: 2_000,
    });
    expect(answer).toEqual({ status: 200, ok: true, text: JSON.stringify({ method: 'POST', auth: 'Bearer t', body: '{"replicas":3}' }) });
    expect(await requestText(`${base}/missing`, { timeoutMs: 2_000 })).toMatchObject({ status: 404, ok: false });
  });

  it.each(['/silent', '/stall'])('gives up on %s after the timeout, as a timeout', async (path) => {
    const started = Date.now();
    const err = await requestText(`${base}${path}`, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(networkReason(err)).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a refused connection by its code', async () => {
    const err = await requestText(`http://127.0.0.1:${await freePort()}/`, { timeoutMs: 2_000 }).catch((e: unknown) => e);
    expect(networkReason(err)).toBe('ECONNREFUSED');
  });
});
