/**
 * `npm run dashboards`: write grafana/dashboards/*.json from the builders in this directory.
 * The drift test (test/unit/dashboards-drift.test.ts) fails when the committed files differ.
 */
import { mkdir, readdir, unlink, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { renderDashboards } from './render.js';
import { REPO_ROOT } from '../repo-root.js';

export const DASHBOARDS_DIR = join(REPO_ROOT, 'grafana', 'dashboards');

/** Writes every dashboard and removes generated files that no builder produces any more. */
export async function writeDashboards(dir = DASHBOARDS_DIR): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const rendered = renderDashboards();
  const wanted = new Set(rendered.map((d) => d.file));
  for (const name of await readdir(dir)) {
    if (name.startsWith('alertscale-') && name.endsWith('.json') && !wanted.has(name)) await unlink(join(dir, name));
  }
  for (const d of rendered) await writeFile(join(dir, d.file), d.json);
  return rendered.map((d) => join(dir, d.file));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const file of await writeDashboards()) process.stdout.write(`wrote ${file}\n`);
}
