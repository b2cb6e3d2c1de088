import { execFileSync } from 'node:child_process';

/**
 * A sysconf value via `getconf`, read once at start. Linux reports CPU times in /proc in USER_HZ,
 * which the kernel ABI fixes at 100 whatever CONFIG_HZ is, and pages are 4096 bytes on x86-64 and
 * most arm64 kernels; those are the fallbacks if getconf is missing. Asking is still right: some
 * arm64/ppc64 kernels use 16 KiB or 64 KiB pages.
 */
export function sysconf(name: 'CLK_TCK' | 'PAGESIZE', fallback: number): number {
  try {
    const value = Number(execFileSync('getconf', [name], { encoding: 'utf8', timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return Number.isInteger(value) && value > 0 ? value : fallback;
  } catch {
    return fallback;
  }
}
