/**
 * After an award: revert it (officers, /revert), mark it delivered in game (an officer, or the
 * winner for their own award, as Discord's Delivered button), and the awards not yet delivered
 * (officers, /deliveries). The revert reads the record again itself: whatever changed since the
 * page was drawn decides.
 */
import type { FastifyInstance } from 'fastify';
import type { RevertFailure } from '../../services/awards';
import type { WebContext } from '../context';
import { conflict, forbidden, HttpError, notFound, unavailable } from '../errors';
import { officerOnly, requireViewer } from '../viewer';
import { recordIdParam } from './body';
import { historyEntry } from './history-entry';

const REVERT_FAILURE: Record<RevertFailure, () => HttpError> = {
  not_found: () => notFound('There is no such distribution. Nothing was changed.', { reason: 'not_found' }),
  not_an_award: () => conflict('That record is not a standing award (it is a draw that was cancelled, expired or is still open), so there is nothing to revert.', { reason: 'not_an_award' }),
  already_reverted: () => conflict('That distribution has already been reverted. Nothing was changed.', { reason: 'already_reverted' }),
  link_changed: () => conflict('Its link is no longer held by this distribution (it was handed out again or changed), so it cannot be reverted automatically. Nothing was changed.', { reason: 'link_changed' }),
  busy: () => unavailable('The database is busy. Nothing was changed; try again.', { reason: 'busy' }),
};

export function awardsRoutes(app: FastifyInstance, ctx: WebContext): void {
  app.post('/api/v1/distributions/:id/revert', { preHandler: officerOnly }, async (request) => {
    const result = await ctx.services.awards.revertDistribution(recordIdParam(request.params), requireViewer(request).id, 'web');
    if (!result.ok) throw REVERT_FAILURE[result.reason]();
    return { distribution: historyEntry(result.distribution), link_restored: result.linkRestored, list_place_restored: result.listPlaceRestored };
  });

  // Not officer-only: the winner may say they received it; GuildService decides who may.
  app.post('/api/v1/distributions/:id/delivered', async (request) => {
    const viewer = requireViewer(request);
    const result = await ctx.services.guild.markDelivered({ distributionId: recordIdParam(request.params), by: viewer.id, isOfficer: () => viewer.isOfficer(), origin: 'web' });
    if (result.ok) return { distribution: historyEntry(result.distribution) };
    const reason = { reason: result.reason };
    switch (result.reason) {
      case 'not_found':
        throw notFound('There is no such award. Nothing was changed.', reason);
      case 'not_allowed':
        throw forbidden('Only an officer, or the member who won it, can mark this award delivered. Nothing was changed.', reason);
      case 'already_delivered':
        throw conflict('This award was already marked delivered. Nothing was changed.', { ...reason, distribution: result.distribution ? historyEntry(result.distribution) : null });
      case 'not_an_award':
        throw conflict('This award is no longer standing (it was reverted). Nothing was changed.', reason);
    }
  });

  app.get('/api/v1/deliveries', { preHandler: officerOnly }, async () => ({ items: (await ctx.services.awards.undelivered()).map(historyEntry) }));
}
