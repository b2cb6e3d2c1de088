import { readFileSync } from 'node:fs';
import type { Config } from './schema.js';

/**
 * The bearer token for the webhook and API, or undefined when none is configured.
 * Read from a file or an environment variable; the value itself is never logged.
 */
export function readToken(receiver: Config['receiver'], env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (receiver.tokenFile) {
    let token: string;
    try {
      token = readFileSync(receiver.tokenFile, 'utf8').trim();
    } catch (err) {
      throw new Error(`receiver.tokenFile ${receiver.tokenFile}: ${(err as Error).message}`);
    }
    if (!token) throw new Error(`receiver.tokenFile ${receiver.tokenFile} is empty`);
    return token;
  }
  if (receiver.tokenEnv) {
    const token = env[receiver.tokenEnv]?.trim();
    if (!token) throw new Error(`receiver.tokenEnv: environment variable ${receiver.tokenEnv} is not set or empty`);
    return token;
  }
  return undefined;
}
