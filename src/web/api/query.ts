/** Query-string parsing for the API: zod schemas, and one 400 line naming the parameter. */
import { z } from 'zod';
import { QUALITIES } from '../../domain/ranks';
import { badRequest } from '../errors';

export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.output<T> {
  const parsed = schema.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue.path[0] ?? 'query');
  throw badRequest(`${name} ${issue.message}`);
}

/** One value of a query parameter: `?a=1&a=2` is refused rather than guessed at. */
const single = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema);

export const q = {
  quality: single(z.enum(QUALITIES, { message: 'must be bronze, silver or gold' }).optional()),
  cursor: single(z.string({ message: 'must be a cursor from the previous page' }).max(2048, 'is too long').optional()),
  limit: (fallback: number, max: number) =>
    single(
      z
        .string({ message: `must be a whole number from 1 to ${max}` })
        .regex(/^\d{1,4}$/, `must be a whole number from 1 to ${max}`)
        .transform(Number)
        .refine((n) => n >= 1 && n <= max, `must be a whole number from 1 to ${max}`)
        .optional()
        .transform((n) => n ?? fallback),
    ),
  snowflake: single(z.string({ message: 'must be a Discord user id' }).regex(/^\d{17,20}$/, 'must be a Discord user id (17–20 digits)').optional()),
  text: (max: number) => single(z.string({ message: 'must be given once' }).trim().max(max, `is longer than ${max} characters`).optional()),
};
