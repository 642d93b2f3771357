/**
 * /api/v1: one module per route group, all behind the same checks: a session (401), still a
 * member of the guild (403), for every read the per-user read limit (429; roster-sized reads and
 * CSV exports have tighter ones), and for every write (any method but GET and HEAD) the per-user
 * rate limit and the CSRF token (403). Officer-only routes add `officerOnly` (403) after these, so a
 * member's request is refused before its body is even looked at.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebContext } from '../context';
import { csrfChecked, signedIn, stillMember } from '../viewer';
import { awardsRoutes } from './awards';
import { drawsRoutes } from './draws';
import { eventsRoutes } from './events';
import { historyRoutes } from './history';
import { listsRoutes } from './lists';
import { meRoutes } from './me';
import { membersRoutes } from './members';
import { rosterRoutes } from './roster';
import { stockRoutes } from './stock';

export async function apiRoutes(app: FastifyInstance, ctx: WebContext): Promise<void> {
  app.addHook('onRequest', signedIn);
  // Reads are limited per member before anything is asked of Discord or DynamoDB.
  app.addHook('preHandler', async (request: FastifyRequest, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') await ctx.limits.read.call(app, request, reply);
  });
  app.addHook('preHandler', stillMember(ctx));
  // A write may change the roster: the officer who made it sees it on the next read.
  app.addHook('onResponse', async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') ctx.roster.drop();
  });
  const csrf = csrfChecked(ctx);
  app.addHook('preHandler', async (request: FastifyRequest, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD') return;
    await ctx.limits.write.call(app, request, reply);
    await csrf(request, reply);
  });
  meRoutes(app, ctx);
  rosterRoutes(app, ctx);
  stockRoutes(app, ctx);
  listsRoutes(app, ctx);
  historyRoutes(app, ctx);
  membersRoutes(app, ctx);
  drawsRoutes(app, ctx);
  awardsRoutes(app, ctx);
  eventsRoutes(app, ctx);
}
