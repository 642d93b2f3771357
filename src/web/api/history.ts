/**
 * GET /api/v1/history?member&quality&cursor&limit&format=csv — newest first. A member sees
 * their own (member=<their id>); officers anyone's, and the whole guild's without `member`.
 * format=csv downloads every matching entry with /history export's columns.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { toCsv } from '../../domain/csv';
import { HISTORY_EXPORT_COLUMNS } from '../../domain/history-columns';
import type { Quality } from '../../domain/ranks';
import type { Distribution } from '../../services/distributions';
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

/** Bounds of a CSV download, as /history export has them. */
const EXPORT_PAGES = 500;

export function historyRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get('/api/v1/history', async (request, reply) => {
    const { member, quality, cursor, limit, format } = parseQuery(query, request.query);
    const viewer = requireViewer(request);
    if (member !== viewer.id && !(await viewer.isOfficer())) {
      throw forbidden(member ? 'You can see only your own history.' : 'Only officers can see the whole guild’s history; add member=<your id> for yours.');
    }
    const scope = `history:${member ?? 'guild'}:${quality ?? 'all'}`;

    if (format === 'csv') {
      const rows = await exportRows(ctx, member, quality);
      const name = `flavaflav-history-${member ?? 'guild'}-${ctx.today()}.csv`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .send(toCsv(HISTORY_EXPORT_COLUMNS, rows as unknown as Record<string, unknown>[]));
    }

    const inner = ctx.cursors.open(cursor, scope);
    const page = member
      ? await ctx.services.distributions.forMember(member, { limit, cursor: inner, quality })
      : await ctx.services.distributions.guildWide({ limit, cursor: inner, quality, today: ctx.today() });
    return { items: page.items.map(historyEntry), cursor: ctx.cursors.seal(page.cursor, scope) ?? null };
  });
}

/**
 * Every matching entry, newest first. The same reads as /history export (which keeps this loop
 * in commands/history.ts; it belongs in the distributions service, see the dashboard's notes).
 */
async function exportRows(ctx: WebContext, member: string | undefined, quality: Quality | undefined): Promise<Distribution[]> {
  if (!member) {
    const all = await ctx.services.distributions.exportAll();
    return quality ? all.filter((d) => d.quality === quality) : all;
  }
  const rows: Distribution[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < EXPORT_PAGES; page++) {
    const result = await ctx.services.distributions.forMember(member, { limit: 100, cursor, quality });
    rows.push(...result.items);
    cursor = result.cursor;
    if (!cursor) break;
  }
  return rows;
}
