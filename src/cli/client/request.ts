import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface TextAnswer {
  status: number;
  ok: boolean;
  text: string;
}

export interface TextRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** For the whole exchange, answer body included; past it the promise rejects with a TimeoutError. */
  timeoutMs: number;
}

/**
 * One HTTP request and its whole answer as text, on node:http(s). Not `fetch`: its first use
 * loads undici, which cost a CLI command more CPU than the request it made (bench/cli.ts).
 * A network failure rejects with node's error (`code` ECONNREFUSED, …), a timeout with an error
 * named TimeoutError: what `networkReason` reads.
 */
export function requestText(url: string, init: TextRequest): Promise<TextAnswer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const timeout = new Error(`no answer within ${init.timeoutMs} ms`);
    timeout.name = 'TimeoutError';
    let answer: IncomingMessage | undefined;
    const req = send(target, { method: init.method ?? 'GET', headers: init.headers }, (res: IncomingMessage) => {
      answer = res;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      res.on('end', () => {
        clearTimeout(timer);
        const status = res.statusCode ?? 0;
        resolve({ status, ok: status >= 200 && status < 300, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    const timer = setTimeout(() => {
      // Destroying the answer first makes its 'error' the timeout, not a reset.
      answer?.destroy(timeout);
      req.destroy(timeout);
    }, init.timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(init.body);
  });
}
