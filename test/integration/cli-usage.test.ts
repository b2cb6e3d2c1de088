import { describe, expect, it } from 'vitest';
import { runCli } from './cli-helpers.js';

// The real binary: commander answers a root --help before it looks at the command name.
describe('an unknown command is a usage error', () => {
  it('exits 2 naming it, even with --help, and suggests the close command', async () => {
    const [typoHelp, typo, known] = await Promise.all([
      runCli(['nosuch', '--help']),
      runCli(['stats', '-h']),
      runCli(['status', '--help']),
    ]);
    expect(typoHelp.code).toBe(2);
    expect(typoHelp.stdout).toBe('');
    expect(typoHelp.stderr).toMatch(/^error: unknown command 'nosuch'\n/);
    expect(typoHelp.stderr).not.toMatch(/Did you mean/);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^error: unknown command 'stats'\n\(Did you mean status\?\)/);
    expect(known).toMatchObject({ code: 0 });
    expect(known.stdout).toMatch(/^Usage: alertscale status/);
  });
});
