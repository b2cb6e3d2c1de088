/** Filling the `command` executor's argv templates; the placeholders themselves are config (schema.ts). */
import { PLACEHOLDER, type Placeholder } from './schema.js';

export type TemplateValues = Record<Placeholder, string>;

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
