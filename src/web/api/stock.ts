/**
 * GET /api/v1/stock?quality&link_type — available links grouped by quality and type (/inventory list).
 * POST /api/v1/stock — /inventory add on the web (officers), safe to retry with an Idempotency-Key.
 * GET /api/v1/catalog — the catalog's link types, for the pages' suggestions.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findLinkType, LINK_TYPES, suggestLinkTypes } from '../../domain/catalog';
import type { Quality } from '../../domain/ranks';
import { isDynamoUnavailable } from '../../services/errors';
import { NOTES_MAX } from '../../services/guild';
import { MAX_LINKS_PER_ADD, UnknownOutcomeError } from '../../services/inventory';
import type { WebContext } from '../context';
import { badRequest, unavailable } from '../errors';
import { officerOnly, requireViewer } from '../viewer';
import { b, parseBody } from './body';
import { parseQuery, q } from './query';

const query = z.object({ quality: q.quality, link_type: q.text(100) });
const ORDER: Quality[] = ['gold', 'silver', 'bronze'];
const addBody = z.object({ link_type: b.linkType, quality: b.quality, count: b.count.optional(), notes: b.text(NOTES_MAX).optional() });

export function stockRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get('/api/v1/stock', async (request) => {
    const { quality, link_type } = parseQuery(query, request.query);
    let linkType: string | undefined;
    if (link_type) {
      const type = findLinkType(link_type);
      if (!type) {
        const close = suggestLinkTypes(link_type, 3).map((t) => t.name);
        throw badRequest(`link_type "${link_type}" is not in the catalog${close.length ? `; did you mean ${close.join(', ')}?` : ''}`);
      }
      linkType = type.name;
    }
    const lines = await ctx.services.inventory.stock({ quality, linkType });
    return {
      total: lines.reduce((n, l) => n + l.count, 0),
      qualities: ORDER.map((q) => {
        const types = lines.filter((l) => l.quality === q);
        return { quality: q, total: types.reduce((n, l) => n + l.count, 0), types: types.map(({ link_type, category, bonus, count }) => ({ link_type, category, bonus, count })) };
      }).filter((group) => group.types.length > 0),
    };
  });

  // The same for everyone and small (about 95 types): the pages suggest names from it.
  const catalog = { link_types: LINK_TYPES.map((t) => ({ name: t.name, category: t.category, bonus: t.bonus })) };
  app.get('/api/v1/catalog', async () => catalog);

  app.post('/api/v1/stock', { preHandler: officerOnly }, async (request, reply) => {
    const input = parseBody(addBody, request.body);
    const viewer = requireViewer(request);
    const count = input.count ?? 1;
    const idempotencyKey = keyOf(request);
    let added;
    try {
      added = await ctx.services.guild.addStock({
        linkType: input.link_type,
        quality: input.quality,
        count,
        notes: input.notes,
        by: viewer.id,
        // Scoped to the officer and to what is added: the same key with other values is another request.
        key: idempotencyKey ? requestKey(viewer.id, idempotencyKey, input) : undefined,
      });
    } catch (error) {
      if (error instanceof UnknownOutcomeError) {
        throw unavailable('The database did not answer in time, so it is not known yet whether the links were added. Send the same request with the same Idempotency-Key again: it adds them at most once.', { reason: 'unknown' });
      }
      // Without a key a lost answer cannot be told from a failure: say so rather than "try again".
      if (!idempotencyKey && isDynamoUnavailable(error)) {
        throw unavailable('The database did not answer, so it is not known yet whether the links were added. Check the stock before adding them again (an Idempotency-Key makes a retry safe).', { reason: 'unknown' });
      }
      throw error;
    }
    if (!added.ok) {
      if (added.reason === 'bad_count') throw badRequest(`count must be a whole number from 1 to ${MAX_LINKS_PER_ADD}`, { reason: added.reason });
      if (added.reason === 'long_notes') throw badRequest(`notes are at most ${NOTES_MAX} characters`, { reason: added.reason });
      const close = added.suggestions;
      throw badRequest(`link_type "${input.link_type}" is not in the catalog${close.length ? `; did you mean ${close.join(', ')}?` : ''}`, { reason: added.reason, suggestions: close });
    }
    const { type } = added;
    // The links are written: a failed read now must not make the answer say otherwise.
    const [inStock, wantedBy] = await Promise.all([
      ctx.services.inventory.countAvailableWith(input.quality, type.name, added.links).then((n) => n, () => null),
      ctx.services.wants.counts([type.name]).then((c) => c.get(type.name) ?? 0, () => null),
    ]);
    return reply.code(added.repeated ? 200 : 201).send({
      link_type: type.name,
      category: type.category,
      quality: input.quality,
      bonus: type.bonus[input.quality],
      added: added.links.length,
      repeated: added.repeated,
      link_ids: added.links.map((l) => l.link_id),
      notes: input.notes || null,
      in_stock: inStock,
      wanted_by: wantedBy,
    });
  });
}

/** The Idempotency-Key header: 1–100 of [A-Za-z0-9_-], or none. */
function keyOf(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(header)) throw badRequest('Idempotency-Key must be 1–100 letters, digits, "-" or "_"');
  return header;
}

/** What the inventory derives link ids from: alphanumeric, unique per officer, key and content. */
function requestKey(by: string, key: string, input: z.output<typeof addBody>): string {
  return `w${createHash('sha256').update(JSON.stringify([by, key, input.link_type.toLowerCase(), input.quality, input.count ?? 1, input.notes ?? ''])).digest('hex').slice(0, 24)}`;
}
