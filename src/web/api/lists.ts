/**
 * GET /api/v1/lists — the active lists: who is waiting and who was served (/list show).
 * Officers manage them as /list does: create, add, remove, close, through GuildService.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LIST_NAME_MAX, type ListMemberResult } from '../../services/guild';
import type { WebContext } from '../context';
import { badRequest, conflict, notFound } from '../errors';
import { officerOnly, requireViewer } from '../viewer';
import { b, parseBody, recordIdParam, userIdParam } from './body';
import { listView } from './views';

const createBody = z.object({
  name: b.text(LIST_NAME_MAX).min(1, 'must not be empty'),
  quality: b.quality,
  fill: z.enum(['eligible', 'empty'], { message: 'must be eligible or empty' }).optional(),
});
const memberBody = z.object({ user_id: b.snowflake });

export function listsRoutes(app: FastifyInstance, ctx: WebContext): void {
  const names = async () => new Map((await ctx.roster.get()).map((m) => [m.discord_id, m.username]));

  app.get('/api/v1/lists', async () => {
    const [lists, known] = await Promise.all([ctx.services.lists.listActive(), names()]);
    return { lists: lists.map((list) => listView(list, known)) };
  });

  app.post('/api/v1/lists', { preHandler: officerOnly }, async (request, reply) => {
    const input = parseBody(createBody, request.body);
    const result = await ctx.services.guild.createList({ name: input.name, quality: input.quality, fill: input.fill ?? 'eligible', by: requireViewer(request).id });
    if (!result.ok) {
      if (result.reason === 'empty_name') throw badRequest('name must show letters, digits or symbols', { reason: result.reason });
      if (result.reason === 'long_name') throw badRequest(`name is longer than ${LIST_NAME_MAX} characters`, { reason: result.reason });
      const existing = result.existing ? ` (“${result.existing.list_name}”)` : '';
      throw conflict(`There is already an active ${input.quality} list${existing}. Close it before starting another. Nothing was changed.`, {
        reason: result.reason,
        list: result.existing ? listView(result.existing, await names()) : null,
      });
    }
    return reply.code(201).send({ list: listView(result.list, await names()) });
  });

  app.post('/api/v1/lists/:id/members', { preHandler: officerOnly }, async (request) => {
    const listId = recordIdParam(request.params);
    const { user_id } = parseBody(memberBody, request.body);
    return answer(await ctx.services.guild.addToList(listId, user_id), await names(), user_id);
  });

  app.delete('/api/v1/lists/:id/members/:user_id', { preHandler: officerOnly }, async (request) => {
    const listId = recordIdParam(request.params);
    const userId = userIdParam(request.params);
    return answer(await ctx.services.guild.removeFromList(listId, userId), await names(), userId);
  });

  app.post('/api/v1/lists/:id/close', { preHandler: officerOnly }, async (request) => {
    const listId = recordIdParam(request.params);
    return answer(await ctx.services.guild.closeList(listId), await names());
  });
}

/** The list after the change, or why nothing was changed (as /list words it). */
function answer(result: ListMemberResult, names: ReadonlyMap<string, string>, userId?: string) {
  if (result.ok) return { list: listView(result.list, names) };
  const who = (userId && names.get(userId)) ?? 'That member';
  const reason = { reason: result.reason };
  switch (result.reason) {
    case 'list_not_found':
      throw notFound('There is no such list. Nothing was changed.', reason);
    case 'closed':
      throw conflict('That list is closed. Nothing was changed; start a new one.', reason);
    case 'already_in':
      throw conflict(`${who} is already waiting on that list. Nothing was changed.`, reason);
    case 'already_served':
      throw conflict(`${who} was already served from that list, so they cannot wait on it again. Nothing was changed.`, reason);
    case 'not_in':
      throw notFound(`${who} is not waiting on that list. Nothing was changed.`, reason);
    case 'not_on_roster':
      throw conflict(`${who} is not on the roster. Add them first. Nothing was changed.`, reason);
    case 'not_eligible':
      throw conflict(`${who} is a ${result.standing.rank} and cannot receive ${result.quality} links yet. Nothing was changed.`, { ...reason, rank: result.standing.rank });
  }
}
