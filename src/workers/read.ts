import { readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { HEARTBEAT_PREFIX, POOL_JOBS_PREFIX } from '../exporter/heartbeats.js';
import { parseBootTime, parsePidStat, type PidStat } from '../exporter/parse.js';
import { ProcFiles } from '../exporter/procfs.js';
import { sysconf } from '../exporter/system.js';
import { drainKey } from './drain.js';
import { parseHeartbeat, poolWorkers, type PoolWorkers, type ProcessUsage, type WorkerRecord } from './view.js';

export interface WorkersReaderDeps {
  redis: Redis;
  procRoot?: string;
  /** This host's name: only workers whose heartbeat names it can have their /proc read. */
  hostname?: string;
  /** CPU is measured over this window (two reads of /proc/<pid>/stat). */
  cpuWindowMs?: number;
  now?: () => number;
}

export interface WorkersReader {
  /** Every worker of the pool with a live heartbeat, and the pool summary. */
  read(pool: string): Promise<PoolWorkers>;
  /** The heartbeats alone (no /proc, no CPU window): what a victim choice needs, at once. */
  records(pool: string): Promise<WorkerRecord[]>;
  close(): void;
}

const SCAN_COUNT = 1000;

/**
 * The per-worker read model: heartbeats (and drain requests) from Redis in one SCAN and one
 * pipeline, then CPU and RSS of each worker's process from /proc where this host can see it:
 * the heartbeat's host is this host, the pid exists, and that process did not start after the
 * worker did (else the pid was reused). /proc is read with the exporter's ProcFiles and parsers.
 */
export function createWorkersReader(deps: WorkersReaderDeps): WorkersReader {
  const { redis } = deps;
  const procRoot = deps.procRoot ?? '/proc';
  const host = deps.hostname ?? osHostname();
  const windowMs = deps.cpuWindowMs ?? 200;
  const now = deps.now ?? Date.now;
  const files = new ProcFiles(procRoot, 256);
  const clkTck = sysconf('CLK_TCK', 100);
  const pageSize = sysconf('PAGESIZE', 4096);

  async function heartbeats(pool: string): Promise<{ records: WorkerRecord[]; counters: { done: number; failed: number } }> {
    const prefix = `${HEARTBEAT_PREFIX}${pool}:`;
    const keys = new Set<string>();
    let cursor = '0';
    do {
      // Pool names are [a-z0-9_-]: nothing in the prefix is glob syntax.
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', SCAN_COUNT, 'TYPE', 'hash');
      for (const k of batch) keys.add(k);
      cursor = next;
    } while (cursor !== '0');
    const ids = [...keys].map((k) => k.slice(prefix.length));
    const pipe = redis.pipeline();
    for (const id of ids) pipe.hgetall(`${prefix}${id}`).get(drainKey(pool, id));
    pipe.hmget(`${POOL_JOBS_PREFIX}${pool}`, 'done', 'failed');
    const replies = (await pipe.exec()) ?? [];
    const value = (i: number) => {
      const [err, v] = replies[i] ?? [new Error('no reply'), null];
      if (err) throw new Error(`pool ${pool}: reading heartbeats: ${String(err)}`);
      return v;
    };
    const records: WorkerRecord[] = [];
    ids.forEach((id, i) => {
      const hash = value(2 * i) as Record<string, string>;
      if (Object.keys(hash).length === 0) return; // expired since SCAN
      records.push(parseHeartbeat(id, hash, value(2 * i + 1) as string | null));
    });
    const [done, failed] = (value(2 * ids.length) as (string | null)[]).map((v) => Number(v ?? 0));
    return { records, counters: { done: done!, failed: failed! } };
  }

  const stat = (pid: number): PidStat | null => {
    const text = files.read(pid, 'stat');
    return text ? parsePidStat(text) : null;
  };

  /** CPU and RSS of the workers' processes that this host can see. */
  async function usage(records: readonly WorkerRecord[]): Promise<Map<string, ProcessUsage>> {
    const out = new Map<string, ProcessUsage>();
    const local = records.filter((r) => r.host === host && r.pid !== undefined);
    if (local.length === 0) return out;
    const bootS = parseBootTime(readFileSync(`${procRoot}/stat`, 'utf8'));
    const first = new Map<string, PidStat>();
    for (const r of local) {
      const s = stat(r.pid!);
      // A process that started after the worker's first beat is not that worker (pid reused).
      if (s && (r.started === undefined || bootS + s.startTicks / clkTck <= r.started + 2)) first.set(r.id, s);
    }
    const t0 = performance.now();
    await sleep(windowMs);
    const elapsedS = (performance.now() - t0) / 1000;
    for (const r of local) {
      const a = first.get(r.id);
      const b = a && stat(r.pid!);
      if (!a || !b || b.startTicks !== a.startTicks) continue;
      out.set(r.id, { cpu: (b.cpuTicks - a.cpuTicks) / clkTck / elapsedS, rssBytes: b.rssPages * pageSize });
    }
    files.endScrape();
    return out;
  }

  return {
    async read(pool) {
      const { records, counters } = await heartbeats(pool);
      const seen = await usage(records);
      return poolWorkers({ pool, records, usage: seen, counters, nowMs: now() });
    },
    records: async (pool) => (await heartbeats(pool)).records,
    close: () => files.close(),
  };
}
