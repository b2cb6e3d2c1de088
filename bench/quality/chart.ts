import type { Curve } from './metrics.js';

export interface Series {
  label: string;
  curve: Curve;
  color: string;
  dash?: string;
  width?: number;
}

const W = 1100;
const H = 620;
const M = { left: 60, right: 190, top: 40, bottom: 50 };
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Step-line path of a curve in chart coordinates. */
function path(c: Curve, x: (t: number) => number, y: (v: number) => number): string {
  return c.values
    .map((v, k) => `${k === 0 ? 'M' : 'H'}${x(k * c.dt).toFixed(1)}${k === 0 ? ` ${y(v).toFixed(1)}` : ` V${y(v).toFixed(1)}`}`)
    .join(' ');
}

/**
 * One chart per trace: workers (demand, oracle, each policy's supply) on the top panel, queue
 * length per policy on the bottom panel, sharing the time axis.
 */
export function renderChart(title: string, workers: Series[], queues: Series[]): string {
  const windowS = Math.max(...[...workers, ...queues].map((s) => s.curve.values.length * s.curve.dt));
  const plotW = W - M.left - M.right;
  const topH = (H - M.top - M.bottom) * 0.6 - 20;
  const botTop = M.top + topH + 40;
  const botH = H - botTop - M.bottom;
  const x = (t: number) => M.left + (t / windowS) * plotW;
  const maxW = Math.max(1, ...workers.flatMap((s) => s.curve.values));
  const maxQ = Math.max(1, ...queues.flatMap((s) => s.curve.values));
  const yW = (v: number) => M.top + topH - (v / maxW) * topH;
  const yQ = (v: number) => botTop + botH - (v / maxQ) * botH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${M.left}" y="22" font-size="16" font-weight="bold">${esc(title)}</text>`,
  ];
  const axes = (top: number, h: number, max: number, y: (v: number) => number, label: string) => {
    const step = Math.max(1, Math.ceil(max / 5));
    for (let v = 0; v <= max; v += step) {
      out.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/>`);
      out.push(`<text x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
    }
    out.push(`<rect x="${M.left}" y="${top}" width="${plotW}" height="${h}" fill="none" stroke="#999"/>`);
    out.push(`<text transform="translate(16 ${top + h / 2}) rotate(-90)" text-anchor="middle">${esc(label)}</text>`);
  };
  axes(M.top, topH, maxW, yW, 'workers / demand d(t)');
  axes(botTop, botH, maxQ, yQ, 'queue length');
  for (let t = 0; t <= windowS; t += 20) {
    out.push(`<text x="${x(t)}" y="${H - M.bottom + 16}" text-anchor="middle">${t}</text>`);
    out.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${botTop + botH}" y2="${botTop + botH + 4}" stroke="#999"/>`);
  }
  out.push(
    `<text x="${M.left + plotW / 2}" y="${H - 12}" text-anchor="middle">seconds after the first possible arrival (compressed time)</text>`,
  );
  const line = (s: Series, y: (v: number) => number) =>
    out.push(
      `<path d="${path(s.curve, x, y)}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 2}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
    );
  workers.forEach((s) => line(s, yW));
  queues.forEach((s) => line(s, yQ));
  const legend = (list: Series[], top: number, heading: string) => {
    out.push(`<text x="${W - M.right + 14}" y="${top + 12}" font-weight="bold">${esc(heading)}</text>`);
    list.forEach((s, i) => {
      const y = top + 30 + i * 20;
      out.push(
        `<line x1="${W - M.right + 14}" x2="${W - M.right + 40}" y1="${y - 4}" y2="${y - 4}" stroke="${s.color}" stroke-width="${s.width ?? 2}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`,
      );
      out.push(`<text x="${W - M.right + 46}" y="${y}">${esc(s.label)}</text>`);
    });
  };
  legend(workers, M.top, 'workers');
  legend(queues, botTop, 'queue');
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2'];
