/**
 * /distribute — the Discord side of a draw: reads the options, asks the draws service, and shows
 * the record it returns. Confirm, Reroll, Cancel and Delivered carry only the record id (and the
 * version the message showed), so they keep working across restarts until the draw expires; a
 * change made elsewhere (the web, the expiry sweep) is followed onto the draw's message.
 */
import { InteractionContextType, Routes, SlashCommandBuilder, type AutocompleteInteraction, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { button, defineCommand, type BotContext, type Call, type Choice } from '../src/bot/command';
import { UserError } from '../src/bot/errors';
import { QUALITY_LABEL, safeText, userMention } from '../src/bot/format';
import { DRAW_POLICIES, isDrawPolicy } from '../src/domain/draw';
import { QUALITIES, type Quality } from '../src/domain/ranks';
import type { Distribution } from '../src/services/distributions';
import type { RecordChange } from '../src/services/changes';
import type { ChangeResult, StartRefusal } from '../src/services/draws';
import { drawRefusalText, notAwardedText, type DrawWording } from '../src/services/draw-texts';
import { notStanding } from './deliveries';
import { drawIds, drawMessage, pingingWinner } from './draw-view';
import { requireLinkType } from './inventory';
import { activeListChoices } from './list';
import { originOf, requireOptionId, requireQuality } from './shared';

const data = new SlashCommandBuilder()
  .setName('distribute')
  .setDescription('Draw a winner and hand out one link (officers)')
  .setContexts(InteractionContextType.Guild)
  .addStringOption((o) =>
    o
      .setName('quality')
      .setDescription('Quality of the link')
      .setRequired(true)
      .addChoices(...QUALITIES.map((q) => ({ name: QUALITY_LABEL[q], value: q }))),
  )
  .addStringOption((o) => o.setName('link_type').setDescription('Only this link type (default: the oldest link of that quality)').setAutocomplete(true).setMaxLength(100))
  .addUserOption((o) => o.setName('member').setDescription('Give it to this member instead of drawing'))
  .addStringOption((o) => o.setName('list').setDescription('Draw from this list (default: the active list for the quality)').setAutocomplete(true).setMaxLength(100))
  .addStringOption((o) =>
    o
      .setName('policy')
      .setDescription('How the winner is drawn (default: DRAW_POLICY)')
      .addChoices({ name: 'uniform: everyone equally', value: 'uniform' }, { name: 'fewest: fewest links first', value: 'fewest' }, { name: 'longest: longest wait first', value: 'longest' }),
  );


/** How this view's draw refusals say where to start again (src/services/draw-texts.ts). */
const WORDING: DrawWording = { startAgain: 'run /distribute again', shownOn: 'message', notFound: 'This draw no longer exists. Run /distribute again.' };

function startRefusal(refusal: StartRefusal, quality: Quality, linkType: string | undefined): string {
  switch (refusal.reason) {
    case 'no_stock':
      return `No ${quality}${linkType ? ` ${safeText(linkType)}` : ''} links are in stock. Add some with /inventory add, or check /inventory list.`;
    case 'list_not_found':
      return 'There is no such list. Pick one from the suggestions, or see them all with /list show.';
    case 'list_closed':
      return 'That list is closed. Pick an active list, or leave `list` empty.';
    case 'list_wrong_quality':
      return `That list hands out ${refusal.list.quality} links, not ${quality}. Pick the ${quality} list or change the quality.`;
    case 'named_not_on_roster':
      return 'That member is not on the roster. An officer can add them with /member add.';
    case 'named_not_eligible':
      return `${userMention(refusal.member.discord_id)} cannot receive ${quality} links yet${refusal.member.join_date ? '' : ' (their join date is unreadable; re-add them with /member add)'}.`;
    case 'named_not_waiting':
      return 'That member is not waiting on that list. Add them with /list add, or leave `list` empty.';
    case 'nobody':
      return refusal.list
        ? `Nobody on list “${safeText(refusal.list.list_name, 60)}” can receive a ${quality} link right now (waiting members may be away or not eligible). Add members with /list add.`
        : `Nobody on the roster can receive a ${quality} link right now (too new, or away).`;
    case 'too_many_open':
      return 'Too many draws are open right now. Confirm or Cancel some of them (they also end by themselves after 15 minutes), then run /distribute again.';
  }
}

async function execute({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const quality = requireQuality(interaction.options.getString('quality', true));
  const typeText = interaction.options.getString('link_type');
  const linkType = typeText ? requireLinkType(typeText).name : undefined;
  const policyText = interaction.options.getString('policy');
  if (policyText !== null && !isDrawPolicy(policyText)) throw new UserError(`\`policy\` must be one of ${DRAW_POLICIES.join(', ')}.`);
  const named = interaction.options.getUser('member');
  if (named && !interaction.options.getMember('member')) throw new UserError(`${userMention(named.id)} is not a member of this server.`);
  // An empty list is the same as none (the active list); anything else must be a list id.
  const listText = interaction.options.getString('list')?.trim();
  const listId = listText ? requireOptionId(listText, 'list', 'Pick one from the suggestions, or leave it empty.') : undefined;

  const result = await ctx.services.draws.start(
    { quality, linkType, memberId: named?.id, listId, policy: policyText ?? undefined, by: interaction.user.id, method: 'discord' },
    originOf(interaction),
  );
  if (!result.ok) throw new UserError(startRefusal(result, quality, linkType));
  const sent = await respond.send(pingingWinner(await drawMessage(ctx, result.draw), result.draw));
  // Where the draw's message is, so changes made elsewhere (the web, the sweep) follow onto it.
  if (sent) await ctx.services.draws.setMessage(result.draw.distribution_id, sent.channelId, sent.messageId).catch((error) => ctx.logger.warn({ err: error }, 'could not record where a draw message is'));
}

/**
 * Says, ephemerally, why the press changed nothing. The message itself already shows the draw as
 * it is (every change edits it), except when this press found it overdue: then the draws service
 * marks it expired and the follower edits the message.
 */
function refuse(result: Extract<ChangeResult, { ok: false }>): never {
  throw new UserError(drawRefusalText(result, result.draw, WORDING));
}

async function confirm(call: Call<ButtonInteraction>, { draw: id, version }: { draw: string; version: number }) {
  const { ctx, respond, interaction } = call;
  const result = await ctx.services.draws.confirm(id, interaction.user.id, version, originOf(interaction));
  switch (result.outcome) {
    case 'awarded':
      return void (await respond.send(await drawMessage(ctx, result.draw)));
    case 'refused':
      return refuse({ ok: false, ...result });
    case 'not_awarded':
      throw new UserError(notAwardedText(result.reason, WORDING));
    case 'unknown':
      if (result.draw) await respond.send(await drawMessage(ctx, result.draw));
      throw new UserError('The database did not answer in time, so it is not known yet whether the link was awarded. Press Confirm again in a moment: it finishes this award and never awards twice.');
  }
}

async function reroll(call: Call<ButtonInteraction>, { draw: id, version }: { draw: string; version: number }) {
  const result = await call.ctx.services.draws.reroll(id, call.interaction.user.id, version, originOf(call.interaction));
  if (!result.ok) return refuse(result);
  // The rerolled winner is on the record already; the new one is shown and pinged.
  await call.respond.send(pingingWinner(await drawMessage(call.ctx, result.draw), result.draw));
}

async function cancel(call: Call<ButtonInteraction>, { draw: id }: { draw: string }) {
  const result = await call.ctx.services.draws.cancel(id, call.interaction.user.id, originOf(call.interaction));
  if (!result.ok) return refuse(result);
  await call.respond.send(await drawMessage(call.ctx, result.draw));
}

/** Delivered: an officer, or the winner saying they received it; once. */
async function delivered(call: Call<ButtonInteraction>, { draw: id }: { draw: string }) {
  const { ctx, respond, interaction } = call;
  const result = await ctx.services.guild.markDelivered({ distributionId: id, by: interaction.user.id, isOfficer: call.isOfficer, origin: originOf(interaction) });
  if (!result.ok) {
    if (result.reason === 'not_found') throw new UserError('That award no longer exists. Nothing was changed.');
    if (result.reason === 'not_allowed') throw new UserError('Only an officer, or the member who won it, can mark this award delivered.');
    throw new UserError(
      result.reason === 'already_delivered'
        ? `This award was already marked delivered${result.distribution?.delivered_by ? ` by ${userMention(result.distribution.delivered_by)}` : ''}. Nothing was changed.`
        : notStanding(result.distribution),
    );
  }
  await respond.send(await drawMessage(ctx, result.distribution));
}

async function stockTypeChoices(interaction: AutocompleteInteraction, ctx: BotContext, signal: AbortSignal): Promise<Choice[]> {
  const focused = String(interaction.options.getFocused()).toLowerCase();
  // Only types in stock, for the chosen quality when it is known.
  const quality = interaction.options.getString('quality');
  // One page of the availability index (up to 1 MB: thousands of links) per keystroke.
  const stock = await ctx.services.inventory.stock(quality && QUALITIES.includes(quality as Quality) ? { quality: quality as Quality } : {}, { signal, maxPages: 1 });
  const seen = new Set<string>();
  return stock
    .filter((s) => s.link_type.toLowerCase().includes(focused) && !seen.has(s.link_type) && seen.add(s.link_type))
    .map((s) => ({ name: `${s.link_type} (${s.count} ${s.quality})`.slice(0, 100), value: s.link_type.slice(0, 100) }));
}

// ---- following changes made elsewhere ----------------------------------------------------------

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

/**
 * Keeps each draw's Discord message a view of its record when the change came from elsewhere:
 * the web dashboard, the expiry sweep, or a draw started on the web (posted in the announcement
 * channel so it can be confirmed in Discord too). A press answers with its own message update.
 */
async function follow(ctx: BotContext, record: Distribution, change: RecordChange, origin: string) {
  if (change === 'confirmed') return followAward(ctx, record, origin);
  if (change === 'started') {
    // Only a draw started on the web needs a message here; /distribute answers with its own.
    const channel = ctx.config.discord.announceChannelId;
    if (origin !== 'web' || !channel) return;
    const view = await drawMessage(ctx, record);
    const message = (await ctx.client.rest.post(Routes.channelMessages(channel), {
      body: { content: view.content, embeds: view.embeds, components: view.components, allowed_mentions: { parse: [], users: record.winner_id ? [record.winner_id] : [] } },
    })) as { id: string };
    await ctx.services.draws.setMessage(record.distribution_id, channel, message.id);
    return;
  }
  await editMessage(ctx, record, change, origin);
}

/**
 * An award's announcement is part of its record: claimed on it (once, across presses, processes
 * and the sweep), then the channel post (if one is set) and the draw's message edit, then marked
 * announced. A failure gives the claim back, and the sweep announces it on its next run.
 */
async function followAward(ctx: BotContext, record: Distribution, origin: string) {
  if (!(await ctx.services.draws.claimAnnouncement(record.distribution_id))) return;
  try {
    await announce(ctx, record);
    await editMessage(ctx, record, 'confirmed', origin);
    await ctx.services.draws.announced(record);
  } catch (error) {
    await ctx.services.draws.announceFailed(record.distribution_id).catch(() => undefined);
    throw error;
  }
}

async function editMessage(ctx: BotContext, record: Distribution, change: RecordChange, origin: string) {
  // A change made elsewhere may come before the draw's message was recorded: read it once more.
  const draw = record.message_id ? record : ((await ctx.services.distributions.get(record.distribution_id, true)) ?? record);
  // A press updates its own message; the follower edits the draw's message for everyone else.
  if (!draw.channel_id || !draw.message_id || origin === `discord:${draw.message_id}`) return;
  const view = await drawMessage(ctx, draw);
  const body = { content: view.content, embeds: view.embeds, components: view.components, allowed_mentions: { parse: [] } };
  await ctx.client.rest.patch(Routes.channelMessage(draw.channel_id, draw.message_id), { body });
  // An edit never pings: a new winner is told in a message of its own.
  if (change === 'rerolled' && draw.winner_id) {
    await ctx.client.rest.post(Routes.channelMessages(draw.channel_id), {
      body: { content: `${userMention(draw.winner_id)} has been drawn for a ${draw.quality} link (rerolled).`, allowed_mentions: { parse: [], users: [draw.winner_id] } },
    });
  }
}

export default defineCommand({
  data,
  subcommands: { '': { access: 'officer', ephemeral: false, run: execute } },
  components: [
    button(drawIds.confirm, { access: 'officer', run: confirm }),
    button(drawIds.reroll, { access: 'officer', run: reroll }),
    button(drawIds.cancel, { access: 'officer', run: cancel }),
    // The winner may press it too: checked in the handler.
    button(drawIds.delivered, { access: 'anyone', run: delivered }),
  ],
  autocomplete: {
    '/link_type': { access: 'officer', run: stockTypeChoices },
    '/list': { access: 'officer', run: activeListChoices },
  },
  attach: (ctx) =>
    ctx.services.draws.onChange((draw, change, origin) => {
      void follow(ctx, draw, change, origin).catch((error) => ctx.logger.warn({ err: error, draw: draw.distribution_id, change }, 'could not update a draw message'));
    }),
});
