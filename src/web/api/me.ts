/** GET /api/v1/me — the signed-in member's own standing first: what /member info shows. */
import type { FastifyInstance } from 'fastify';
import { isAway, standingOf } from '../../domain/ranks';
import type { WebContext } from '../context';
import { requireViewer } from '../viewer';
import { historyEntry } from './history-entry';

const RECENT = 5;

export function meRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get('/api/v1/me', async (request) => {
    const viewer = requireViewer(request);
    const [member, officer] = await Promise.all([ctx.services.roster.get(viewer.id), viewer.isOfficer()]);
    const you = { id: viewer.id, username: viewer.session.username, officer, csrf_token: viewer.session.csrf };
    // A guild member an officer has not added yet: signed in, with nothing to show.
    if (!member) return { ...you, on_roster: false, recent: [] };
    const today = ctx.today();
    const standing = standingOf(member, ctx.config.ranks, today);
    const recent = await ctx.services.distributions.forMember(viewer.id, { limit: RECENT });
    return {
      ...you,
      on_roster: true,
      roster_name: member.username,
      rank: standing.rank,
      days_in_guild: standing.daysInGuild === null ? null : Math.max(0, standing.daysInGuild),
      join_date: member.join_date ?? null,
      join_date_unreadable: member.join_date === undefined,
      eligible_for: standing.eligibleFor,
      links_received: member.counters.links_received,
      last_link_at: member.counters.last_link_at ?? null,
      wants: member.wants,
      away_until: isAway(member, today) ? (member.away_until ?? null) : null,
      recent: recent.items.map(historyEntry),
    };
  });
}
