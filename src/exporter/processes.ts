import { readdirSync, readFileSync } from 'node:fs';
import type { Config } from '../config/index.js';
import { CpuLedger, type ProcessSample } from './cpu-ledger.js';
import { setCounter, type ExporterMetrics } from './metrics.js';
import { parseCmdline, parsePasswd, parsePidStat, parseStatusUid, type PidStat } from './parse.js';
import { ProcFiles } from './procfs.js';
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
  /** /proc files kept open between scrapes (default: from the open-files limit); 0 for a /proc copy on disk. */
  maxOpenProcFiles?: number;
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
  const files = new ProcFiles(procRoot, deps.maxOpenProcFiles);
  // Command line → the pools it matches. Command lines are re-read on every scrape (exec and
  // setproctitle change them) but rarely differ, so 50 regexes × every process run only for new
  // ones. Rebuilt per scrape from the lines seen, so it never outgrows the process table.
  let matchCache = new Map<string, Matcher[]>();

  return {
    name: 'processes',
    read() {
      if (matchers.length === 0) return;
      try {
        scan();
      } finally {
        files.endScrape();
      }
    },
    clear() {
      m.poolProcesses.reset();
      m.poolRss.reset();
      m.poolCpuSeconds.reset();
    },
  };

  function scan(): void {
    const uids = resolveUsers(matchers, deps.passwdFile);
    const samples = new Map<string, Array<ProcessSample & { rssPages: number }>>(matchers.map((x) => [x.pool, []]));

    const seenLines = new Map<string, Matcher[]>();
    for (const entry of readdirSync(procRoot)) {
      const pid = Number(entry);
      if (!Number.isInteger(pid) || pid === deps.selfPid) continue;
      const cmdline = files.read(pid, 'cmdline');
      if (!cmdline) continue; // gone, or a kernel thread / zombie with no argv
      const command = parseCmdline(cmdline);
      const matching = matchCache.get(command) ?? matchers.filter((x) => x.match.test(command));
      seenLines.set(command, matching);
      // undefined = not read yet, null = the process exited while we read it.
      let stat: PidStat | undefined | null;
      let uid: number | undefined | null;
      for (const x of matching) {
        if (x.user !== undefined) {
          if (uid === undefined) uid = parseOrNull(files.read(pid, 'status'), parseStatusUid);
          if (uid === null || uid !== uids.get(x.user)) continue;
        }
        if (stat === undefined) stat = parseOrNull(files.read(pid, 'stat'), parsePidStat);
        if (stat === null) break; // exited mid-read
        samples.get(x.pool)!.push({ pid, startTicks: stat.startTicks, cpuTicks: stat.cpuTicks, rssPages: stat.rssPages });
      }
    }

    matchCache = seenLines;

    const totals: Array<[{ pool: string }, number]> = [];
    for (const [pool, list] of samples) {
      m.poolProcesses.set({ pool }, list.length);
      m.poolRss.set({ pool }, list.reduce((sum, s) => sum + s.rssPages, 0) * deps.pageSize);
      totals.push([{ pool }, ledger.observe(pool, list) / deps.clkTck]);
    }
    setCounter(m.poolCpuSeconds, totals);
  }
}

const parseOrNull = <T>(text: string | null, parse: (text: string) => T): T | null => (text ? parse(text) : null);

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
