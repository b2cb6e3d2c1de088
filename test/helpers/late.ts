/**
 * An object that forwards every property to `get()`'s value, which exists only once a `beforeAll`
 * has run: a test-file harness can hand its daemons out at collection time, and the tests use
 * them by their plain names.
 */
export function late<T extends object>(what: string, get: () => T | undefined): T {
  return new Proxy({} as T, {
    get: (_, key) => {
      const target = get();
      if (target === undefined) throw new Error(`${what} is not started: use it inside a test or hook`);
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
