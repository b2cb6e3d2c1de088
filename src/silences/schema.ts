import { z } from 'zod';

/**
 * Alertmanager API v2 shapes, validated where they enter alertscale. Objects are not strict: a
 * newer Alertmanager may add fields, and that must not break pausing.
 */
const timestamp = z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'not a timestamp');

/** `{name, value, isRegex, isEqual}`; Alertmanager before 0.22 had no isEqual (always equal). */
export const matcherSchema = z.object({
  name: z.string(),
  value: z.string(),
  isRegex: z.boolean(),
  isEqual: z.boolean().default(true),
});

/** A gettableSilence. `state` stays a string: an unknown future state is simply "not active". */
export const silenceSchema = z.object({
  id: z.string().min(1),
  status: z.object({ state: z.string() }),
  updatedAt: timestamp.optional(),
  comment: z.string(),
  createdBy: z.string(),
  startsAt: timestamp,
  endsAt: timestamp,
  matchers: z.array(matcherSchema),
});

export const silenceListSchema = z.array(silenceSchema);

/** `POST /api/v2/silences` answers `{silenceID}`. */
export const postSilenceResponseSchema = z.object({ silenceID: z.string().min(1) });

export type Matcher = z.infer<typeof matcherSchema>;
export type Silence = z.infer<typeof silenceSchema>;

/** What alertscale asks Alertmanager to create (a postableSilence without an id). */
export interface NewSilence {
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}
