/**
 * Pure parsers for the /proc and /etc text the exporter reads. No I/O here: every function takes
 * the file's text and is table-tested over text captured on a real Linux host.
 */

/** The CPU modes published from /proc/stat, in the kernel's column order (guest time is already in user). */
export const CPU_MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;
export type CpuMode = (typeof CPU_MODES)[number];

export interface HostCpu {
  /** Clock ticks per mode, summed over all CPUs (the aggregate `cpu` line). */
  ticks: Record<CpuMode, number>;
  /** Online CPUs: the number of `cpuN` lines. */
  cpus: number;
}

/** /proc/stat → the aggregate `cpu` line in ticks and the count of `cpuN` lines. */
export function parseProcStat(text: string): HostCpu {
  let ticks: Record<CpuMode, number> | undefined;
  let cpus = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu')) continue;
    const fields = line.trim().split(/\s+/);
    if (fields[0] === 'cpu') {
      ticks = Object.fromEntries(CPU_MODES.map((mode, i) => [mode, Number(fields[i + 1] ?? 0)])) as Record<CpuMode, number>;
    } else if (/^cpu\d+$/.test(fields[0]!)) {
      cpus++;
    }
  }
  if (!ticks || CPU_MODES.some((m) => !Number.isFinite(ticks![m]))) throw new Error('/proc/stat has no readable aggregate "cpu" line');
  return { ticks, cpus };
}

/** /proc/stat → `btime`, the boot time in unix seconds (a process started at btime + starttime / CLK_TCK). */
export function parseBootTime(text: string): number {
  const m = /^btime\s+(\d+)$/m.exec(text);
  if (!m) throw new Error('/proc/stat has no btime line');
  return Number(m[1]);
}

export interface HostMemory {
  totalBytes: number;
  availableBytes: number;
}

/** /proc/meminfo → MemTotal and MemAvailable in bytes (the file says kB and means KiB). */
export function parseMeminfo(text: string): HostMemory {
  const kib = (key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
    if (!m) throw new Error(`/proc/meminfo has no ${key} line`);
    return Number(m[1]) * 1024;
  };
  return { totalBytes: kib('MemTotal'), availableBytes: kib('MemAvailable') };
}

/** /proc/loadavg → the 1, 5 and 15 minute load averages. */
export function parseLoadavg(text: string): [number, number, number] {
  const [a, b, c] = text.trim().split(/\s+/).map(Number);
  if (![a, b, c].every((v) => Number.isFinite(v)))
    throw new Error(`/proc/loadavg is not "l1 l5 l15 …": ${JSON.stringify(text.slice(0, 60))}`);
  return [a!, b!, c!];
}

export interface PidStat {
  pid: number;
  comm: string;
  state: string;
  /** utime + stime in clock ticks. */
  cpuTicks: number;
  /** cutime + cstime: the CPU of its children it has waited for, in clock ticks. */
  childTicks: number;
  /** Start time after boot in clock ticks: with the pid, it names one process even when pids are reused. */
  startTicks: number;
  /** Resident set size in pages. */
  rssPages: number;
}

/**
 * /proc/<pid>/stat. `comm` is in parentheses and may itself hold spaces and parentheses
 * (`(we ird) (x)`), so the fields are counted from the LAST `)`.
 */
export function parsePidStat(text: string): PidStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`not a /proc/<pid>/stat line: ${JSON.stringify(text.slice(0, 60))}`);
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  const rest = text.slice(close + 2).split(' ');
  const field = (n: number) => Number(rest[n - 3]);
  const stat = {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: rest[0] ?? '',
    cpuTicks: field(14) + field(15),
    childTicks: field(16) + field(17),
    startTicks: field(22),
    rssPages: field(24),
  };
  if (![stat.pid, stat.cpuTicks, stat.childTicks, stat.startTicks, stat.rssPages].every(Number.isFinite)) {
    throw new Error(`/proc/<pid>/stat has too few fields: ${JSON.stringify(text.slice(0, 60))}`);
  }
  return stat;
}

/** /proc/<pid>/status → the effective uid (second column of `Uid:`), as `ps -u` and `ps aux` use. */
export function parseStatusUid(text: string): number {
  const m = /^Uid:\s+\d+\s+(\d+)/m.exec(text);
  if (!m) throw new Error('/proc/<pid>/status has no Uid line');
  return Number(m[1]);
}

/** /proc/<pid>/cmdline (NUL-separated argv) → one line as `ps` shows it; '' for kernel threads and zombies. */
export function parseCmdline(raw: string): string {
  return raw.replace(/\0+$/, '').replaceAll('\0', ' ');
}

/** /etc/passwd → user name to uid. */
export function parsePasswd(text: string): Map<string, number> {
  const users = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid !== undefined && /^\d+$/.test(uid) && !users.has(name)) users.set(name, Number(uid));
  }
  return users;
}

/** A Redis stream id (`<ms>-<seq>`) → its millisecond timestamp. */
export function streamIdMs(id: string): number {
  const dash = id.indexOf('-');
  const ms = Number(dash < 0 ? id : id.slice(0, dash));
  if (id === '' || !Number.isFinite(ms)) throw new Error(`not a stream id: ${id}`);
  return ms;
}

export interface StreamGroup {
  name: string;
  pending: number;
  lastDeliveredId: string;
  /** Entries not yet delivered to the group; null when Redis cannot tell (deletions in the range). */
  lag: number | null;
}

/** An `XINFO GROUPS` reply (Redis ≥ 7.0: flat [field, value, …] per group) → groups. */
export function parseXinfoGroups(reply: unknown): StreamGroup[] {
  if (!Array.isArray(reply)) throw new Error('XINFO GROUPS reply is not an array');
  return reply.map((flat: unknown) => {
    const fields = new Map<string, unknown>();
    const list = flat as unknown[];
    for (let i = 0; i + 1 < list.length; i += 2) fields.set(String(list[i]), list[i + 1]);
    const lag = fields.get('lag');
    return {
      name: String(fields.get('name')),
      pending: Number(fields.get('pending') ?? 0),
      lastDeliveredId: String(fields.get('last-delivered-id') ?? '0-0'),
      lag: lag === null || lag === undefined ? null : Number(lag),
    };
  });
}
