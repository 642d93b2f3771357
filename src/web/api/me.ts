/**
 * GET /api/v1/me — the signed-in member's own standing first: what /member info shows.
 * POST /api/v1/me/wants, DELETE /api/v1/me/wants/{link_type} — /want add and remove, for themself.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isAway, standingOf } from '../../domain/ranks';
import { MAX_WANTS } from '../../services/member-items';
import type { WantChange } from '../../services/wants';
import type { WebContext } from '../context';
import { badRequest, conflict, notFound, unavailable } from '../errors';
import { requireViewer } from '../viewer';
import { b, parseBody } from './body';
import { historyEntry } from './history-entry';
import { attendanceView } from './views';
import { eligibleQualities } from '../../domain/attendance';

const RECENT = 5;
const wantBody = z.object({ link_type: b.linkType });

export function meRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.get('/api/v1/me', async (request) => {
    const viewer = requireViewer(request);
    const [member, officer] = await Promise.all([ctx.services.roster.get(viewer.id, true), viewer.isOfficer()]);
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
      eligible_for: eligibleQualities(member, ctx.config.ranks, ctx.config.attendance, ctx.clock.now()),
      ...attendanceView(ctx, member, standing.eligibleFor),
      links_received: member.counters.links_received,
      last_link_at: member.counters.last_link_at ?? null,
      wants: member.wants,
      wants_max: MAX_WANTS,
      away_until: isAway(member, today) ? (member.away_until ?? null) : null,
      recent: recent.items.map(historyEntry),
    };
  });

  app.post('/api/v1/me/wants', async (request) => {
    const { link_type } = parseBody(wantBody, request.body);
    const type = resolve(ctx, link_type);
    return answer(await ctx.services.wants.add(requireViewer(request).id, type), type);
  });

  app.delete('/api/v1/me/wants/:link_type', async (request) => {
    // Any want the member has, in the catalog or no longer: the service decides.
    const type = String((request.params as Record<string, unknown>).link_type ?? '').slice(0, 200);
    return answer(await ctx.services.wants.remove(requireViewer(request).id, type), type);
  });
}

/** A catalog name, as /want takes it (any case); 400 with the closest names otherwise. */
function resolve(ctx: WebContext, name: string): string {
  const resolved = ctx.services.guild.resolveLinkType(name);
  if (resolved.ok) return resolved.type.name;
  const close = resolved.suggestions;
  throw badRequest(`link_type "${name.slice(0, 100)}" is not in the catalog${close.length ? `; did you mean ${close.join(', ')}?` : ''}`, { reason: resolved.reason, suggestions: close });
}

function answer(result: WantChange, type: string) {
  if (result.ok) return { wants: result.member.wants, wants_max: MAX_WANTS };
  const reason = { reason: result.reason };
  switch (result.reason) {
    case 'already':
      throw conflict(`You already want ${type}. Nothing was changed.`, reason);
    case 'full':
      throw conflict(`You already want ${MAX_WANTS} link types, the most anyone can. Remove one first. Nothing was changed.`, reason);
    case 'not_wanted':
      throw notFound(`${type} is not among the link types you want. Nothing was changed.`, reason);
    case 'not_found':
      throw conflict('You are not on the roster. Ask an officer to add you. Nothing was changed.', { reason: 'not_on_roster' });
    case 'busy':
      throw unavailable('The database is busy. Nothing was changed; try again.', reason);
  }
}
