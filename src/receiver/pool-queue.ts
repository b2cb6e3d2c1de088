/**
 * Requests for one pool inside this process wait in line here, in arrival order, and are handed
 * the pool the moment the previous action ends. The Redis lock then only arbitrates between
 * receiver processes, instead of every local request polling it.
 */
export function createPoolQueue() {
  const tails = new Map<string, Promise<void>>();
  return {
    /** Resolves with `leave` once this request's turn has come, or null after `waitMs`. */
    async enter(pool: string, waitMs: number): Promise<(() => void) | null> {
      const previous = tails.get(pool) ?? Promise.resolve();
      let leave!: () => void;
      const mine = new Promise<void>((resolve) => (leave = resolve));
      const tail = previous.then(() => mine);
      tails.set(pool, tail);
      void tail.then(() => {
        if (tails.get(pool) === tail) tails.delete(pool);
      });
      let timer: NodeJS.Timeout | undefined;
      const turn = await Promise.race([
        previous.then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), waitMs))),
      ]);
      clearTimeout(timer);
      if (turn) return leave;
      // Gave up: keep the line moving when our turn comes.
      void previous.then(leave);
      return null;
    },
  };
}

export type PoolQueue = ReturnType<typeof createPoolQueue>;
