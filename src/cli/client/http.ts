import { apiError, unreachable, type Endpoint } from './errors.js';
import { requestText, type TextAnswer } from './request.js';
import type { PoolWorkers } from '../../workers/view.js';
import type { AuditEntry, AuditPage, PauseResult, PoolInfo, PoolList, ResumeResult, ScaleResult } from './types.js';

export interface ApiClientOptions {
  baseUrl: string;
  token?: string;
  configFile: string;
  timeoutMs?: number;
}

export interface AuditParams {
  pool?: string;
  outcome?: string;
  /** Anything the receiver's time parameter takes: RFC 3339, unix seconds, `1h` ago. */
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string;
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);
/** A unix-ms time as the receiver's `since`/`until` parameter (unix seconds, millisecond precision). */
export const timeParam = (ms: number) => seconds(ms);

/** The receiver API, typed; every failure is a one-line `CliError` with the fix. */
export function createApiClient(opts: ApiClientOptions) {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const endpoint: Endpoint = {
    name: 'the receiver',
    url: baseUrl,
    startHint: `start it with: alertscale receiver --config ${opts.configFile}`,
  };

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: TextAnswer;
    try {
      res = await requestText(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs,
      });
    } catch (err) {
      throw unreachable(endpoint, err, timeoutMs);
    }
    const text = res.text;
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok || json === undefined) {
      throw apiError(
        { endpoint, method, path: path.split('?')[0]!, configFile: opts.configFile, tokenSent: Boolean(opts.token) },
        res.status,
        json,
      );
    }
    return json as T;
  }

  const pool = (name: string) => `/v1/pools/${encodeURIComponent(name)}`;

  return {
    baseUrl,
    request,
    pools: async (): Promise<PoolList> => {
      const list = await request<PoolList>('GET', '/v1/pools');
      return { pools: list.pools, warnings: list.warnings ?? [] };
    },
    pool: (name: string) => request<PoolInfo>('GET', pool(name)),
    workers: (name: string) => request<PoolWorkers>('GET', `${pool(name)}/workers`),
    auditEntry(id: string): Promise<AuditEntry> {
      return request<AuditEntry>('GET', `/v1/audit/${encodeURIComponent(id)}`);
    },
    audit(params: AuditParams): Promise<AuditPage> {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, String(value));
      const qs = query.toString();
      return request<AuditPage>('GET', `/v1/audit${qs ? `?${qs}` : ''}`);
    },
    scale: (name: string, replicas: number, reason: string) => request<ScaleResult>('POST', `${pool(name)}/scale`, { replicas, reason }),
    pause: (name: string, input: { duration: string; comment: string; createdBy?: string }) =>
      request<PauseResult>('POST', `${pool(name)}/pause`, input),
    resume: (name: string) => request<ResumeResult>('DELETE', `${pool(name)}/pause`),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
