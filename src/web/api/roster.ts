/**
 * GET /api/v1/roster?rank&cursor&limit — the roster with ranks, longest in the guild first (as
 * /member list orders it), one page at a time. The cursor is the last row's position in that
 * order, so members added or removed between pages neither repeat nor shift the rest.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { RANKS, standingOf, type Rank } from '../../domain/ranks';
import type { Member } from '../../services/member-items';
import type { WebContext } from '../context';
import { badRequest } from '../errors';
import { parseQuery, q } from './query';
import { memberView } from './views';

const query = z.object({
  rank: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string({ message: `must be one of ${RANKS.join(', ')}` })
      .transform((v, issue) => {
        const rank = RANKS.find((r) => r.toLowerCase() === v.trim().toLowerCase());
        if (!rank) issue.addIssue({ code: 'custom', message: `must be one of ${RANKS.join(', ')}` });
        return rank as Rank;
      })
      .optional(),
  ),
  cursor: q.cursor,
  limit: q.limit(25, 100),
});

type Position = [joinDate: string, username: string, id: string];

// An unreadable join date sorts last ('~' after every digit).
const positionOf = (m: Member): Position => [m.join_date ?? '~', m.username, m.discord_id];

function compare(a: Position, b: Position): number {
  // Earlier join date = more days in the guild = first.
  return a[0].localeCompare(b[0]) || a[1].localeCompare(b[1]) || a[2].localeCompare(b[2]);
}

export function rosterRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get('/api/v1/roster', async (request) => {
    const { rank, cursor, limit } = parseQuery(query, request.query);
    const after = readPosition(ctx.cursors.open(cursor, 'roster'));
    const today = ctx.today();
    const rows = (await ctx.roster.get())
      .map((member) => ({ member, standing: standingOf(member, ctx.config.ranks, today) }))
      .filter((r) => !rank || r.standing.rank === rank)
      .sort((a, b) => compare(positionOf(a.member), positionOf(b.member)));
    const rest = after ? rows.filter((r) => compare(positionOf(r.member), after) > 0) : rows;
    const page = rest.slice(0, limit);
    const more = rest.length > limit;
    // Counters for the page shown only (derived from history for members the previous system wrote).
    const counted = await ctx.services.roster.countedAll(page.map((r) => r.member));
    return {
      total: rows.length,
      members: counted.map((member) => memberView(ctx, member)),
      cursor: more ? ctx.cursors.seal(JSON.stringify(positionOf(page[page.length - 1].member)), 'roster') : null,
    };
  });
}

function readPosition(inner: string | undefined): Position | undefined {
  if (inner === undefined) return undefined;
  const value: unknown = JSON.parse(inner);
  if (!Array.isArray(value) || value.length !== 3 || !value.every((v) => typeof v === 'string')) throw badRequest('cursor is not valid: start again from the first page');
  return value as Position;
}
