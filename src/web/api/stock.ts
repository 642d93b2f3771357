/** GET /api/v1/stock?quality&link_type — available links grouped by quality and type (/inventory list). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findLinkType, suggestLinkTypes } from '../../domain/catalog';
import type { Quality } from '../../domain/ranks';
import type { WebContext } from '../context';
import { badRequest } from '../errors';
import { parseQuery, q } from './query';

const query = z.object({ quality: q.quality, link_type: q.text(100) });
const ORDER: Quality[] = ['gold', 'silver', 'bronze'];

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
}
