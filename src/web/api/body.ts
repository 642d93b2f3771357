/**
 * Request bodies and path parameters of the API's writes: zod schemas, and one 400 line naming
 * the field (as query.ts does for query strings). Bodies are JSON objects; a field the route does
 * not know is refused rather than ignored, so a misspelt `linktype` is not a silent default.
 */
import { z } from 'zod';
import { DRAW_POLICIES } from '../../domain/draw';
import { idFromSafeForm } from '../../domain/ids';
import { QUALITIES } from '../../domain/ranks';
import { MAX_LINKS_PER_ADD } from '../../services/inventory';
import { badRequest } from '../errors';

export function parseBody<T extends z.ZodObject>(schema: T, body: unknown): z.output<T> {
  if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) throw badRequest('the body must be a JSON object');
  const parsed = schema.strict().safeParse(body ?? {});
  if (parsed.success) return parsed.data as z.output<T>;
  const issue = parsed.error.issues[0];
  if (issue.code === 'unrecognized_keys') throw badRequest(`unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}; this route takes ${Object.keys(schema.shape).join(', ')}`);
  const name = String(issue.path[0] ?? 'body');
  const given = (body as Record<string, unknown> | undefined)?.[name];
  throw badRequest(given === undefined && issue.path.length ? `${name} is required` : `${name} ${issue.message}`);
}

/** A record id from the path, in the safe form the API hands out (ids.ts); 400 when it is none. */
export function recordIdParam(params: unknown, name = 'id'): string {
  const form = (params as Record<string, unknown> | undefined)?.[name];
  const id = typeof form === 'string' && form.length <= 400 ? idFromSafeForm(form) : null;
  if (id === null) throw badRequest(`${name} in the path is not a record id (use the id the API gave)`);
  return id;
}

/** A Discord user id from the path. */
export function userIdParam(params: unknown, name = 'user_id'): string {
  const value = (params as Record<string, unknown> | undefined)?.[name];
  if (typeof value !== 'string' || !/^\d{17,20}$/.test(value)) throw badRequest(`${name} in the path must be a Discord user id (17–20 digits)`);
  return value;
}

const text = (max: number) => z.string({ message: 'must be text' }).trim().max(max, `is longer than ${max} characters`);

export const b = {
  snowflake: z.string({ message: 'must be a Discord user id (17–20 digits, as text)' }).regex(/^\d{17,20}$/, 'must be a Discord user id (17–20 digits)'),
  quality: z.enum(QUALITIES, { message: 'must be bronze, silver or gold' }),
  policy: z.enum(DRAW_POLICIES, { message: `must be one of ${DRAW_POLICIES.join(', ')}` }),
  linkType: text(100).min(1, 'must not be empty'),
  text,
  /** YYYY-MM-DD; whether it is a real day is the service's rule (bad_date). */
  day: z.string({ message: 'must be a date written YYYY-MM-DD' }).trim().max(10, 'must be a date written YYYY-MM-DD'),
  count: z
    .number({ message: `must be a whole number from 1 to ${MAX_LINKS_PER_ADD}` })
    .int(`must be a whole number from 1 to ${MAX_LINKS_PER_ADD}`)
    .min(1, `must be a whole number from 1 to ${MAX_LINKS_PER_ADD}`)
    .max(MAX_LINKS_PER_ADD, `must be a whole number from 1 to ${MAX_LINKS_PER_ADD}`),
  /** The draw's version the page showed, as Discord's buttons carry it. */
  version: z.number({ message: 'must be the draw’s version the page showed (a whole number)' }).int('must be a whole number').min(0, 'must be 0 or more').max(1_000_000, 'is too large'),
  flag: z.boolean({ message: 'must be true or false' }),
  /** A record id in its safe form (a list's id from GET /api/v1/lists). */
  recordId: z
    .string({ message: 'must be an id the API gave' })
    .max(400, 'is too long')
    .transform((form, ctx) => {
      const id = idFromSafeForm(form.trim());
      if (id === null) ctx.addIssue({ code: 'custom', message: 'is not an id the API gave' });
      return id ?? '';
    }),
};
