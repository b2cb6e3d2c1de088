import { describe, expect, it } from 'vitest';
import { createSilenceCache } from '../../src/silences/cache.js';
import type { SilencesClient } from '../../src/silences/client.js';
import { AlertmanagerError } from '../../src/silences/errors.js';
import type { Silence } from '../../src/silences/schema.js';

/** An in-memory Alertmanager list endpoint whose answers the test releases by hand. */
function scriptedClient() {
  const pending: { resolve: (s: Silence[]) => void; reject: (e: unknown) => void }[] = [];
  let calls = 0;
  const client: SilencesClient = {
    url: 'http://am.test',
    list: () => {
      calls++;
      return new Promise((resolve, reject) => pending.push({ resolve, reject }));
    },
    create: async () => 'x',
    expire: async () => undefined,
  };
  return {
    client,
    get calls() {
      return calls;
    },
    answer: (silences: Silence[]) => pending.shift()!.resolve(silences),
    fail: () => pending.shift()!.reject(new AlertmanagerError('unreachable', 'GET', 'http://am.test/api/v2/silences', 'down')),
  };
}

// An active silence around the time the file runs: fixed for the run, so lists compare equal.
const STARTS = new Date(Date.now() - 3600_000).toISOString();
const ENDS = new Date(Date.now() + 3600_000).toISOString();
const list = (id: string): Silence[] => [
  { id, status: { state: 'active' }, comment: '', createdBy: '', startsAt: STARTS, endsAt: ENDS, matchers: [] },
];
const tick = () => new Promise((r) => setImmediate(r));

describe('silence cache', () => {
  it('recent(): remembers for maxAge, shares one request between concurrent callers', async () => {
    let t = 0;
    const am = scriptedClient();
    const cache = createSilenceCache({ client: am.client, clock: () => t });
    const a = cache.recent(5_000);
    const b = cache.recent(5_000);
    await tick();
    expect(am.calls).toBe(1);
    am.answer(list('one'));
    expect(await a).toEqual(list('one'));
    expect(await b).toEqual(list('one'));
    t = 5_000;
    expect(await cache.recent(5_000)).toEqual(list('one'));
    expect(am.calls).toBe(1);
    t = 5_001;
    const c = cache.recent(5_000);
    await tick();
    expect(am.calls).toBe(2);
    am.answer(list('two'));
    expect(await c).toEqual(list('two'));
  });

  it('recent(): a failure is repeated without asking until maxAge passes', async () => {
    let t = 0;
    const am = scriptedClient();
    const cache = createSilenceCache({ client: am.client, clock: () => t });
    const first = cache.recent(5_000);
    await tick();
    am.fail();
    await expect(first).rejects.toBeInstanceOf(AlertmanagerError);
    t = 4_000;
    await expect(cache.recent(5_000)).rejects.toThrow('down');
    expect(am.calls).toBe(1);
    t = 5_000;
    const again = cache.recent(5_000);
    await tick();
    expect(am.calls).toBe(2);
    am.answer(list('back'));
    expect(await again).toEqual(list('back'));
  });

  it('list() always asks, and its answer serves recent() and peek()', async () => {
    const am = scriptedClient();
    const cache = createSilenceCache({ client: am.client, clock: () => 0 });
    const a = cache.list();
    await tick();
    am.answer(list('one'));
    await a;
    const b = cache.list();
    await tick();
    expect(am.calls).toBe(2);
    am.answer(list('two'));
    await b;
    expect(await cache.recent(1_000)).toEqual(list('two'));
    expect(await cache.peek(0)).toEqual(list('two'));
    expect(am.calls).toBe(2);
  });

  it('peek(): waits at most waitMs, then answers undefined; the late answer is kept for the next peek', async () => {
    let t = 0;
    const am = scriptedClient();
    const cache = createSilenceCache({ client: am.client, freshMs: 2_000, clock: () => t });
    const started = performance.now();
    expect(await cache.peek(30)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(500);
    am.answer(list('late'));
    await tick();
    expect(await cache.peek(30)).toEqual(list('late'));
    expect(am.calls).toBe(1);
    t = 2_001; // stale: refresh, and this time the answer comes in time
    const p = cache.peek(1_000);
    await tick();
    am.answer(list('fresh'));
    expect(await p).toEqual(list('fresh'));
  });

  it('peek(): after a failure, answers undefined at once without asking until freshMs passes', async () => {
    let t = 0;
    const am = scriptedClient();
    const cache = createSilenceCache({ client: am.client, freshMs: 2_000, clock: () => t });
    const p = cache.peek(1_000);
    await tick();
    am.fail();
    expect(await p).toBeUndefined();
    t = 1_999;
    expect(await cache.peek(1_000)).toBeUndefined();
    expect(am.calls).toBe(1);
    t = 2_000;
    void cache.peek(0);
    await tick();
    expect(am.calls).toBe(2);
  });

  it('forget(): the next read asks again, and an answer to a request from before is not remembered', async () => {
    const am = scriptedClient();
    const cache = createSilenceCache({ client: am.client, clock: () => 0 });
    const old = cache.recent(10_000);
    await tick();
    cache.forget();
    am.answer(list('before'));
    await old;
    const next = cache.recent(10_000);
    await tick();
    expect(am.calls).toBe(2);
    am.answer(list('after'));
    expect(await next).toEqual(list('after'));
  });
});

describe('silence cache after a failure', () => {
  it('a failed request drops the remembered list: recent() and peek() do not serve what may be stale', async () => {
    let t = 0;
    const am = scriptedClient();
    const cache = createSilenceCache({ client: am.client, freshMs: 2_000, clock: () => t });
    const first = cache.list();
    await tick();
    am.answer(list('one'));
    await first;
    const second = cache.list();
    await tick();
    am.fail();
    await expect(second).rejects.toThrow('down');
    t = 1;
    await expect(cache.recent(5_000)).rejects.toThrow('down');
    expect(await cache.peek(0)).toBeUndefined();
    expect(am.calls).toBe(2);
  });
});

describe('silence cache: peek() never queues behind a hanging request', () => {
  it('a caller joining a request older than waitMs does not wait at all', async () => {
    let t = 0;
    const am = scriptedClient();
    const cache = createSilenceCache({ client: am.client, freshMs: 2_000, clock: () => t });
    const first = cache.peek(100);
    t = 100;
    expect(await first).toBeUndefined(); // the timer fired (real time), the request still hangs
    t = 150;
    expect(await Promise.race([cache.peek(100), new Promise((r) => setTimeout(() => r('waited'), 20))])).toBeUndefined();
    expect(am.calls).toBe(1);
  });
});

describe('silence cache: fresh()', () => {
  it('always asks, even with a fresh list remembered, and waits at most waitMs', async () => {
    const am = scriptedClient();
    const cache = createSilenceCache({ client: am.client, clock: () => 0 });
    const first = cache.list();
    await tick();
    am.answer(list('old'));
    await first;
    const confirm = cache.fresh(1_000);
    await tick();
    expect(am.calls).toBe(2);
    am.answer(list('new'));
    expect(await confirm).toEqual(list('new'));
    expect(await cache.peek(0)).toEqual(list('new'));
    expect(await cache.fresh(20)).toBeUndefined(); // never answered
    expect(am.calls).toBe(3);
  });
});
