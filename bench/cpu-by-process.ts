/**
 * Where the CPU goes while a command runs, by kind of process: the quality benchmark's stacks share
 * two cores, and a CPU-bound round stretches every hop of every policy's reaction. Run a benchmark
 * under it:
 *
 *   npx tsx bench/cpu-by-process.ts [--every MS] [--json FILE] -- npx tsx bench/quality.ts --runs 1 --no-write
 *
 * Every 200 ms it reads /proc/<pid>/stat and cmdline of every process and books, per kind, the CPU
 * each spent while watched (bench/cpu-by-kind.ts). The receiver's short `pm2` CLI runs show up in
 * its "reaped children" column; that column counts again what its children's own rows hold, so
 * the two columns are not to be added.
 * Prints a Markdown table; exits with the command's exit code.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { sysconf } from '../src/exporter/system.js';
import { busyShare, CpuByKind, cpuTable, hostCpu, snapshot } from './cpu-by-kind.js';

/** A sample interval this busy (all cores) counts as CPU-bound. */
const SATURATED = 0.95;
const pct = (x: number) => `${(100 * x).toFixed(0)} %`;

interface Options {
  everyMs: number;
  json: string | undefined;
  command: string[];
}

/** The options, or the exit code when there is nothing to run (--help: 0; bad input: 2, said on stderr). */
function options(argv: string[]): Options | number {
  const dash = argv.indexOf('--');
  const [own, command] = dash < 0 ? [argv, []] : [argv.slice(0, dash), argv.slice(dash + 1)];
  const usage = 'usage: npx tsx bench/cpu-by-process.ts [--every MS] [--json FILE] -- COMMAND [ARGS…]\n';
  if (own.includes('--help')) {
    process.stdout.write(usage);
    return 0;
  }
  if (command.length === 0) {
    process.stderr.write(`no command to watch: give it after "--"\n${usage}`);
    return 2;
  }
  const flag = (name: string) => (own.includes(name) ? own[own.indexOf(name) + 1] : undefined);
  const everyMs = Number(flag('--every') ?? 200);
  if (!Number.isInteger(everyMs) || everyMs < 10) {
    process.stderr.write(`--every must be a whole number of milliseconds ≥ 10, got ${flag('--every')}\n`);
    return 2;
  }
  return { everyMs, json: flag('--json'), command };
}

async function main(argv: string[]): Promise<number> {
  const opts = options(argv);
  if (typeof opts === 'number') return opts;
  const { everyMs, json, command } = opts;
  const clkTck = sysconf('CLK_TCK', 100);
  const book = new CpuByKind();
  book.observe(snapshot());
  const startHost = hostCpu();
  let lastHost = startHost;
  let samples = 0;
  let saturated = 0;
  const started = Date.now();
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit' });
  let spawnError: Error | undefined;
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.once('error', (err) => {
      spawnError = err;
      resolve(127);
    });
  });
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    await sleep(everyMs);
    book.observe(snapshot());
    const host = hostCpu();
    samples++;
    if (busyShare(lastHost, host).busy >= SATURATED) saturated++;
    lastHost = host;
  }
  if (spawnError) {
    process.stderr.write(`could not run ${command[0]}: ${spawnError.message}\n`);
    return exited;
  }
  const whole = busyShare(startHost, lastHost);
  const wallS = (Date.now() - started) / 1000;
  const rows = book.totals(clkTck);
  process.stdout.write(
    `\nCPU by kind of process while \`${command.join(' ')}\` ran: ${wallS.toFixed(0)} s wall, ` +
      `${cpus().length} × ${cpus()[0]?.model ?? '?'}, ` +
      `load average at start ${load}, sampled every ${everyMs} ms. The machine (/proc/stat) was ${pct(whole.busy)} busy ` +
      `(${pct(whole.steal)} stolen by the hypervisor), and ≥ ${pct(SATURATED)} busy in ${pct(samples ? saturated / samples : 0)} ` +
      `of the ${everyMs} ms samples.\n\n${cpuTable(rows, wallS)}\n`,
  );
  if (json) {
    const host = { busy: whole.busy, steal: whole.steal, saturatedSamples: samples ? saturated / samples : 0 };
    writeFileSync(json, `${JSON.stringify({ command, wallS, everyMs, host, rows }, null, 2)}\n`);
  }
  return exited;
}

process.exit(await main(process.argv.slice(2)));
