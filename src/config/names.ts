/**
 * Names that travel from labels into Redis keys, argv and metric labels. They are checked
 * once, here, so nothing downstream ever sees `demo;touch /tmp/pwned` or `$(id)`.
 */
export const POOL_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Names of apps, services, units and deployments that presets pass as one argv element. */
export const TARGET_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,252}$/;

export function isPoolName(value: string): boolean {
  return POOL_NAME.test(value);
}
