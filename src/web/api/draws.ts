/**
 * Draws on the web (officers): the same records and the same DrawsService as /distribute, so a
 * draw started in either view can be confirmed in the other. Changes are made with origin 'web':
 * the Discord side follows them onto the draw's message (src/bot/draws.ts), and a
 * draw started here is posted in the announcement channel with its buttons.
 *
 * The buttons carry the version the page showed, exactly as Discord's do, so Confirm awards the
 * winner the officer saw or nothing. How each outcome answers:
 *   awarded → 200 · refused (ended, expired, confirming, changed, exhausted, named) → 409,
 *   not_found → 404 · not_awarded → 409 (busy → 503) · unknown → 503 "press Confirm again".
 * A refusal carries the draw as it is now (`draw`), so the page shows what changed.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Distribution } from '../../services/distribution-record';
import type { StartRefusal } from '../../services/draw-types';
import { poolOf } from '../../views/draw';
import { drawRefusalText, notAwardedText, startRefusalText, UNKNOWN_OUTCOME } from '../../views/draw-texts';
import type { WebContext } from '../context';
import { badRequest, HttpError, notFound, type HttpStatus } from '../errors';
import { officerOnly, requireViewer } from '../viewer';
import { b, parseBody, recordIdParam } from './body';
import { lookUpProfile } from './members';
import { drawView, WEB_WORDING } from './views';

const startBody = z.object({
  quality: b.quality,
  link_type: b.linkType.optional(),
  member: b.snowflake.optional(),
  list: b.recordId.optional(),
  policy: b.policy.optional(),
});
const pressBody = z.object({ version: b.version });
const cancelBody = z.object({ version: b.version.optional() });

/** Changes made here: not starting with `interaction:`, so the Discord view follows them. */
const ORIGIN = 'web';

/** The status a refused start answers with: the list named does not exist, is of another quality, or the guild's state says no. */
function startRefusalStatus(reason: StartRefusal['reason']): HttpStatus {
  switch (reason) {
    case 'list_not_found':
      return 404;
    case 'list_wrong_quality':
      return 400;
    case 'no_stock':
    case 'list_closed':
    case 'named_not_on_roster':
    case 'named_not_eligible':
    case 'named_not_waiting':
    case 'nobody':
    case 'too_many_open':
      return 409;
  }
}

export function drawsRoutes(app: FastifyInstance, ctx: WebContext): void {
  /** The one read a draw's view needs: the winner's member item, as it is now. */
  const view = async (draw: Distribution) => drawView(ctx, { draw, pool: poolOf(draw), winner: draw.winner_id ? ((await ctx.services.roster.get(draw.winner_id)) ?? null) : undefined });
  const refusalText = (refusal: Parameters<typeof drawRefusalText>[0], draw: Distribution | undefined) => drawRefusalText(refusal, draw && poolOf(draw).size, WEB_WORDING);
  /** A refusal, with the draw as it is now. */
  const refused = async (status: HttpStatus, message: string, reason: string, draw: Distribution | undefined) =>
    new HttpError(status, message, { reason, draw: draw ? await view(draw) : null });

  // The open draws, newest first: where a draw started in Discord is found on the web.
  app.get('/api/v1/draws', { preHandler: officerOnly }, async () => {
    const open = await ctx.services.draws.openDraws();
    return { draws: await Promise.all(open.map(view)) };
  });

  app.post('/api/v1/draws', { preHandler: officerOnly }, async (request, reply) => {
    const input = parseBody(startBody, request.body);
    let linkType: string | undefined;
    if (input.link_type) {
      const resolved = ctx.services.guild.resolveLinkType(input.link_type);
      if (!resolved.ok) {
        const close = resolved.suggestions;
        throw badRequest(`link_type "${input.link_type}" is not in the catalog${close.length ? `; did you mean ${close.join(', ')}?` : ''}`, { reason: resolved.reason, suggestions: close });
      }
      linkType = resolved.type.name;
    }
    // As Discord resolves a user option: only someone in the guild can be named.
    if (input.member) {
      const profile = await lookUpProfile(ctx, input.member);
      if (!profile.inGuild) throw badRequest(`That user is not a member of ${ctx.guildName()}. Nothing was drawn.`, { reason: 'not_in_guild' });
    }
    const result = await ctx.services.draws.start(
      { quality: input.quality, linkType, memberId: input.member, listId: input.list, policy: input.policy, by: requireViewer(request).id, method: 'web' },
      ORIGIN,
    );
    if (!result.ok) throw new HttpError(startRefusalStatus(result.reason), startRefusalText(result, input.quality, linkType, WEB_WORDING), { reason: result.reason });
    return reply.code(201).send({ draw: await view(result.draw) });
  });

  app.get('/api/v1/draws/:id', { preHandler: officerOnly }, async (request) => {
    const draw = await ctx.services.draws.get(recordIdParam(request.params));
    if (!draw) throw notFound('There is no such draw.', { reason: 'not_found' });
    return { draw: await view(draw) };
  });

  app.post('/api/v1/draws/:id/confirm', { preHandler: officerOnly }, async (request) => {
    const id = recordIdParam(request.params);
    const { version } = parseBody(pressBody, request.body);
    const result = await ctx.services.draws.confirm(id, requireViewer(request).id, version, ORIGIN);
    switch (result.outcome) {
      case 'awarded':
        return { outcome: 'awarded', repeated: result.repeated, draw: await view(result.draw) };
      case 'refused':
        throw await refused(result.reason === 'not_found' ? 404 : 409, refusalText(result, result.draw), result.reason, result.draw);
      case 'not_awarded':
        throw await refused(result.reason === 'busy' ? 503 : 409, notAwardedText(result.reason, WEB_WORDING), result.reason, result.draw);
      case 'unknown':
        throw await refused(503, UNKNOWN_OUTCOME, 'unknown', result.draw);
    }
  });

  app.post('/api/v1/draws/:id/reroll', { preHandler: officerOnly }, async (request) => {
    const id = recordIdParam(request.params);
    const { version } = parseBody(pressBody, request.body);
    const result = await ctx.services.draws.reroll(id, requireViewer(request).id, version, ORIGIN);
    if (!result.ok) throw await refused(result.reason === 'not_found' ? 404 : 409, refusalText(result, result.draw), result.reason, result.draw);
    return { draw: await view(result.draw) };
  });

  // Discord's Cancel carries no version (it ends the draw whoever it shows); a version sent is ignored likewise.
  app.post('/api/v1/draws/:id/cancel', { preHandler: officerOnly }, async (request) => {
    const id = recordIdParam(request.params);
    parseBody(cancelBody, request.body);
    const result = await ctx.services.draws.cancel(id, requireViewer(request).id, ORIGIN);
    if (!result.ok) throw await refused(result.reason === 'not_found' ? 404 : 409, refusalText(result, result.draw), result.reason, result.draw);
    return { draw: await view(result.draw) };
  });

}
