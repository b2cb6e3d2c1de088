import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { HttpError } from './errors.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * `Authorization: Bearer <token>`. Both sides are hashed first so the comparison takes the same
 * time whatever the length or content of the guess.
 */
export function bearerAuth(token: string | undefined): MiddlewareHandler {
  const expected = token === undefined ? undefined : digest(token);
  return async (c, next) => {
    if (!expected) return next();
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (!match) {
      c.header('WWW-Authenticate', 'Bearer realm="alertscale"');
      throw new HttpError(401, 'unauthorized', 'missing bearer token: send "Authorization: Bearer <token>"');
    }
    if (!timingSafeEqual(digest(match[1]!), expected)) {
      c.header('WWW-Authenticate', 'Bearer realm="alertscale", error="invalid_token"');
      throw new HttpError(401, 'unauthorized', 'wrong bearer token');
    }
    return next();
  };
}
