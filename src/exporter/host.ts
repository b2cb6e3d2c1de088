import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExporterMetrics } from './metrics.js';
import { setCounter } from './metrics.js';
import { CPU_MODES, parseLoadavg, parseMeminfo, parseProcStat } from './parse.js';
import type { Source } from './source.js';

/** Host CPU, memory and load from /proc (three small reads; sync is cheaper than the thread pool here). */
export function hostSource(deps: { metrics: ExporterMetrics; procRoot: string; clkTck: number }): Source {
  const { metrics: m, procRoot, clkTck } = deps;
  const read = (file: string) => readFileSync(join(procRoot, file), 'utf8');
  return {
    name: 'host',
    read() {
      const cpu = parseProcStat(read('stat'));
      const mem = parseMeminfo(read('meminfo'));
      const [l1, l5, l15] = parseLoadavg(read('loadavg'));
      setCounter(
        m.hostCpuSeconds,
        CPU_MODES.map((mode) => [{ mode }, cpu.ticks[mode] / clkTck]),
      );
      m.hostCpus.set(cpu.cpus);
      m.hostMemoryTotal.set(mem.totalBytes);
      m.hostMemoryAvailable.set(mem.availableBytes);
      m.hostLoad1.set(l1);
      m.hostLoad5.set(l5);
      m.hostLoad15.set(l15);
    },
    // prom-client always serves an unlabelled gauge (reset() would publish a false 0), so after a
    // failed read the last values stay and source_up{source="host"} 0 says they are stale.
    clear() {},
  };
}
