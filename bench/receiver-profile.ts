/**
 * Where a V8 CPU profile (`node --cpu-prof`) of the receiver spends its time, by code owner:
 * a package under node_modules, a directory of src/, a Node built-in module, or V8 itself
 * (GC, JSON, native). Self time says who burns the CPU; inclusive time says whose calls lead there.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  /** µs on the monotonic clock (CLOCK_MONOTONIC on Linux, as process.hrtime). */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  ms: number;
  percent: number;
}

export interface ProfileSummary {
  /** Whether the samples were cut to the load window (false: the whole process life). */
  windowed: boolean;
  /** CPU time sampled outside (idle). */
  busyMs: number;
  idleMs: number;
  selfByOwner: Share[];
  /** Each sample charged to the nearest frame of a package or of our code: who asked for the work. */
  causedBy: Share[];
  topFunctions: Share[];
}

/** The code owner of a frame, e.g. `hono`, `src/receiver`, `node:child_process`, `(garbage collector)`. */
export function ownerOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : `(native ${functionName || 'anonymous'})`;
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').replace(/\/.*$/, '');
  const src = /\/(src|bin|bench)\/([^/]+)\//.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  return url.replace(/^file:\/\//, '');
}

/**
 * `window` (µs, process.hrtime's clock) keeps only the samples taken under load, so the start-up
 * (tsx compiling the sources) and the idle tail do not blur the picture.
 */
export function summariseProfile(file: string, top = 12, window?: { fromUs: number; toUs: number }): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<string, number>();
  const caused = new Map<string, number>();
  const fns = new Map<string, number>();
  let idleUs = 0;
  let busyUs = 0;
  let at = profile.startTime;
  const stamps = profile.timeDeltas.map((d) => (at += d));
  const inWindow = window ? stamps.filter((t) => t >= window.fromUs && t <= window.toUs).length : 0;
  const windowed = inWindow > 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    if (windowed && (stamps[i]! < window!.fromUs || stamps[i]! > window!.toUs)) return;
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') {
      idleUs += us;
      return;
    }
    busyUs += us;
    const owner = ownerOf(node.callFrame);
    self.set(owner, (self.get(owner) ?? 0) + us);
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${owner}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ''}`;
    fns.set(fn, (fns.get(fn) ?? 0) + us);
    let cause = owner;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const o = ownerOf(byId.get(at)!.callFrame);
      if (!o.startsWith('node:') && !o.startsWith('(')) {
        cause = o;
        break;
      }
    }
    caused.set(cause, (caused.get(cause) ?? 0) + us);
  });
  const shares = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, percent: (100 * us) / busyUs }));
  return {
    windowed,
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    selfByOwner: shares(self),
    causedBy: shares(caused),
    topFunctions: shares(fns),
  };
}

export function profileMarkdown(title: string, s: ProfileSummary, requests: number): string {
  const rows = (shares: Share[]) => shares.map((x) => `| ${x.name} | ${x.ms.toFixed(0)} | ${x.percent.toFixed(1)} % |`).join('\n');
  return [
    `#### ${title}`,
    '',
    s.windowed
      ? `Samples taken while the load ran: main thread busy ${s.busyMs.toFixed(0)} ms, idle ${s.idleMs.toFixed(0)} ms, ` +
        `for ${requests} requests = ${((s.busyMs * 1000) / Math.max(1, requests)).toFixed(0)} µs of main-thread CPU per request.`
      : `The whole process life (start-up included): busy ${s.busyMs.toFixed(0)} ms, idle ${s.idleMs.toFixed(0)} ms.`,
    '',
    '| self time by owner | ms | of busy |',
    '|---|---:|---:|',
    rows(s.selfByOwner),
    '',
    '| charged to the nearest package / project frame (who asked for the work: ' +
      'a socket write under ioredis counts for ioredis) | ms | of busy |',
    '|---|---:|---:|',
    rows(s.causedBy),
    '',
    '| hottest functions (self) | ms | of busy |',
    '|---|---:|---:|',
    rows(s.topFunctions),
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: npx tsx bench/receiver-profile.ts FILE.cpuprofile');
  process.stdout.write(profileMarkdown(file, summariseProfile(file, 20), 0));
}
