/**
 * Attendance on the web (docs/attendance.md), the same rules as /event and /member owe:
 * GET /api/v1/events (newest first, by cursor) and /api/v1/events/{id}; officers start and close
 * events and correct who came; a member checks themself in while check-in is open; officers
 * record and clear debts.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { EVENT_KINDS } from '../../domain/attendance';
import { safeIdForm } from '../../domain/ids';
import { EVENT_NAME_MAX, MAX_OPEN_EVENTS, type EventResult } from '../../services/event-items';
import type { WebContext } from '../context';
import { badRequest, conflict, forbidden, HttpError, notFound } from '../errors';
import { officerOnly, requireViewer } from '../viewer';
import { b, parseBody, recordIdParam, userIdParam } from './body';
import { eventView, memberView } from './views';

const startBody = z.object({ kind: z.enum(EVENT_KINDS, { message: `must be one of ${EVENT_KINDS.join(', ')}` }), name: b.text(EVENT_NAME_MAX).optional() });
const attendeeBody = z.object({ user_id: b.snowflake });
const debtBody = z.object({ quality: b.quality, reason: b.text(200).min(1, 'must not be empty') });
const cursorOf = (query: unknown) => {
  const value = (query as Record<string, unknown> | undefined)?.cursor;
  if (value === undefined) return undefined;
  const id = typeof value === 'string' ? recordIdParam({ id: value }) : null;
  if (!id) throw badRequest('cursor is not one the API gave');
  return id;
};

export function eventsRoutes(app: FastifyInstance, ctx: WebContext): void {
  // The roster shared and cached a few seconds (src/web/shared-reads.ts), as the lists pages use it.
  const names = async () => new Map((await ctx.roster.get()).map((m) => [m.discord_id, m.username]));

  app.get('/api/v1/events', async (request) => {
    const page = await ctx.services.events.page(cursorOf(request.query));
    const known = await names();
    return { events: page.events.map((e) => eventView(e, known)), cursor: page.cursor ? safeIdForm(page.cursor) : null };
  });

  app.get('/api/v1/events/:id', async (request) => {
    const event = await ctx.services.events.get(recordIdParam(request.params), true);
    if (!event) throw notFound('There is no such event.');
    return { event: eventView(event, await names()) };
  });

  app.post('/api/v1/events', { preHandler: officerOnly }, async (request, reply) => {
    const input = parseBody(startBody, request.body);
    const result = await ctx.services.guild.startEvent({ kind: input.kind, name: input.name, by: requireViewer(request).id });
    if (!result.ok && result.reason === 'long_name') throw badRequest(`name is longer than ${EVENT_NAME_MAX} characters`);
    if (!result.ok && result.reason === 'bad_kind') throw badRequest(`kind must be one of ${EVENT_KINDS.join(', ')}`);
    return reply.code(201).send(await answer(result as EventResult));
  });

  app.post('/api/v1/events/:id/close', { preHandler: officerOnly }, async (request) => {
    return answer(await ctx.services.events.close(recordIdParam(request.params), requireViewer(request).id));
  });

  // An officer marks anyone present; a member only themself, and only while check-in is open.
  app.post('/api/v1/events/:id/attendees', async (request, reply) => {
    const eventId = recordIdParam(request.params);
    const { user_id } = parseBody(attendeeBody, request.body);
    const viewer = requireViewer(request);
    if (await viewer.isOfficer()) return reply.code(201).send(await answer(await ctx.services.events.mark(eventId, user_id, true), user_id));
    if (user_id !== viewer.id) throw forbidden('You can check in only yourself. Ask an officer to mark someone else.');
    return reply.code(201).send(await answer(await ctx.services.events.checkIn(eventId, user_id), user_id));
  });

  app.delete('/api/v1/events/:id/attendees/:user_id', { preHandler: officerOnly }, async (request) => {
    const userId = userIdParam(request.params);
    return answer(await ctx.services.events.mark(recordIdParam(request.params), userId, false), userId);
  });

  app.post('/api/v1/members/:user_id/debts', { preHandler: officerOnly }, async (request, reply) => {
    const userId = userIdParam(request.params);
    const input = parseBody(debtBody, request.body);
    const result = await ctx.services.guild.owe({ memberId: userId, quality: input.quality, reason: input.reason, by: requireViewer(request).id });
    if (!result.ok) {
      if (result.reason === 'not_found') throw notFound('That user is not on the roster. Nothing was changed.');
      throw badRequest(result.reason === 'long_reason' ? 'reason is longer than 200 characters' : 'reason must show letters, digits or symbols');
    }
    return reply.code(201).send({ member: memberView(ctx, await ctx.services.roster.counted(result.member)) });
  });

  app.delete('/api/v1/members/:user_id/debts', { preHandler: officerOnly }, async (request) => {
    const result = await ctx.services.guild.forgive(userIdParam(request.params));
    if (!result.ok) {
      if (result.reason === 'nothing_owed') throw conflict('That member is owed nothing. Nothing was changed.', { reason: result.reason });
      throw notFound('That user is not on the roster. Nothing was changed.');
    }
    return { member: memberView(ctx, await ctx.services.roster.counted(result.member)) };
  });

  async function answer(result: EventResult, userId?: string) {
    if (result.ok) return { event: eventView(result.event, await names()) };
    const reason = { reason: result.reason };
    switch (result.reason) {
      case 'not_found':
        throw notFound('There is no such event. Nothing was changed.', reason);
      case 'closed':
        throw conflict('Check-in for that event has closed. Nothing was changed; an officer can still correct it.', reason);
      case 'too_many_open':
        throw conflict(`${MAX_OPEN_EVENTS} events are already open for check-in. Close one first. Nothing was changed.`, reason);
      case 'not_on_roster':
        throw conflict(`${userId ?? 'That user'} is not on the roster. Nothing was changed.`, reason);
      case 'already':
        throw conflict('Already marked that way for this event. Nothing was changed.', reason);
      case 'busy':
        throw new HttpError(503, 'The event kept changing while this was written. Nothing was changed; try again.');
    }
  }
}
