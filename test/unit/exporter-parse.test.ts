import { describe, expect, it } from 'vitest';
import {
  parseBootTime,
  parseCmdline,
  parseLoadavg,
  parseMeminfo,
  parsePasswd,
  parsePidStat,
  parseProcStat,
  parseStatusUid,
  parseXinfoGroups,
  streamIdMs,
} from '../../src/exporter/parse.js';

// Text captured on a Debian bookworm host (2 CPUs), trimmed only where the line says so.
const PROC_STAT = `cpu  7763 0 2976 74813 346 0 73 12 0 0
cpu0 3286 0 1211 38400 63 0 12 3 0 0
cpu1 4477 0 1764 36413 283 0 61 8 0 0
intr 289775 0 0 0 0 0 0 0 0 0
ctxt 693545
btime 1795371000
processes 7400
procs_running 1
`;
const MEMINFO = `MemTotal:       24684084 kB
MemFree:        24211756 kB
MemAvailable:   24259400 kB
Buffers:            5764 kB
Cached:           217188 kB
`;
// comm "we ird) (x": a binary copied to a name with a space and parentheses, then run.
const STAT_WEIRD =
  '7316 (we ird) (x) S 1 7312 3795 0 -1 4194304 132 0 0 0 0 0 0 0 20 0 1 0 43265 2990080 420 ' +
  '18446744073709551615 94872863481856 94872863499785 140725219861376 0 0 0 0 6 0 1 0 0 17 0 0 0 0 0 0 94872863513872 ' +
  '94872863515136 94873416085504 140725219863061 140725219863080 140725219863080 140725219864552 0\n';
// A node process after ~0.75 s of busy loop: utime 75, stime 1.
const STAT_NODE =
  '7671 (node) S 7669 7669 3795 0 -1 4194304 2829 0 0 0 75 1 0 0 20 0 7 0 43458 1015721984 11573 ' +
  '18446744073709551615 11988992 39846385 140727030331600 0 0 0 0 16781312 17922 0 0 0 17 1 0 0 0 0 ' +
  '0 90418888 90555584 495468544 140727030340065 140727030340143 140727030340143 140727030341610 0\n';
// Uid's real column set to 1000 (captured as 0) so the test can tell the columns apart.
const STATUS = 'Name:\twe ird) (x\nUmask:\t0022\nState:\tS (sleeping)\nUid:\t1000\t0\t0\t0\nGid:\t0\t0\t0\t0\nVmRSS:\t    1788 kB\n';

describe('parseProcStat', () => {
  it('reads the aggregate line in kernel column order and counts cpuN lines', () => {
    expect(parseProcStat(PROC_STAT)).toEqual({
      ticks: { user: 7763, nice: 0, system: 2976, idle: 74813, iowait: 346, irq: 0, softirq: 73, steal: 12 },
      cpus: 2,
    });
  });
  it('rejects text without the aggregate line', () => {
    expect(() => parseProcStat('cpu0 1 2 3 4 5 6 7 8\n')).toThrow(/aggregate/);
  });
  it('reads the boot time (btime)', () => {
    expect(parseBootTime(PROC_STAT)).toBe(1795371000);
    expect(() => parseBootTime('cpu  1 2 3 4 5 6 7 8\n')).toThrow(/btime/);
  });
});

describe('parseMeminfo / parseLoadavg', () => {
  it('turns kB into bytes', () => {
    expect(parseMeminfo(MEMINFO)).toEqual({ totalBytes: 24684084 * 1024, availableBytes: 24259400 * 1024 });
  });
  it('names the missing key', () => {
    expect(() => parseMeminfo('MemTotal: 1 kB\n')).toThrow(/MemAvailable/);
  });
  it.each([
    ['0.16 0.18 0.09 2/95 7328\n', [0.16, 0.18, 0.09]],
    ['12.50 3.00 1.25 9/300 1\n', [12.5, 3, 1.25]],
  ])('%j', (text, want) => expect(parseLoadavg(text)).toEqual(want));
  it('rejects garbage', () => expect(() => parseLoadavg('x y z')).toThrow(/loadavg/));
});

describe('parsePidStat', () => {
  it.each([
    [
      'comm with a space and parentheses',
      STAT_WEIRD,
      { pid: 7316, comm: 'we ird) (x', state: 'S', cpuTicks: 0, childTicks: 0, startTicks: 43265, rssPages: 420 },
    ],
    [
      'a busy node process',
      STAT_NODE,
      { pid: 7671, comm: 'node', state: 'S', cpuTicks: 76, childTicks: 0, startTicks: 43458, rssPages: 11573 },
    ],
    [
      'a parent that has reaped children (cutime 30, cstime 4)',
      STAT_NODE.replace(' 75 1 0 0 20 ', ' 75 1 30 4 20 '),
      { pid: 7671, comm: 'node', state: 'S', cpuTicks: 76, childTicks: 34, startTicks: 43458, rssPages: 11573 },
    ],
  ])('%s', (_name, text, want) => expect(parsePidStat(text)).toEqual(want));
  it('rejects a truncated line', () => expect(() => parsePidStat('12 (x) S 1 2 3')).toThrow(/too few/));
  it('rejects a line without comm', () => expect(() => parsePidStat('')).toThrow(/stat/));
});

describe('small parsers', () => {
  it('status: the effective uid, not the real one', () => expect(parseStatusUid(STATUS)).toBe(0));
  it.each([
    ['/tmp/we ird) (x\u000030\u0000', '/tmp/we ird) (x 30'],
    ['node\u0000-e\u0000/*tag*/ 1\u0000', 'node -e /*tag*/ 1'],
    ['', ''],
  ])('cmdline %j', (raw, want) => expect(parseCmdline(raw)).toBe(want));
  it('passwd: first entry of a name wins, comments and junk ignored', () => {
    const users = parsePasswd(
      'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534::/:/usr/sbin/nologin\n# c\nbad\nroot:x:7:7::/:/bin/sh\n',
    );
    expect([...users]).toEqual([
      ['root', 0],
      ['nobody', 65534],
    ]);
  });
  it.each([
    ['1795414180599-0', 1795414180599],
    ['0-0', 0],
    ['1795414180599', 1795414180599],
  ])('stream id %s', (id, ms) => expect(streamIdMs(id)).toBe(ms));
  it('stream id garbage', () => expect(() => streamIdMs('x-1')).toThrow(/stream id/));
});

describe('parseXinfoGroups', () => {
  it('reads Redis 7.0 replies, lag null when Redis cannot tell', () => {
    // As ioredis returns them from redis-server 7.0.15.
    const reply = [
      ['name', 'g', 'consumers', 1, 'pending', 1, 'last-delivered-id', '1795414180599-0', 'entries-read', 1, 'lag', 2],
      ['name', 'g2', 'consumers', 0, 'pending', 0, 'last-delivered-id', '0-0', 'entries-read', null, 'lag', null],
    ];
    expect(parseXinfoGroups(reply)).toEqual([
      { name: 'g', pending: 1, lastDeliveredId: '1795414180599-0', lag: 2 },
      { name: 'g2', pending: 0, lastDeliveredId: '0-0', lag: null },
    ]);
  });
  it('Redis 6.2 replies have no lag field', () => {
    expect(parseXinfoGroups([['name', 'g', 'consumers', 0, 'pending', 3, 'last-delivered-id', '5-0']])[0]?.lag).toBeNull();
  });
});
