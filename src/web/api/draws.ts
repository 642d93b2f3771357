/**
 * Draws on the web (officers): the same records and the same DrawsService as /distribute, so a
 * draw started in either view can be confirmed in the other. Changes are made with origin 'web':
 * the Discord side follows them onto the draw's message (commands/distribute.ts, follow()), and a
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
import type { Distribution } from '../../services/distributions';
import type { StartRefusal } from '../../services/draws';
import { drawRefusalText, notAwardedText, type DrawWording } from '../../services/draw-texts';
import type { WebContext } from '../context';
import { badRequest, conflict, HttpError, notFound, type HttpStatus } from '../errors';
import { officerOnly, requireViewer } from '../viewer';
import { b, parseBody, recordIdParam } from './body';
import { lookUpProfile } from './members';
import { drawView } from './views';

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

/** How the dashboard's draw refusals say where to start again (src/services/draw-texts.ts). */
const WORDING: DrawWording = { startAgain: 'start a new draw', shownOn: 'page', notFound: 'There is no such draw.' };

function startRefusal(refusal: StartRefusal, quality: string, linkType: string | undefined): HttpError {
  const reason = { reason: refusal.reason };
  switch (refusal.reason) {
    case 'no_stock':
      return conflict(`No ${quality}${linkType ? ` ${linkType}` : ''} links are in stock. Add some first. Nothing was drawn.`, reason);
    case 'list_not_found':
      return notFound('There is no such list. Nothing was drawn.', reason);
    case 'list_closed':
      return conflict('That list is closed. Pick an active list, or leave list empty. Nothing was drawn.', reason);
    case 'list_wrong_quality':
      return badRequest(`That list hands out ${refusal.list.quality} links, not ${quality}. Pick the ${quality} list or change the quality. Nothing was drawn.`, reason);
    case 'named_not_on_roster':
      return conflict('That member is not on the roster. Add them first. Nothing was drawn.', reason);
    case 'named_not_eligible':
      return conflict(`${refusal.member.username} cannot receive ${quality} links yet${refusal.member.join_date ? '' : ' (their join date is unreadable; set it with Add member)'}. Nothing was drawn.`, reason);
    case 'named_not_waiting':
      return conflict('That member is not waiting on that list. Add them to it, or leave list empty. Nothing was drawn.', reason);
    case 'nobody':
      return conflict(
        refusal.list
          ? `Nobody on list “${refusal.list.list_name}” can receive a ${quality} link right now (waiting members may be away or not eligible). Nothing was drawn.`
          : `Nobody on the roster can receive a ${quality} link right now (too new, or away). Nothing was drawn.`,
        reason,
      );
    case 'too_many_open':
      return conflict('Too many draws are open right now. Confirm or cancel some of them (they also end by themselves after 15 minutes). Nothing was drawn.', reason);
  }
}

export function drawsRoutes(app: FastifyInstance, ctx: WebContext): void {
  const view = (draw: Distribution) => drawView(ctx, draw);
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
    if (!result.ok) throw startRefusal(result, input.quality, linkType);
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
        throw await refused(result.reason === 'not_found' ? 404 : 409, drawRefusalText(result, result.draw, WORDING), result.reason, result.draw);
      case 'not_awarded':
        throw await refused(result.reason === 'busy' ? 503 : 409, notAwardedText(result.reason, WORDING), result.reason, result.draw);
      case 'unknown':
        throw await refused(503, 'The database did not answer in time, so it is not known yet whether the link was awarded. Press Confirm again in a moment: it finishes this award and never awards twice.', 'unknown', result.draw);
    }
  });

  app.post('/api/v1/draws/:id/reroll', { preHandler: officerOnly }, async (request) => {
    const id = recordIdParam(request.params);
    const { version } = parseBody(pressBody, request.body);
    const result = await ctx.services.draws.reroll(id, requireViewer(request).id, version, ORIGIN);
    if (!result.ok) throw await refused(result.reason === 'not_found' ? 404 : 409, drawRefusalText(result, result.draw, WORDING), result.reason, result.draw);
    return { draw: await view(result.draw) };
  });

  // Discord's Cancel carries no version (it ends the draw whoever it shows); a version sent is ignored likewise.
  app.post('/api/v1/draws/:id/cancel', { preHandler: officerOnly }, async (request) => {
    const id = recordIdParam(request.params);
    parseBody(cancelBody, request.body);
    const result = await ctx.services.draws.cancel(id, requireViewer(request).id, ORIGIN);
    if (!result.ok) throw await refused(result.reason === 'not_found' ? 404 : 409, drawRefusalText(result, result.draw, WORDING), result.reason, result.draw);
    return { draw: await view(result.draw) };
  });

}
