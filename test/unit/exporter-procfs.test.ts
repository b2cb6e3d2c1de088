import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry, type Counter, type Gauge } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { createMetrics } from '../../src/exporter/metrics.js';
import { processesSource } from '../../src/exporter/processes.js';

// A /proc tree on disk with the files the exporter reads, in the kernel's formats, including
// processes that "exit" between the listing and the reads. Files on disk stay readable through
// an open fd after they are deleted (procfs answers ESRCH), so nothing is kept open here; the
// real-process integration test covers that.
const root = mkdtempSync(join(tmpdir(), 'alertscale-procfs-'));
const proc = join(root, 'proc');
const stat = (pid: number, comm: string, ticks: number, start: number, rss: number) =>
  `${pid} (${comm}) S 1 ${pid} ${pid} 0 -1 4194304 0 0 0 0 ${ticks - 1} 1 0 0 20 0 1 0 ${start} ` +
  `1000 ${rss} 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n`;
function writeProc(pid: number, files: { cmdline?: string; stat?: string; uid?: number }) {
  const dir = join(proc, String(pid));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (files.cmdline !== undefined) writeFileSync(join(dir, 'cmdline'), files.cmdline);
  if (files.stat !== undefined) writeFileSync(join(dir, 'stat'), files.stat);
  if (files.uid !== undefined)
    writeFileSync(join(dir, 'status'), `Name:\tgunicorn\nUid:\t${files.uid}\t${files.uid}\t${files.uid}\t${files.uid}\n`);
}
const gunicorn = 'gunicorn: worker [backcore]\0';
writeProc(100, { cmdline: gunicorn, stat: stat(100, 'gunicorn: work', 250, 5000, 10), uid: 0 });
writeProc(101, { cmdline: gunicorn, stat: stat(101, 'gunicorn: work', 100, 5001, 20), uid: 33 });
writeProc(102, { cmdline: gunicorn }); // exited after its cmdline was read
writeProc(103, {}); // exited right after the listing
writeProc(104, { cmdline: '' }); // kernel thread
writeProc(105, { cmdline: 'sleep\u00001000\u0000', stat: stat(105, 'sleep', 3, 5002, 1), uid: 0 });
writeFileSync(join(proc, 'uptime'), '1 1\n');
const passwd = join(root, 'passwd');
writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/bash\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n');

const pool = (processes: string) =>
  `    min: 1\n    max: 2\n    executor: { kind: command, scale: ['true'] }\n    processes: ${processes}\n`;
const config = parseConfig(
  `pools:\n  web:\n${pool("{ match: 'gunicorn: worker' }")}  www:\n${pool("{ match: 'gunicorn', user: www-data }")}` +
    `  byuid:\n${pool("{ match: 'gunicorn', user: '0' }")}  ghost:\n${pool("{ match: 'gunicorn', user: nosuchuser }")}` +
    `  none:\n${pool("{ match: '^nomatch$' }")}  nolook:\n    min: 1\n    max: 2\n    executor: { kind: command, scale: ['true'] }\n`,
  'alertscale.yml',
);

const metrics = createMetrics(new Registry(), async () => {});
const source = processesSource({
  metrics,
  pools: config.pools,
  procRoot: proc,
  passwdFile: passwd,
  clkTck: 100,
  pageSize: 4096,
  selfPid: 105,
  maxOpenProcFiles: 0,
});
const values = async (metric: Gauge | Counter) => Object.fromEntries((await metric.get()).values.map((v) => [v.labels.pool, v.value]));

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('processes source over a /proc tree', () => {
  it('counts matching processes per pool, by regex and user; vanished ones are skipped, not errors', async () => {
    source.read();
    expect(await values(metrics.poolProcesses)).toEqual({ web: 2, www: 1, byuid: 1, ghost: 0, none: 0 });
    expect(await values(metrics.poolCpuSeconds)).toEqual({ web: 3.5, www: 1, byuid: 2.5, ghost: 0, none: 0 });
    expect(await values(metrics.poolRss)).toEqual({ web: 30 * 4096, www: 20 * 4096, byuid: 10 * 4096, ghost: 0, none: 0 });
  });

  it('keeps the CPU counter when a process exits and adds what the others burned', async () => {
    rmSync(join(proc, '100'), { recursive: true });
    writeProc(101, { cmdline: gunicorn, stat: stat(101, 'gunicorn: work', 160, 5001, 20), uid: 33 });
    source.read();
    expect(await values(metrics.poolProcesses)).toMatchObject({ web: 1, www: 1, byuid: 0 });
    expect(await values(metrics.poolCpuSeconds)).toMatchObject({ web: 4.1, www: 1.6, byuid: 2.5 });
  });

  it('fails as a whole only when /proc itself cannot be listed', () => {
    const broken = processesSource({
      metrics,
      pools: config.pools,
      procRoot: join(root, 'missing'),
      passwdFile: passwd,
      clkTck: 100,
      pageSize: 4096,
      selfPid: 1,
    });
    expect(() => broken.read()).toThrow(/ENOENT/);
  });
});
