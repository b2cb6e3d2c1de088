import { readdirSync, readFileSync } from 'node:fs';
import type { Config } from '../config/index.js';
import { CpuLedger, type ProcessSample } from './cpu-ledger.js';
import { setCounter, type ExporterMetrics } from './metrics.js';
import { parseCmdline, parsePasswd, parsePidStat, parseStatusUid, type PidStat } from './parse.js';
import type { Source } from './source.js';

export interface ProcessesDeps {
  metrics: ExporterMetrics;
  pools: Config['pools'];
  procRoot: string;
  passwdFile: string;
  clkTck: number;
  pageSize: number;
  /** Left out of every pool, like `ps aux | grep` should leave out grep. */
  selfPid: number;
}

interface Matcher {
  pool: string;
  match: RegExp;
  user?: string;
}

/**
 * Per-pool process count, CPU seconds and RSS from /proc: what operators do with
 * `ps aux | grep 'backcore.*gunicorn'`, as metrics. A process that exits between listing /proc and
 * reading its files is normal and skipped, never an error.
 */
export function processesSource(deps: ProcessesDeps): Source {
  const { metrics: m, procRoot } = deps;
  const matchers: Matcher[] = Object.entries(deps.pools).flatMap(([pool, cfg]) =>
    cfg.processes ? [{ pool, match: new RegExp(cfg.processes.match), user: cfg.processes.user }] : [],
  );
  const ledger = new CpuLedger();

  return {
    name: 'processes',
    read() {
      if (matchers.length === 0) return;
      const uids = resolveUsers(matchers, deps.passwdFile);
      const samples = new Map<string, Array<ProcessSample & { rssPages: number }>>(matchers.map((x) => [x.pool, []]));

      for (const entry of readdirSync(procRoot)) {
        const pid = Number(entry);
        if (!Number.isInteger(pid) || pid === deps.selfPid) continue;
        const cmdline = readProc(procRoot, pid, 'cmdline');
        if (!cmdline) continue; // gone, or a kernel thread / zombie with no argv
        const command = parseCmdline(cmdline);
        // undefined = not read yet, null = the process exited while we read it.
        let stat: PidStat | undefined | null;
        let uid: number | undefined | null;
        for (const x of matchers) {
          if (!x.match.test(command)) continue;
          if (x.user !== undefined) {
            if (uid === undefined) uid = readUid(procRoot, pid);
            if (uid === null || uid !== uids.get(x.user)) continue;
          }
          if (stat === undefined) stat = readStat(procRoot, pid);
          if (stat === null) break; // exited mid-read
          samples.get(x.pool)!.push({ pid, startTicks: stat.startTicks, cpuTicks: stat.cpuTicks, rssPages: stat.rssPages });
        }
      }

      const totals: Array<[{ pool: string }, number]> = [];
      for (const [pool, list] of samples) {
        m.poolProcesses.set({ pool }, list.length);
        m.poolRss.set({ pool }, list.reduce((sum, s) => sum + s.rssPages, 0) * deps.pageSize);
        totals.push([{ pool }, ledger.observe(pool, list) / deps.clkTck]);
      }
      setCounter(m.poolCpuSeconds, totals);
    },
    clear() {
      m.poolProcesses.reset();
      m.poolRss.reset();
      m.poolCpuSeconds.reset();
    },
  };
}

/** Errors that mean "this process is gone or not ours to see" (exit mid-read, hidepid). */
const VANISHED = new Set(['ENOENT', 'ESRCH', 'EACCES', 'EPERM']);

function readProc(procRoot: string, pid: number, file: string): string | null {
  try {
    return readFileSync(`${procRoot}/${pid}/${file}`, 'utf8');
  } catch (err) {
    if (VANISHED.has((err as NodeJS.ErrnoException).code ?? '')) return null;
    throw err;
  }
}

function readStat(procRoot: string, pid: number): PidStat | null {
  const text = readProc(procRoot, pid, 'stat');
  return text ? parsePidStat(text) : null;
}

function readUid(procRoot: string, pid: number): number | null {
  const text = readProc(procRoot, pid, 'status');
  return text ? parseStatusUid(text) : null;
}

/**
 * `processes.user` → uid, from /etc/passwd on every scrape (a small file; users come and go).
 * A numeric user is a uid. An unknown name matches no process (the CLI warns about it at start).
 */
function resolveUsers(matchers: Matcher[], passwdFile: string): Map<string, number> {
  const wanted = matchers.flatMap((x) => (x.user === undefined ? [] : [x.user]));
  const uids = new Map<string, number>();
  if (wanted.length === 0) return uids;
  const users = parsePasswd(readFileSync(passwdFile, 'utf8'));
  for (const user of wanted) {
    const uid = /^\d+$/.test(user) ? Number(user) : users.get(user);
    if (uid !== undefined) uids.set(user, uid);
  }
  return uids;
}

/** Config paths of `processes.user` names missing from /etc/passwd, for a warning at start. */
export function unknownProcessUsers(pools: Config['pools'], passwdFile = '/etc/passwd'): string[] {
  const matchers = Object.entries(pools).flatMap(([pool, cfg]) => (cfg.processes ? [{ pool, match: /$^/, user: cfg.processes.user }] : []));
  const uids = resolveUsers(matchers, passwdFile);
  return matchers.filter((x) => x.user !== undefined && !uids.has(x.user)).map((x) => `pools.${x.pool}.processes.user`);
}
