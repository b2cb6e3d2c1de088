/**
 * Reliability figures (issue 12): inject each fault into the real receiver, many times, and write
 * docs/RELIABILITY.md from what this run saw. Trials per fault: the counts by default;
 * `--trials kill=20,stop=20,…` (or REL_TRIALS) to run fewer; BENCH_NO_WRITE=1 prints only.
 *
 *   npx tsx bench/reliability.ts
 *   npx tsx bench/reliability.ts --trials kill=10,stop=10,sentinel=6,copies=50,redis=10,fuzz=2
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedis } from '../test/helpers/redis.js';
import { gracefulStop, killMidCommand, redisDown } from './reliability/process-faults.js';
import { renderReport, type FaultResult } from './reliability/report.js';
import { concurrentCopies, fuzzRuns, sentinelFailover } from './reliability/store-faults.js';
import { machine } from './results-file.js';

const DEFAULT_TRIALS = { kill: 50, stop: 50, sentinel: 20, copies: 200, redis: 20, fuzz: 5 };
type Fault = keyof typeof DEFAULT_TRIALS;

function trialsFrom(argv: string[]): Record<Fault, number> {
  const i = argv.indexOf('--trials');
  const spec = i >= 0 ? argv[i + 1] : process.env.REL_TRIALS;
  const trials = { ...DEFAULT_TRIALS };
  for (const part of (spec ?? '').split(',').filter(Boolean)) {
    const [name, count] = part.split('=');
    if (!(name! in trials) || !/^\d+$/.test(count ?? '')) {
      process.stderr.write(`--trials: "${part}" is not fault=count (faults: ${Object.keys(DEFAULT_TRIALS).join(', ')})\n`);
      process.exit(2);
    }
    trials[name as Fault] = Number(count);
  }
  return trials;
}

const trials = trialsFrom(process.argv.slice(2));
const started = Date.now();
const root = mkdtempSync(join(tmpdir(), 'alertscale-reliability-'));
const redis = await startRedis();
const rows: FaultResult[] = [];
const step = async (name: Fault, run: (n: number) => Promise<FaultResult> | FaultResult) => {
  if (trials[name] === 0) return;
  const t = Date.now();
  const row = await run(trials[name]);
  rows.push(row);
  process.stdout.write(`${row.ok ? 'ok  ' : 'FAIL'} ${row.fault}: ${row.result} (${((Date.now() - t) / 1000).toFixed(0)} s)\n`);
};
try {
  await step('kill', (n) => killMidCommand(root, redis, n));
  await step('stop', (n) => gracefulStop(root, redis, n));
  await step('copies', (n) => concurrentCopies(root, redis, n));
  await step('sentinel', (n) => sentinelFailover(root, n));
  await step('redis', (n) => redisDown(root, redis, n));
  await step('fuzz', (n) => fuzzRuns(n));
} finally {
  await redis.close();
  rmSync(root, { recursive: true, force: true });
}

const spec = Object.entries(trials)
  .map(([k, v]) => `${k}=${v}`)
  .join(',');
const report = renderReport(rows, {
  machine: machine(),
  command: `npx tsx bench/reliability.ts --trials ${spec}`,
  commit:
    execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim() +
    (execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim()
      ? ' (with uncommitted changes)'
      : ''),
  minutes: (Date.now() - started) / 60_000,
  date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
});
if (process.env.BENCH_NO_WRITE) process.stdout.write(report);
else writeFileSync(new URL('../docs/RELIABILITY.md', import.meta.url), report);
process.exitCode = rows.every((r) => r.ok) ? 0 : 1;
