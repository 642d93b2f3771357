/**
 * /distribute — the Discord side of a draw: reads the options, asks the draws service, and shows
 * the record it returns (src/bot/draw-message.ts). Confirm, Reroll, Cancel and Delivered carry only
 * the record id (and the version the message showed), so they keep working across restarts until
 * the draw expires. Changes made elsewhere are followed onto the message by src/bot/draws.ts.
 */
import { InteractionContextType, SlashCommandBuilder, type AutocompleteInteraction, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { button, defineCommand, type BotContext, type Call, type Choice } from '../src/bot/command';
import { drawIds, DISCORD_WORDING, drawMessage, pingingWinner } from '../src/bot/draw-message';
import { drawAnswer, drawFacts, placeDrawMessage } from '../src/bot/draws';
import { UserError } from '../src/bot/errors';
import { QUALITY_LABEL, userMention } from '../src/bot/format';
import { DRAW_POLICIES, isDrawPolicy } from '../src/domain/draw';
import { QUALITIES, type Quality } from '../src/domain/ranks';
import type { ChangeResult } from '../src/services/draw-types';
import { poolOf } from '../src/views/draw';
import { drawRefusalText, notAwardedText, startRefusalText, UNKNOWN_OUTCOME } from '../src/views/draw-texts';
import { notStanding } from './deliveries';
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
  if (!result.ok) throw new UserError(startRefusalText(result, quality, linkType, DISCORD_WORDING));
  const facts = await drawFacts(ctx, result.draw);
  const sent = await respond.send(pingingWinner(drawMessage(facts), facts));
  // Where the draw's message is, so changes made elsewhere (the web, the sweep) follow onto it.
  if (sent) await placeDrawMessage(ctx, result.draw, sent.channelId, sent.messageId).catch((error) => ctx.logger.warn({ err: error }, 'could not record where a draw message is'));
}

/**
 * Says, ephemerally, why the press changed nothing. The message itself already shows the draw as
 * it is (every change edits it), except when this press found it overdue: then the draws service
 * marks it expired and the follower edits the message.
 */
function refuse(result: Extract<ChangeResult, { ok: false }>): never {
  throw new UserError(drawRefusalText(result, result.draw && poolOf(result.draw).size, DISCORD_WORDING));
}

async function confirm(call: Call<ButtonInteraction>, { draw: id, version }: { draw: string; version: number }) {
  const { ctx, respond, interaction } = call;
  const result = await ctx.services.draws.confirm(id, interaction.user.id, version, originOf(interaction));
  switch (result.outcome) {
    case 'awarded':
      return void (await respond.send(await drawAnswer(ctx, result.draw)));
    case 'refused':
      return refuse({ ok: false, ...result });
    case 'not_awarded':
      throw new UserError(notAwardedText(result.reason, DISCORD_WORDING));
    case 'unknown':
      if (result.draw) await respond.send(await drawAnswer(ctx, result.draw));
      throw new UserError(UNKNOWN_OUTCOME);
  }
}

async function reroll(call: Call<ButtonInteraction>, { draw: id, version }: { draw: string; version: number }) {
  const result = await call.ctx.services.draws.reroll(id, call.interaction.user.id, version, originOf(call.interaction));
  if (!result.ok) return refuse(result);
  // The rerolled winner is on the record already; the new one is shown and pinged.
  const facts = await drawFacts(call.ctx, result.draw);
  await call.respond.send(pingingWinner(drawMessage(facts), facts));
}

async function cancel(call: Call<ButtonInteraction>, { draw: id }: { draw: string }) {
  const result = await call.ctx.services.draws.cancel(id, call.interaction.user.id, originOf(call.interaction));
  if (!result.ok) return refuse(result);
  await call.respond.send(await drawAnswer(call.ctx, result.draw));
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
  await respond.send(await drawAnswer(ctx, result.distribution));
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

export default defineCommand({
  data,
  subcommands: { '': { access: 'officer', ephemeral: false, work: 'roster', run: execute } },
  components: [
    button(drawIds.confirm, { access: 'officer', work: 'transaction', run: confirm }),
    button(drawIds.reroll, { access: 'officer', work: 'transaction', run: reroll }),
    button(drawIds.cancel, { access: 'officer', work: 'transaction', run: cancel }),
    // The winner may press it too: checked in the handler.
    button(drawIds.delivered, { access: 'anyone', work: 'transaction', run: delivered }),
  ],
  autocomplete: {
    '/link_type': { access: 'officer', run: stockTypeChoices },
    '/list': { access: 'officer', run: activeListChoices },
  },
});
