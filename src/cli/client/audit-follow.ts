import type { ApiClient, AuditParams } from './http.js';
import { timeParam } from './http.js';
import type { AuditEntry } from './types.js';

/** Stream ids are `<ms>-<seq>`: compare as numbers, not text. */
export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am - bm || as - bs;
}

const idMs = (id: string) => Number(id.split('-')[0]);

/** Every entry matching `params`, newest first, up to `limit` (paging past the API's 1000). */
export async function fetchAudit(api: ApiClient, params: Omit<AuditParams, 'limit' | 'cursor'>, limit: number): Promise<AuditEntry[]> {
  const entries: AuditEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.audit({ ...params, limit: Math.min(1000, limit - entries.length), cursor });
    entries.push(...page.entries);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && entries.length < limit);
  return entries;
}

/**
 * What `audit --follow` tracks between polls: the newest entry seen and the entries whose
 * command was still running, so each new decision and each completion is printed once.
 */
export interface FollowState {
  lastId?: string;
  running: Set<string>;
  /** Unix ms lower bound from `--since`. */
  sinceMs?: number;
}

export function followState(seen: AuditEntry[], sinceMs?: number): FollowState {
  const state: FollowState = { running: new Set(), sinceMs };
  for (const e of seen) note(state, e);
  return state;
}

function note(state: FollowState, e: AuditEntry): void {
  if (!state.lastId || compareIds(e.id, state.lastId) > 0) state.lastId = e.id;
  if (e.status === 'running') state.running.add(e.id);
  else state.running.delete(e.id);
}

/** The lower time bound of the next poll: the oldest running entry, else the newest seen. */
export function nextSince(state: FollowState): number | undefined {
  const bounds = [...state.running, ...(state.lastId ? [state.lastId] : [])].map(idMs);
  const from = bounds.length > 0 ? Math.min(...bounds) : undefined;
  if (from === undefined) return state.sinceMs;
  return state.sinceMs === undefined ? from : Math.max(from, state.sinceMs);
}

/**
 * Of a poll's entries (newest first), those to print, oldest first: new ones, and running ones
 * that finished. Updates `state`. A running entry that no longer matches the filter (an
 * `--outcome scaled` entry that ended `failed`) is dropped from tracking. Pure except `state`.
 */
export function takeNew(state: FollowState, polled: AuditEntry[]): AuditEntry[] {
  const out: AuditEntry[] = [];
  const present = new Set(polled.map((e) => e.id));
  const oldestPolled = polled.length > 0 ? polled[polled.length - 1]!.id : undefined;
  for (const id of [...state.running]) {
    if (!present.has(id) && (!oldestPolled || compareIds(id, oldestPolled) >= 0)) state.running.delete(id);
  }
  for (const e of [...polled].sort((a, b) => compareIds(a.id, b.id))) {
    const isNew = !state.lastId || compareIds(e.id, state.lastId) > 0;
    const finished = state.running.has(e.id) && e.status !== 'running';
    if (isNew || finished) {
      out.push(e);
      note(state, e);
    }
  }
  return out;
}

/** One poll of `--follow`. */
export async function pollAudit(api: ApiClient, params: Pick<AuditParams, 'pool' | 'outcome'>, state: FollowState): Promise<AuditEntry[]> {
  const since = nextSince(state);
  const polled = await fetchAudit(api, { ...params, since: since === undefined ? undefined : timeParam(since) }, 5_000);
  return takeNew(state, polled);
}
