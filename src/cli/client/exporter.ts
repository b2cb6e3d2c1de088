import { oneLine } from '../render/format.js';
import { networkReason } from './errors.js';
import { parseExposition, poolMetrics, type PoolMetrics } from './exposition.js';
import { requestText } from './request.js';

export type ExporterReading = { ok: true; pools: Map<string, PoolMetrics> } | { ok: false; problem: string };

/**
 * The exporter's /metrics, by pool. A soft source: when it is away the CLI shows `-` and says why
 * once, it never fails the command (the receiver's view is still worth showing).
 */
export async function readExporter(url: string, timeoutMs = 3_000): Promise<ExporterReading> {
  try {
    const res = await requestText(`${url.replace(/\/+$/, '')}/metrics`, { timeoutMs });
    if (!res.ok) return { ok: false, problem: `HTTP ${res.status}` };
    return { ok: true, pools: poolMetrics(parseExposition(res.text)) };
  } catch (err) {
    return { ok: false, problem: oneLine(networkReason(err)) };
  }
}
