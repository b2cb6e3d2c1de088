import { execFileSync } from 'node:child_process';

/**
 * vitest's global setup: compile src/ into dist/ before any test runs, because the tests that run
 * the real binary (bin/alertscale.js, the pm2 demo worker) run dist/, which an edit since the last
 * build would leave stale. One esbuild pass, under a second.
 */
export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}
