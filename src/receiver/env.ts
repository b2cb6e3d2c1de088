import type { PoolActionDeps } from './pool-actions.js';

/** What every route finds on the Hono context. */
export interface ReceiverEnv {
  Variables: {
    deps: PoolActionDeps;
    requestId: string;
  };
}
