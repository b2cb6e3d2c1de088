import { Hono } from 'hono';
import type { ReceiverEnv } from '../env.js';
import { openApiDocument } from '../openapi.js';

/**
 * `GET /v1/openapi.json`: the API description. Public, like /healthz: it is built from code only,
 * names no pool, host or secret, and tools (Swagger UI, client generators) fetch it without a token.
 * Mounted before the bearer-auth middleware of /v1/* for that reason.
 */
export function openapiRoutes() {
  return new Hono<ReceiverEnv>().get('/openapi.json', (c) => c.json(openApiDocument()));
}
