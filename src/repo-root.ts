/**
 * The repository root (where package.json, prometheus/, alertmanager/ and grafana/ are), found from
 * this file's own location so it is the same whether the code runs from src/ through tsx or
 * compiled from dist/src/ (`npm run build`). Imports nothing of the project: any layer may use it.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}: cannot find the alertscale repository root`);
  }
}

export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
