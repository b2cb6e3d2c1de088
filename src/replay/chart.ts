/** The replay as an SVG: replayed replicas (step line), real processes, and waiting jobs on their own scale. Pure. */
import type { PoolResult } from './run.js';

const W = 900;
const H = 260;
const PAD = { left: 50, right: 60, top: 30, bottom: 30 };

export function replayChart(pools: readonly PoolResult[], window: { from: number; to: number }): string {
  const parts = pools.map((p, i) => panel(p, window, i * H));
  const size = `width="${W}" height="${H * pools.length}" viewBox="0 0 ${W} ${H * pools.length}"`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" ${size} font-family="sans-serif" font-size="12">\n` +
    `<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`
  );
}

function panel(p: PoolResult, { from, to }: { from: number; to: number }, y0: number): string {
  const x = (t: number) => PAD.left + ((t - from) / (to - from)) * (W - PAD.left - PAD.right);
  const maxN = Math.max(1, ...p.replicas.map(([, n]) => n), ...p.processes.map(([, v]) => v));
  const maxQ = Math.max(1, ...p.queue.map(([, v]) => v));
  const yN = (n: number) => y0 + H - PAD.bottom - (n / maxN) * (H - PAD.top - PAD.bottom);
  const yQ = (q: number) => y0 + H - PAD.bottom - (q / maxQ) * (H - PAD.top - PAD.bottom);
  const steps: string[] = [];
  p.replicas.forEach(([t, n], i) => {
    if (i > 0) steps.push(`${x(t).toFixed(1)},${yN(p.replicas[i - 1]![1]).toFixed(1)}`);
    steps.push(`${x(t).toFixed(1)},${yN(n).toFixed(1)}`);
  });
  steps.push(`${x(to).toFixed(1)},${yN(p.replicas.at(-1)![1]).toFixed(1)}`);
  const line = (samples: readonly (readonly [number, number])[], y: (v: number) => number) =>
    samples.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const axisY = y0 + H - PAD.bottom;
  const clock = (t: number) => new Date(t).toISOString().slice(11, 19);
  return [
    `<text x="${PAD.left}" y="${y0 + 18}" font-weight="bold">pool ${escape(p.pool)}: ` +
      `replayed replicas (blue), real processes (grey), waiting jobs (orange, right axis ${maxQ})</text>`,
    `<line x1="${PAD.left}" y1="${axisY}" x2="${W - PAD.right}" y2="${axisY}" stroke="#999"/>`,
    `<text x="${PAD.left}" y="${axisY + 16}">${clock(from)} UTC</text><text ` +
      `x="${W - PAD.right}" y="${axisY + 16}" text-anchor="end">${clock(to)} UTC</text>`,
    `<text x="${PAD.left - 6}" y="${yN(maxN) + 4}" text-anchor="end">${maxN}</text><text ` +
      `x="${PAD.left - 6}" y="${axisY}" text-anchor="end">0</text>`,
    `<polyline fill="none" stroke="#f28e2b" stroke-width="1.5" points="${line(p.queue, yQ)}"/>`,
    `<polyline fill="none" stroke="#888" stroke-width="2" stroke-dasharray="4 3" points="${line(p.processes, yN)}"/>`,
    `<polyline fill="none" stroke="#1f77b4" stroke-width="2.5" points="${steps.join(' ')}"/>`,
  ].join('\n');
}

const escape = (s: string) => s.replace(/[<&>"]/g, (c) => `&#${c.charCodeAt(0)};`);
