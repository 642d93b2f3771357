/**
 * The bot's side of a draw beyond the commands: making a draw's view (with the one read it needs,
 * the open draw's winner), and following changes made elsewhere (the web dashboard, the expiry
 * sweep, a draw started on the web) onto the draw's Discord message and the announcement channel.
 * A press answers with its own message update; the follower edits the message for everyone else.
 */
import { Routes } from 'discord.js';
import type { Distribution } from '../services/distribution-record';
import type { RecordChange } from '../services/changes';
import { poolOf, presentDraw, type DrawFacts } from '../views/draw';
import type { BotContext } from './command';
import { drawMessage } from './draw-message';
import { safeText, userMention } from './format';
import type { Answer } from './responder';

/**
 * A draw as Discord shows it. Only an open draw shows its winner's standing, so only then is the
 * winner's member item read (as it is now). A draw being confirmed, or ended, is shown from its
 * record alone: after a Confirm nothing more is read (when its outcome is unknown, the database
 * may not be answering).
 */
export async function drawFacts(ctx: BotContext, draw: Distribution): Promise<DrawFacts> {
  const winner = draw.status === 'drawn' && !draw.confirm && draw.winner_id ? ((await ctx.services.roster.get(draw.winner_id)) ?? null) : undefined;
  return presentDraw(
    { draw, pool: poolOf(draw), winner },
    { ranks: ctx.config.ranks, today: ctx.today(), fairnessWindowDays: ctx.config.draws.fairnessWindowDays },
  );
}

/** The whole message for a draw, made as drawFacts says. */
export async function drawAnswer(ctx: BotContext, draw: Distribution): Promise<Answer> {
  return drawMessage(await drawFacts(ctx, draw));
}

/**
 * Records where a draw's message is. A change made before that (a press on the web, the expiry
 * sweep) found no message to edit: when the record has moved on from what the message shows, the
 * message is edited to show it now.
 */
export async function placeDrawMessage(ctx: BotContext, shown: Distribution, channelId: string, messageId: string): Promise<void> {
  const now = await ctx.services.draws.setMessage(shown.distribution_id, channelId, messageId);
  if (now.version === shown.version) return;
  // Still open with another version: rerolled elsewhere (the new winner is pinged); else ended.
  const change: RecordChange = now.status === 'drawn' ? 'rerolled' : (['confirmed', 'cancelled', 'expired', 'reverted'] as const).find((s) => s === now.status) ?? 'expired';
  await editMessage(ctx, now, change, 'follower');
}

/** Posts an award in the announcement channel, if one is set. */
async function announce(ctx: BotContext, d: Distribution) {
  const channel = ctx.config.discord.announceChannelId;
  if (!channel || !d.member_id) return;
  await ctx.client.rest.post(Routes.channelMessages(channel), {
    body: {
      content: `🎉 ${userMention(d.member_id)} received a ${d.quality} link: ${safeText(d.link_type)}${d.bonus ? ` (+${safeText(d.bonus, 20)})` : ''}.`,
      allowed_mentions: { parse: [], users: [d.member_id] },
    },
  });
}

/** Keeps each draw's Discord message a view of its record when the change came from elsewhere. */
async function follow(ctx: BotContext, record: Distribution, change: RecordChange, origin: string) {
  if (change === 'confirmed') return followAward(ctx, record, origin);
  if (change === 'started') {
    // Only a draw started on the web needs a message here; /distribute answers with its own.
    const channel = ctx.config.discord.announceChannelId;
    if (origin !== 'web' || !channel) return;
    const view = await drawAnswer(ctx, record);
    const message = (await ctx.client.rest.post(Routes.channelMessages(channel), {
      body: { content: view.content, embeds: view.embeds, components: view.components, allowed_mentions: { parse: [], users: record.winner_id ? [record.winner_id] : [] } },
    })) as { id: string };
    await placeDrawMessage(ctx, record, channel, message.id);
    return;
  }
  await editMessage(ctx, record, change, origin);
}

/**
 * An award's announcement is part of its record: claimed on it (once, across presses, processes
 * and the expiry sweep), then the channel post (if one is set) and the draw's message edit, then
 * marked announced. A post that fails gives the claim back, and the sweep announces it on its next
 * run; once posted it is done, even if the draw's message can no longer be edited.
 */
async function followAward(ctx: BotContext, record: Distribution, origin: string) {
  if (!(await ctx.services.draws.claimAnnouncement(record.distribution_id))) return;
  try {
    await announce(ctx, record);
  } catch (error) {
    // Nothing was posted: the claim goes back, and the sweep tries again.
    await ctx.services.draws.announceFailed(record.distribution_id).catch(() => undefined);
    throw error;
  }
  // Posted: from here the award is announced, whatever happens to the draw's message (deleted,
  // no access), so the channel never gets the same announcement twice.
  await editMessage(ctx, record, 'confirmed', origin).catch((error) => ctx.logger.warn({ err: error, draw: record.distribution_id }, 'could not edit the draw message of an award'));
  await ctx.services.draws.announced(record);
}

/** Edits the draw's message to show its record (a press updates its own message itself). */
async function editMessage(ctx: BotContext, record: Distribution, change: RecordChange, origin: string) {
  // A change made elsewhere may come before the draw's message was recorded: read it once more.
  const draw = record.message_id ? record : ((await ctx.services.distributions.get(record.distribution_id, true)) ?? record);
  if (!draw.channel_id || !draw.message_id || origin === `discord:${draw.message_id}`) return;
  const view = await drawAnswer(ctx, draw);
  const body = { content: view.content, embeds: view.embeds, components: view.components, allowed_mentions: { parse: [] } };
  await ctx.client.rest.patch(Routes.channelMessage(draw.channel_id, draw.message_id), { body });
  // An edit never pings: a new winner is told in a message of its own.
  if (change === 'rerolled' && draw.winner_id) {
    await ctx.client.rest.post(Routes.channelMessages(draw.channel_id), {
      body: { content: `${userMention(draw.winner_id)} has been drawn for a ${draw.quality} link (rerolled).`, allowed_mentions: { parse: [], users: [draw.winner_id] } },
    });
  }
}

/** Follows every draw change onto Discord. Returns how to stop. */
export function followDraws(ctx: BotContext): () => void {
  return ctx.services.draws.onChange((draw, change, origin) => {
    void follow(ctx, draw, change, origin).catch((error) => ctx.logger.warn({ err: error, draw: draw.distribution_id, change }, 'could not update a draw message'));
  });
}
