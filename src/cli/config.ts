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

/**
 * Resolves with the first SIGTERM/SIGINT, for a graceful stop; a second one calls `onSecond` and
 * exits 1 at once. The listeners stay until the process exits: with a `process.once` listener the
 * second signal would find none and kill the process by default, skipping `onSecond` and exit code 1.
 */
export function untilSignal(onSecond: (signal: NodeJS.Signals) => void = () => {}): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let stopping = false;
    const listener = (signal: NodeJS.Signals) => {
      if (!stopping) {
        stopping = true;
        resolve(signal);
        return;
      }
      onSecond(signal);
      process.exit(1);
    };
    for (const s of ['SIGTERM', 'SIGINT'] as const) process.on(s, listener);
  });
}
