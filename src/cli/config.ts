import { ConfigError, loadConfig, type Config } from '../config/index.js';

/** alertscale.yml for a subcommand, or undefined after printing every problem (exit code 1). */
export function loadConfigForCommand(file: string): Config | undefined {
  try {
    return loadConfig(file);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
    return undefined;
  }
}

/** Resolves with the first of SIGTERM/SIGINT. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => resolve(s));
  });
}
