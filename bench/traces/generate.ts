/**
 * Regenerates the shipped traces (seeded, so the files are reproducible):
 *   npx tsx bench/traces/generate.ts
 */
import { writeFileSync } from 'node:fs';
import { generateTrace, SHAPES } from '../quality/generate.js';
import { formatTrace } from '../quality/trace.js';

const SEED = 20261202;
for (const [i, [name, shape]] of Object.entries(SHAPES).entries()) {
  const jobs = generateTrace(shape, SEED + i);
  const file = new URL(`./${name}.csv`, import.meta.url).pathname;
  writeFileSync(file, formatTrace(jobs));
  process.stdout.write(`${file}: ${jobs.length} jobs over ${shape.seconds} s\n`);
}
