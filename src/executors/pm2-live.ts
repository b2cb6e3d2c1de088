import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { childPids, isRunning, readPidfile } from './proc.js';

/**
 * The live processes of a pm2 app, read from /proc rather than from `pm2 jlist`.
 *
 * Every `pm2` CLI run starts a Node process and a round trip to the daemon; the receivers' probes
 * were most of those runs and took 45–65 % of a core in a bench run (bench/RESULTS.md, "Where the
 * CPU goes"). The daemon's pid is in `$PM2_HOME/pm2.pid` and every app process is its direct child
 * (fork mode spawns it, cluster mode forks it), with the app's name and pm_id in its environment.
 */

/** One live process of the app: its pid and pm2's id for it. */
export interface Pm2LiveProcess {
  pid: number;
  pmId: number;
}

/** pm2's home as pm2 itself finds it (pm2/paths.js): PM2_HOME, else ~/.pm2. */
export function pm2HomeOf(env: Readonly<Record<string, string>>): string {
  return env.PM2_HOME ?? process.env.PM2_HOME ?? join(homedir(), '.pm2');
}

/**
 * The pm2 app name and id in the text of /proc/<pid>/environ (NUL-separated), or undefined for a
 * process pm2 did not start. Pure.
 *
 * A cluster-mode worker carries them in one `pm2_env` JSON variable (Node's cluster module passes
 * it whole); a fork-mode process has them as flat `name` and `pm_id` variables.
 */
export function pm2IdentityOf(environText: string): { name: string; pmId: number } | undefined {
  const vars = new Map<string, string>();
  for (const entry of environText.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) vars.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  const packed = vars.get('pm2_env');
  if (packed !== undefined) {
    try {
      const env = JSON.parse(packed) as { name?: unknown; pm_id?: unknown };
      if (typeof env.name === 'string' && Number.isInteger(env.pm_id)) return { name: env.name, pmId: env.pm_id as number };
    } catch {
      // not pm2's JSON: fall through to the flat variables
    }
  }
  const name = vars.get('name');
  const pmId = vars.get('pm_id');
  return name !== undefined && pmId !== undefined && /^\d+$/.test(pmId) ? { name, pmId: Number(pmId) } : undefined;
}

/**
 * The live processes of `app` under the pm2 daemon of `home`. Throws (naming the pidfile) when no
 * daemon is found there rather than answering 0: a wrong home would otherwise scale a pool up that
 * is already full.
 */
export async function livePm2Processes(home: string, app: string): Promise<Pm2LiveProcess[]> {
  const pidfile = join(home, 'pm2.pid');
  let daemon: number;
  try {
    daemon = await readPidfile(pidfile);
  } catch (err) {
    throw new Error(`no pm2 daemon found: ${(err as Error).message} (set env.PM2_HOME to the daemon's home)`);
  }
  // A pidfile the daemon left behind when it died would otherwise read as an app with no processes.
  if (!isRunning(daemon)) throw new Error(`the pm2 daemon of ${pidfile} (pid ${daemon}) is not running`);
  const out: Pm2LiveProcess[] = [];
  for (const pid of await childPids(daemon)) {
    const identity = pm2IdentityOf(await environOf(pid));
    if (identity?.name === app) out.push({ pid, pmId: identity.pmId });
  }
  return out;
}

/** The environ of `pid`; "" for one that exited since it was listed. */
async function environOf(pid: number): Promise<string> {
  try {
    return await readFile(`/proc/${pid}/environ`, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return '';
    throw new Error(`cannot read /proc/${pid}/environ of a pm2 process: ${code ?? (err as Error).message}`);
  }
}
