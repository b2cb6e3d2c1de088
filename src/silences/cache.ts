import type { SilencesClient } from './client.js';
import type { Silence } from './schema.js';

export interface SilenceCacheOptions {
  client: SilencesClient;
  /** A remembered list at most this old is current enough for the hot paths (webhook, manual scale). */
  freshMs?: number;
  /** Monotonic milliseconds; the cache's ages only, never silence windows. */
  clock?: () => number;
}

/**
 * Alertmanager's silence list, remembered briefly so scrapes and webhooks do not hammer it and
 * a slow or absent Alertmanager never slows them down. Concurrent callers share one request.
 */
export interface SilenceCache {
  readonly client: SilencesClient;
  /** Ask Alertmanager now (one request per call) and remember the answer. Throws AlertmanagerError. */
  list(): Promise<Silence[]>;
  /**
   * The remembered list when at most `maxAgeMs` old, else a new one. A failure less than
   * `maxAgeMs` ago is thrown again without asking (a down Alertmanager is asked once per period).
   */
  recent(maxAgeMs: number): Promise<Silence[]>;
  /**
   * For paths that must not wait on Alertmanager: the list when it is fresh, else a refresh waited
   * on until `waitMs` after that request began (a caller joining a request already that old does
   * not wait); undefined when that is not enough or Alertmanager failed within `freshMs` (the
   * caller then acts as if nothing were silenced). Never throws.
   */
  peek(waitMs: number): Promise<Silence[] | undefined>;
  /**
   * A list asked for now, waited on for at most `waitMs`; undefined when slower or failed. For
   * confirming what a remembered list suggests: it may predate a silence's early expiry.
   */
  fresh(waitMs: number): Promise<Silence[] | undefined>;
  /** Drop what is remembered (after creating or expiring a silence). */
  forget(): void;
}

export function createSilenceCache({ client, freshMs = 2_000, clock = () => performance.now() }: SilenceCacheOptions): SilenceCache {
  let remembered: { at: number; silences: Silence[] } | undefined;
  let failed: { at: number; error: unknown } | undefined;
  let inflight: Promise<Silence[]> | undefined;
  let inflightSince = 0;
  let generation = 0;

  const ask = (): Promise<Silence[]> => {
    const started = clock();
    const gen = generation;
    const request: Promise<Silence[]> = client
      .list()
      .then(
        (silences) => {
          if (gen === generation && (!remembered || remembered.at <= started)) {
            remembered = { at: started, silences };
            failed = undefined;
          }
          return silences;
        },
        (error: unknown) => {
          // The newest news is "unknown": an older list must not stand in for it.
          if (gen === generation) {
            failed = { at: clock(), error };
            remembered = undefined;
          }
          throw error;
        },
      )
      .finally(() => {
        if (inflight === request) inflight = undefined;
      });
    inflight = request;
    inflightSince = started;
    return request;
  };
  const ageOf = (entry: { at: number } | undefined) => (entry ? clock() - entry.at : Infinity);

  return {
    client,
    list: ask,
    recent: async (maxAgeMs) => {
      if (remembered && ageOf(remembered) <= maxAgeMs) return remembered.silences;
      if (failed && ageOf(failed) < maxAgeMs) throw failed.error;
      return inflight ?? ask();
    },
    peek: async (waitMs) => {
      if (remembered && ageOf(remembered) <= freshMs) return remembered.silences;
      if (failed && ageOf(failed) < freshMs) return undefined;
      const request = inflight ?? ask();
      // Wait at most waitMs after the request began: joining a hanging request costs nothing.
      return within(request, inflightSince + waitMs - clock());
    },
    fresh: (waitMs) => within(ask(), waitMs),
    forget: () => {
      generation++;
      remembered = undefined;
      failed = undefined;
      inflight = undefined;
    },
  };
}

/** The answer if it comes within `ms`, else undefined; a failure is undefined too. */
async function within(request: Promise<Silence[]>, ms: number): Promise<Silence[] | undefined> {
  const answer = request.catch(() => undefined);
  if (ms <= 0) return undefined;
  let stop = () => {};
  const deadline = new Promise<undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    stop = () => clearTimeout(timer);
  });
  try {
    return await Promise.race([answer, deadline]);
  } finally {
    stop();
  }
}
