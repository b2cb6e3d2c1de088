import { type FetchLike, endpointOf, request } from './http.js';
import { type NewSilence, type Silence, postSilenceResponseSchema, silenceListSchema } from './schema.js';

export interface SilencesClientOptions {
  /** Alertmanager's base URL (`alertmanager.url`), route prefix included if it has one. */
  url: string;
  fetch?: FetchLike;
  /** Deadline per request, connect to last byte. */
  timeoutMs?: number;
}

/** Alertmanager API v2, the silence part. Every method throws AlertmanagerError on failure. */
export interface SilencesClient {
  /** The base URL, without credentials (for messages). */
  readonly url: string;
  /** `GET /api/v2/silences`: all silences Alertmanager knows, any state. */
  list(): Promise<Silence[]>;
  /** `POST /api/v2/silences` → the new silence's id. */
  create(silence: NewSilence): Promise<string>;
  /** `DELETE /api/v2/silence/{id}`: expire it now (expiring an expired silence succeeds). */
  expire(id: string): Promise<void>;
}

export function createSilencesClient({ url, fetch = globalThis.fetch, timeoutMs = 2_000 }: SilencesClientOptions): SilencesClient {
  const endpoint = endpointOf(url);
  return {
    url: endpoint.base,
    list: () => request(endpoint, fetch, timeoutMs, { method: 'GET', path: '/api/v2/silences', schema: silenceListSchema }),
    create: async (silence) => {
      const answer = await request(endpoint, fetch, timeoutMs, {
        method: 'POST',
        path: '/api/v2/silences',
        body: silence,
        schema: postSilenceResponseSchema,
      });
      return answer.silenceID;
    },
    expire: async (id) => {
      await request(endpoint, fetch, timeoutMs, { method: 'DELETE', path: `/api/v2/silence/${encodeURIComponent(id)}` });
    },
  };
}
