import type { Redis } from 'ioredis';
import type { DemoKeys } from './keys.js';
import type { QueueOps } from './scripts.js';

/**
 * Finds processing lists whose worker is gone and puts their jobs back on the queue. Any worker
 * runs it periodically; two workers scanning at once is harmless because the requeue script
 * re-checks the heartbeat and moves the list in one atomic step (the second finds it empty).
 */
export interface OrphanScannerDeps {
  redis: Redis;
  keys: DemoKeys;
  ops: QueueOps;
  self: { workerId: string; host: string };
  isAlive: (pid: number) => boolean;
  onRequeued?: (workerId: string, jobs: number, why: 'heartbeat expired' | 'process gone') => void;
}

export function createOrphanScanner({ redis, keys, ops, self, isAlive, onRequeued = () => {} }: OrphanScannerDeps) {
  return {
    /** One pass over every processing list; returns the number of jobs requeued. */
    async scan(): Promise<number> {
      let total = 0;
      let cursor = '0';
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', keys.processingPattern, 'COUNT', 200);
        cursor = next;
        for (const key of found) {
          const workerId = keys.workerOf(key);
          if (workerId === undefined || workerId === self.workerId) continue;
          const [pid, host] = await redis.hmget(keys.heartbeat(workerId), 'pid', 'host');
          let moved = -1;
          let why: 'heartbeat expired' | 'process gone' = 'heartbeat expired';
          if (pid === null && host === null) {
            moved = await ops.requeueOrphan(workerId);
          } else if (host === self.host && pid !== null && !isAlive(Number(pid))) {
            why = 'process gone';
            moved = await ops.requeueOrphan(workerId, { pid: Number(pid), host });
          }
          if (moved > 0) {
            total += moved;
            onRequeued(workerId, moved, why);
          }
        }
      } while (cursor !== '0');
      return total;
    },
  };
}
