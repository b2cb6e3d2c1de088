/**
 * The per-worker read model of a pool (issue 13 §2), as pure functions over what the heartbeats
 * (docs/HEARTBEATS.md) and /proc say. `read.ts` does the reading; the receiver's
 * `GET /v1/pools/:pool/workers` returns `PoolWorkers` as JSON and `alertscale workers` renders it.
 */

/** One heartbeat hash, typed. Fields a worker did not write are undefined (a foreign worker may write only busy/ts). */
export interface WorkerRecord {
  id: string;
  busy: boolean;
  /** Unix seconds of the last beat. */
  ts?: number;
  pid?: number;
  host?: string;
  started?: number;
  job?: string;
  jobStarted?: number;
  idleSince?: number;
  done: number;
  failed: number;
  /** The worker says it is draining (`draining 1`). */
  draining: boolean;
  /** When the receiver asked it to drain (the drain key's value), if it did. */
  drainRequested?: number;
}

/** What /proc shows of a worker's process over a short window. */
export interface ProcessUsage {
  /** CPU cores in use (1 = one full core) over the window. */
  cpu: number;
  rssBytes: number;
}

export type DrainState = 'no' | 'requested' | 'draining';

export interface WorkerView {
  id: string;
  state: 'idle' | 'busy';
  drain: DrainState;
  job: { id: string; forSeconds: number | null } | null;
  /** Seconds since it last became idle; null when busy or not reported. */
  idleForSeconds: number | null;
  done: number;
  failed: number;
  pid: number | null;
  host: string | null;
  /** Seconds since the worker's last beat. */
  beatSecondsAgo: number | null;
  upSeconds: number | null;
  /** null when the process is not visible from here (another host, hidepid, pid gone). */
  cpu: number | null;
  rssBytes: number | null;
  load: number;
}

export interface PoolWorkersSummary {
  alive: number;
  busy: number;
  idle: number;
  draining: number;
  /** Jobs in hand right now (a worker holds at most one). */
  jobsInProgress: number;
  /** The pool's counters (`alertscale:jobs:<pool>`): every job its workers ever finished / gave up on. */
  done: number;
  failed: number;
  /** Mean CPU cores per worker over the workers whose process is visible; null when none is. */
  meanCpu: number | null;
  meanLoad: number | null;
  /** Workers whose CPU/RSS this host can see. */
  visible: number;
}

export interface PoolWorkers {
  pool: string;
  /** RFC 3339 time of the reading. */
  at: string;
  workers: WorkerView[];
  summary: PoolWorkersSummary;
}

const num = (v: string | undefined): number | undefined => {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
};
const text = (v: string | undefined): string | undefined => (v === undefined || v === '' ? undefined : v);

/** A heartbeat hash (HGETALL) and the drain key's value → a record. Malformed numbers read as absent. */
export function parseHeartbeat(id: string, hash: Record<string, string>, drainValue?: string | null): WorkerRecord {
  const drainRequested = num(drainValue ?? undefined);
  const record: WorkerRecord = {
    id,
    busy: hash.busy === '1',
    ts: num(hash.ts),
    pid: num(hash.pid),
    host: text(hash.host),
    started: num(hash.started),
    job: text(hash.job),
    jobStarted: num(hash.job_started),
    idleSince: num(hash.idle_since),
    done: num(hash.done) ?? 0,
    failed: num(hash.failed) ?? 0,
    draining: hash.draining === '1',
    drainRequested,
  };
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as unknown as WorkerRecord;
}

/**
 * The load score, 0…1: half for holding a job, half for the CPU it burns (capped at one core).
 * 0 = idle and quiet; 0.5 = holding a job but waiting (I/O, a remote call), or idle yet busy on
 * CPU; 1 = busy on a full core. When the process is not visible, CPU counts as what `busy` says
 * (a busy worker 1, an idle one 0): the score then falls back to the heartbeat alone.
 */
export function loadScore(busy: boolean, cpu: number | null): number {
  const held = busy ? 1 : 0;
  const burn = cpu === null ? held : Math.min(1, Math.max(0, cpu));
  return round(0.5 * held + 0.5 * burn, 3);
}

const since = (nowS: number, t: number | undefined): number | null => (t === undefined ? null : round(Math.max(0, nowS - t), 1));
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

export function workerView(r: WorkerRecord, usage: ProcessUsage | undefined, nowS: number): WorkerView {
  const cpu = usage ? round(usage.cpu, 3) : null;
  return {
    id: r.id,
    state: r.busy ? 'busy' : 'idle',
    drain: r.draining ? 'draining' : r.drainRequested !== undefined ? 'requested' : 'no',
    job: r.busy ? { id: r.job ?? '?', forSeconds: since(nowS, r.jobStarted) } : null,
    idleForSeconds: r.busy ? null : since(nowS, r.idleSince),
    done: r.done,
    failed: r.failed,
    pid: r.pid ?? null,
    host: r.host ?? null,
    beatSecondsAgo: since(nowS, r.ts),
    upSeconds: since(nowS, r.started),
    cpu,
    rssBytes: usage?.rssBytes ?? null,
    load: loadScore(r.busy, cpu),
  };
}

const mean = (xs: number[]): number | null => (xs.length === 0 ? null : round(xs.reduce((a, b) => a + b, 0) / xs.length, 3));

/** Workers sorted busy first (oldest job first), then idle (longest idle first), then by id. */
export function poolWorkers(input: {
  pool: string;
  records: readonly WorkerRecord[];
  usage: ReadonlyMap<string, ProcessUsage>;
  counters: { done: number; failed: number };
  nowMs: number;
}): PoolWorkers {
  const nowS = input.nowMs / 1000;
  const workers = input.records.map((r) => workerView(r, input.usage.get(r.id), nowS)).sort(byActivity);
  const busy = workers.filter((w) => w.state === 'busy').length;
  const cpus = workers.flatMap((w) => (w.cpu === null ? [] : [w.cpu]));
  return {
    pool: input.pool,
    at: new Date(input.nowMs).toISOString(),
    workers,
    summary: {
      alive: workers.length,
      busy,
      idle: workers.length - busy,
      draining: workers.filter((w) => w.drain !== 'no').length,
      jobsInProgress: busy,
      done: input.counters.done,
      failed: input.counters.failed,
      meanCpu: mean(cpus),
      meanLoad: mean(workers.map((w) => w.load)),
      visible: cpus.length,
    },
  };
}

function byActivity(a: WorkerView, b: WorkerView): number {
  if (a.state !== b.state) return a.state === 'busy' ? -1 : 1;
  const ka = a.state === 'busy' ? a.job?.forSeconds : a.idleForSeconds;
  const kb = b.state === 'busy' ? b.job?.forSeconds : b.idleForSeconds;
  return (kb ?? -1) - (ka ?? -1) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
