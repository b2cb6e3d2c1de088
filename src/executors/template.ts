/**
 * argv templates of the `command` executor. Each element is filled on its own: a value never
 * splits an element, joins two, or means anything to a shell (none runs).
 *
 *   {pool}      the pool name (already checked against POOL_NAME)
 *   {replicas}  the target count, e.g. "4"
 *   {current}   the count alertscale believes the pool has now, e.g. "2"
 *   {delta}     replicas - current, always signed: "+2", "-1", "0"
 *               (the sign makes the direction visible in the audit log and lets a script branch on it)
 *
 * Any other `{word}` is a config-time error (a typo such as `{replica}` would otherwise reach the
 * program literally). Braces that do not wrap a bare word (`{.spec.replicas}`, `{{json .}}`) are
 * left alone.
 */

export const PLACEHOLDERS = ['pool', 'replicas', 'current', 'delta'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;

/** What a `current` probe may use: it runs before any target is known. */
export const PROBE_PLACEHOLDERS: readonly Placeholder[] = ['pool'];

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Placeholders in `argv` that are not in `allowed`, e.g. ["{replica}"]; empty when all are known. */
export function unknownPlaceholders(argv: readonly string[], allowed: readonly string[] = PLACEHOLDERS): string[] {
  const unknown = new Set<string>();
  for (const element of argv) {
    for (const match of element.matchAll(PLACEHOLDER)) {
      if (!allowed.includes(match[1]!)) unknown.add(match[0]);
    }
  }
  return [...unknown];
}

/** `+2`, `-1`, `0`. */
export function signedDelta(replicas: number, current: number): string {
  const delta = replicas - current;
  return delta > 0 ? `+${delta}` : String(delta);
}

export function templateValues(request: { pool: string; replicas: number; current: number }): TemplateValues {
  return {
    pool: request.pool,
    replicas: String(request.replicas),
    current: String(request.current),
    delta: signedDelta(request.replicas, request.current),
  };
}

/**
 * Fill every placeholder of every element. Throws on an unknown one: the schema rejects those
 * when the config is loaded, so reaching it here is a programming error.
 */
export function fillTemplate(argv: readonly string[], values: Partial<TemplateValues>): string[] {
  return argv.map((element) =>
    element.replace(PLACEHOLDER, (whole, name: string) => {
      const value = values[name as Placeholder];
      if (value === undefined) throw new Error(`argv template ${JSON.stringify(element)}: ${whole} is not available here`);
      return value;
    }),
  );
}
