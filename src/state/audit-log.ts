import type { Redis } from 'ioredis';
import type { Outcome } from '../policy/types.js';
import { toEntry, type AuditEntry, type AuditRecord, type ExecutionRecord } from './audit-entry.js';
import type { StateKeys } from './keys.js';

/** How long an entry's execution record is kept. */
export const EXECUTION_TTL_SECONDS = 90 * 24 * 3600;
/** Upper bound of stream entries one query reads while filtering, so a query never scans forever. */
const MAX_SCAN = 20_000;
const BATCH = 500;

export interface AuditQuery {
  pool?: string;
  outcome?: Outcome;
  /** Unix ms, inclusive. */
  since?: number;
  until?: number;
  limit: number;
  /** Entry id to continue after (exclusive), from the previous page's `nextCursor`. */
  cursor?: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `cursor` for the next (older) page; null at the end. */
  nextCursor: string | null;
}

/**
 * The decision log: a Redis stream (capped, approximate MAXLEN) of decisions, each completed by
 * its command's result under a key of its own. Stream ids are times, so time ranges are ranges.
 */
export function createAuditLog(redis: Redis, keys: StateKeys, maxEntries: number) {
  async function executions(ids: string[]): Promise<(ExecutionRecord | undefined)[]> {
    if (ids.length === 0) return [];
    const values = await redis.mget(ids.map(keys.auditExecution));
    return values.map((v) => (v ? (JSON.parse(v) as ExecutionRecord) : undefined));
  }

  return {
    async append(record: AuditRecord): Promise<string> {
      const id = await redis.xadd(keys.audit, 'MAXLEN', '~', maxEntries, '*', 'e', JSON.stringify(record));
      return id!;
    },

    async complete(id: string, execution: ExecutionRecord): Promise<void> {
      await redis.set(keys.auditExecution(id), JSON.stringify(execution), 'EX', EXECUTION_TTL_SECONDS);
    },

    /** Complete an entry only if nothing has yet (its command's own end, landing late, stands): true when this did. */
    async completeUnlessDone(id: string, execution: ExecutionRecord): Promise<boolean> {
      return (await redis.set(keys.auditExecution(id), JSON.stringify(execution), 'EX', EXECUTION_TTL_SECONDS, 'NX')) === 'OK';
    },

    /** One entry by id, with its execution folded in; undefined when absent or trimmed. */
    async get(id: string): Promise<AuditEntry | undefined> {
      const [found] = await redis.xrange(keys.audit, id, id);
      if (!found) return undefined;
      const record = JSON.parse(found[1][1]!) as AuditRecord;
      const [execution] = record.executing ? await executions([id]) : [undefined];
      return toEntry(id, record, execution);
    },

    /** Newest first, filtered, paged by cursor. */
    async query(q: AuditQuery): Promise<AuditPage> {
      const entries: AuditEntry[] = [];
      let end = q.cursor ? `(${q.cursor}` : q.until !== undefined ? String(q.until) : '+';
      const start = q.since !== undefined ? String(q.since) : '-';
      let scanned = 0;
      while (entries.length < q.limit && scanned < MAX_SCAN) {
        const batch = await redis.xrevrange(keys.audit, end, start, 'COUNT', BATCH);
        if (batch.length === 0) return { entries, nextCursor: null };
        scanned += batch.length;
        const records = batch.map(([id, fields]) => ({ id, record: JSON.parse(fields[1]!) as AuditRecord }));
        const done = await executions(records.filter((r) => r.record.executing).map((r) => r.id));
        let d = 0;
        for (const { id, record } of records) {
          const entry = toEntry(id, record, record.executing ? done[d++] : undefined);
          if ((q.pool && entry.pool !== q.pool) || (q.outcome && entry.outcome !== q.outcome)) continue;
          entries.push(entry);
          if (entries.length === q.limit) return { entries, nextCursor: id };
        }
        end = `(${batch[batch.length - 1]![0]}`;
      }
      // The scan bound was reached before `limit` matches: continue from where it stopped.
      return { entries, nextCursor: end.slice(1) };
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
