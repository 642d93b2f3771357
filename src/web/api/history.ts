/**
 * GET /api/v1/history?member&quality&cursor&limit&format=csv — newest first. A member sees
 * their own (member=<their id>); officers anyone's, and the whole guild's without `member`.
 * format=csv downloads every matching entry with /history export's columns.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { historyCsv } from '../../domain/history-columns';
import type { WebContext } from '../context';
import { forbidden } from '../errors';
import { requireViewer } from '../viewer';
import { historyEntry } from './history-entry';
import { parseQuery, q } from './query';

const query = z.object({
  member: q.snowflake,
  quality: q.quality,
  cursor: q.cursor,
  limit: q.limit(10, 100),
  format: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['json', 'csv'], { message: 'must be json or csv' }).optional()),
});

export function historyRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get('/api/v1/history', async (request, reply) => {
    const { member, quality, cursor, limit, format } = parseQuery(query, request.query);
    const viewer = requireViewer(request);
    if (member !== viewer.id && !(await viewer.isOfficer())) {
      throw forbidden(member ? 'You can see only your own history.' : 'Only officers can see the whole guild’s history; add member=<your id> for yours.');
    }
    const scope = `history:${member ?? 'guild'}:${quality ?? 'all'}`;

    if (format === 'csv') {
      const csv = await historyCsv(await ctx.services.distributions.exportRecords({ memberId: member, quality }));
      const name = `flavaflav-history-${member ?? 'guild'}-${ctx.today()}.csv`;
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(csv);
    }

    const inner = ctx.cursors.open(cursor, scope);
    const page = member
      ? await ctx.services.distributions.forMember(member, { limit, cursor: inner, quality })
      : await ctx.services.distributions.guildWide({ limit, cursor: inner, quality });
    return { items: page.items.map(historyEntry), cursor: ctx.cursors.seal(page.cursor, scope) ?? null };
  });
}
