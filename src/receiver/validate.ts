import type { Context } from 'hono';
import type { z } from 'zod';
import { HttpError } from './errors.js';

/** A JSON body validated once, at the edge; 400/422 with every problem named. */
export async function parseJsonBody<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    throw new HttpError(400, 'invalid_json', 'body is not JSON');
  }
  return validate(schema, json, 'body');
}

export function validate<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  throw new HttpError(
    422,
    'invalid_request',
    `invalid ${what}: ${details.map((d) => `${d.path || what}: ${d.message}`).join('; ')}`,
    details,
  );
}
