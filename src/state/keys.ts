/** Every Redis key alertscale writes, in one place, under the configured prefix. */
export function stateKeys(prefix: string) {
  return {
    pool: (pool: string) => `${prefix}pool:${pool}`,
    lock: (pool: string) => `${prefix}lock:${pool}`,
    alertHistory: (pool: string, fingerprint: string) => `${prefix}alert:${pool}:${fingerprint}`,
    audit: `${prefix}audit`,
    auditExecution: (id: string) => `${prefix}audit:exec:${id}`,
  };
}

export type StateKeys = ReturnType<typeof stateKeys>;
