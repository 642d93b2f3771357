/**
 * POST /api/v1/members — /member add on the web (officers): the user is looked up in the guild
 * with the bot's token, as Discord resolves a user option, and GuildService decides.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { WebContext } from '../context';
import type { GuildProfile } from '../discord';
import { badRequest, conflict, HttpError } from '../errors';
import { officerOnly, requireViewer } from '../viewer';
import { b, parseBody } from './body';
import { memberView } from './views';

const body = z.object({ user_id: b.snowflake, join_date: b.day.optional(), officer: b.flag.optional() });

export function membersRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.post('/api/v1/members', { preHandler: officerOnly }, async (request, reply) => {
    const input = parseBody(body, request.body);
    const viewer = requireViewer(request);
    const profile = await lookUpProfile(ctx, input.user_id);
    const result = await ctx.services.guild.addMember({
      discordId: input.user_id,
      username: profile.inGuild ? profile.username : input.user_id,
      isBot: profile.inGuild && profile.isBot,
      inGuild: profile.inGuild,
      joinDate: input.join_date,
      discordJoinedAt: profile.inGuild ? profile.joinedAt : undefined,
      officer: input.officer ?? false,
      by: viewer.id,
    });
    if (!result.ok) {
      const reason = { reason: result.reason };
      switch (result.reason) {
        case 'bot':
          throw badRequest('Bots cannot be on the roster. Nothing was changed.', reason);
        case 'not_in_guild':
          throw badRequest(`That user is not a member of ${ctx.guildName()}, so they cannot be on the roster. Nothing was changed.`, reason);
        case 'bad_date':
          throw badRequest('join_date must be a real date written YYYY-MM-DD, for example 2026-03-14.', reason);
        case 'future_date':
          throw badRequest('join_date is in the future. Use today or an earlier date.', reason);
        case 'changed':
          throw conflict('That member changed meanwhile. Look at the roster and try again. Nothing was changed.', reason);
        case 'exists':
          throw conflict(
            `${result.member.username} is already on the roster.${result.member.join_date ? '' : ' Their join date is unreadable: send join_date to set it.'} Nothing was changed.`,
            { ...reason, member: memberView(ctx, await ctx.services.roster.counted(result.member)) },
          );
      }
    }
    return reply.code(result.joinDateSet ? 200 : 201).send({ member: memberView(ctx, result.member), join_date_set: result.joinDateSet });
  });
}

/** Who a user is in the guild, through the bot's REST client; 502 when Discord does not answer. */
export async function lookUpProfile(ctx: WebContext, userId: string): Promise<GuildProfile> {
  try {
    return await ctx.lookups.profileOf(userId);
  } catch (error) {
    ctx.logger.warn({ err: error, userId }, 'web: guild member look-up failed');
    throw new HttpError(502, 'Discord did not answer the look-up of that user. Nothing was changed; try again in a minute.');
  }
}
