export { stateKeys, type StateKeys } from './keys.js';
export { createRedis, isRedisUnavailable, replicationWait } from './redis.js';
export { holdLease, type PoolLease } from './lock.js';
export { createDecisionStore, type Begun, type DecisionStore, type End, type Wait, type Written } from './decision-store.js';
export { createPoolStore, toPoolState, type PoolStore, type StoredDecision, type StoredPool } from './pool-state.js';
export { createAuditLog, type AuditLog, type AuditPage, type AuditQuery } from './audit-log.js';
export type { Actor, AuditEntry, AuditRecord, AuditVictim, ExecutionRecord } from './audit-entry.js';
