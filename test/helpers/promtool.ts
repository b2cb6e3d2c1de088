import { spawnSync } from 'node:child_process';

/** `promtool check metrics` on a /metrics body: what it printed (nothing when clean) and its exit code. */
export function promtoolCheckMetrics(body: string): { output: string; status: number | null } {
  const check = spawnSync('promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
  if (check.error)
    throw new Error(`promtool check metrics could not run (is the Debian package promtool installed?): ${check.error.message}`);
  return { output: check.stdout + check.stderr, status: check.status };
}
