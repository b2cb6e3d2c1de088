import { readFileSync } from 'node:fs';
import type { Config } from './schema.js';

/**
 * The bearer token for the webhook and API, or undefined when none is configured.
 * Read from a file or an environment variable; the value itself is never logged.
 */
export function readToken(
  receiver: Pick<Config['receiver'], 'tokenFile' | 'tokenEnv'>,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (receiver.tokenFile) return readSecret(receiver.tokenFile, 'receiver.tokenFile');
  if (receiver.tokenEnv) {
    const token = env[receiver.tokenEnv]?.trim();
    if (!token) throw new Error(`receiver.tokenEnv: environment variable ${receiver.tokenEnv} is not set or empty`);
    return token;
  }
  return undefined;
}

/** The Redis password of `redis.passwordFile`, or undefined when none is configured. */
export function readRedisPassword(redis: Config['redis']): string | undefined {
  return redis.passwordFile ? readSecret(redis.passwordFile, 'redis.passwordFile') : undefined;
}

/** A secret kept in a file of its own (trimmed); the error names the key, never the value. */
function readSecret(file: string, key: string): string {
  let secret: string;
  try {
    secret = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new Error(`${key} ${file}: ${(err as Error).message}`);
  }
  if (!secret) throw new Error(`${key} ${file} is empty`);
  return secret;
}
