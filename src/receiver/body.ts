import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { HttpError } from './errors.js';

/**
 * The request body as text, refused with 413 past `maxBytes`. Alertmanager always sends a
 * Content-Length, which is checked before reading (Node's parser never reads past it); a chunked
 * body is counted while it streams. hono/body-limit would do the same through the web-stream
 * body, which costs @hono/node-server a full Request per webhook (a quarter of the receiver's CPU).
 */
export async function readBodyText(c: Context, maxBytes: number): Promise<string> {
  const tooLarge = () => {
    // The client may still be sending; closing tells it (and its connection pool) not to reuse this socket.
    c.header('Connection', 'close');
    return new HttpError(413, 'body_too_large', `webhook body exceeds ${maxBytes} bytes; lower max_alerts in alertmanager.yml`);
  };
  const declared = c.req.header('content-length');
  if (declared !== undefined) {
    if (Number(declared) > maxBytes) throw tooLarge();
    return c.req.text();
  }
  const incoming = (c.env as Partial<HttpBindings> | undefined)?.incoming;
  if (!incoming) {
    const text = await c.req.text();
    if (Buffer.byteLength(text) > maxBytes) throw tooLarge();
    return text;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
