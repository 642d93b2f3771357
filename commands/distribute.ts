/**
 * /distribute — draw a winner for one link and let officers Confirm, Reroll or Cancel.
 * The draw is public; Confirm runs the award transaction and leaves the message in its final state.
 */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  InteractionContextType,
  Routes,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import { button, defineCommand, type BotContext, type Call, type Choice } from '../src/bot/command';
import { actionId, arg } from '../src/bot/custom-ids';
import type { Draft } from '../src/bot/drafts';
import { UserError } from '../src/bot/errors';
import { COLOURS, QUALITY_COLOURS, QUALITY_LABEL, plural, safeText, userMention } from '../src/bot/format';
import { drawWinner } from '../src/domain/draw';
import { isAway, isEligible, QUALITIES, type Quality } from '../src/domain/ranks';
import type { AwardFailure } from '../src/services/awards';
import type { Distribution } from '../src/services/distributions';
import type { DistributionList } from '../src/services/lists';
import { requireLinkType } from './inventory';
import { activeListChoices, requireList } from './list';
import { requireMember, requireQuality, standing } from './shared';

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
  .addStringOption((o) => o.setName('list').setDescription('Draw from this list (default: the active list for the quality)').setAutocomplete(true).setMaxLength(100));

const draftArgs = { draft: arg.pattern(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) };
const ids = {
  confirm: actionId<{ draft: string }>('distribute', 'confirm', draftArgs),
  reroll: actionId<{ draft: string }>('distribute', 'reroll', draftArgs),
  cancel: actionId<{ draft: string }>('distribute', 'cancel', draftArgs),
};

interface Pool {
  ids: string[];
  list?: DistributionList;
  source: string;
}

async function buildPool(ctx: BotContext, quality: Quality, listOption: string | null): Promise<Pool> {
  let list: DistributionList | undefined;
  if (listOption) {
    list = await requireList(ctx, listOption);
    if (list.is_active !== 'true') throw new UserError('That list is closed. Pick an active list, or leave `list` empty.');
    if (list.quality !== quality) throw new UserError(`That list hands out ${list.quality} links, not ${quality}. Pick the ${quality} list or change the quality.`);
  } else {
    list = await ctx.services.lists.findActive(quality);
  }
  const today = ctx.today();
  const roster = await ctx.services.members.listAll();
  const canWin = new Set(roster.filter((m) => isEligible(m, quality, ctx.config.ranks, today) && !isAway(m, today)).map((m) => m.discord_id));
  if (list) {
    return { ids: list.eligible_members.filter((id) => canWin.has(id)), list, source: `list “${safeText(list.list_name, 60)}”` };
  }
  return { ids: [...canWin], source: `every member eligible for ${quality}` };
}

function draftEmbed(ctx: BotContext, draft: Draft, source: string) {
  const winner = draft.drawn[draft.drawn.length - 1];
  const rerolled = draft.drawn.slice(0, -1);
  const embed = new EmbedBuilder()
    .setColor(QUALITY_COLOURS[draft.quality])
    .setTitle(draft.named ? `${QUALITY_LABEL[draft.quality]} link for a named member` : `🎲 ${QUALITY_LABEL[draft.quality]} link draw`)
    .setDescription(`Winner: ${userMention(winner)}`)
    .addFields(
      { name: 'Link type', value: safeText(draft.link.link_type), inline: true },
      { name: 'Quality', value: QUALITY_LABEL[draft.quality], inline: true },
      { name: 'Bonus', value: `+${draft.link.bonus}`, inline: true },
      { name: 'Pool size', value: String(draft.pool.length), inline: true },
      { name: 'Drawn from', value: source, inline: true },
    )
    .setFooter({ text: `An officer confirms, rerolls or cancels · expires in ${Math.round(ctx.drafts.ttlMs / 60000)} minutes` });
  if (rerolled.length) embed.addFields({ name: 'Rerolled', value: rerolled.map(userMention).join(' ') });
  return embed;
}

function draftButtons(draft: Draft) {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(ids.confirm.build({ draft: draft.id })).setLabel('Confirm').setStyle(ButtonStyle.Success),
    new ButtonBuilder().setCustomId(ids.reroll.build({ draft: draft.id })).setLabel('Reroll').setStyle(ButtonStyle.Primary).setDisabled(draft.named && draft.pool.length <= 1),
    new ButtonBuilder().setCustomId(ids.cancel.build({ draft: draft.id })).setLabel('Cancel').setStyle(ButtonStyle.Danger),
  );
}

/** Where a draft came from, shown on its message (kept beside the draft, not in it). */
const sources = new Map<string, string>();

async function execute({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const quality = requireQuality(interaction.options.getString('quality', true));
  const typeText = interaction.options.getString('link_type');
  const linkType = typeText ? requireLinkType(typeText).name : undefined;
  const named = interaction.options.getUser('member');
  const listOption = interaction.options.getString('list');

  const link = await ctx.services.inventory.oldestAvailable(quality, linkType);
  if (!link) {
    throw new UserError(`No ${quality}${linkType ? ` ${safeText(linkType)}` : ''} links are in stock. Add some with /inventory add, or check /inventory list.`);
  }
  const pool = await buildPool(ctx, quality, listOption);

  let winner: string | null;
  let listId = pool.list?.list_id;
  if (named) {
    const member = await requireMember(ctx, named.id);
    const s = standing(ctx, member);
    if (!s.eligibleFor.includes(quality)) throw new UserError(`${userMention(named.id)} is a ${s.rank} and cannot receive ${quality} links yet.`);
    const waiting = pool.list?.eligible_members.includes(named.id) ?? false;
    if (listOption && !waiting) throw new UserError(`${userMention(named.id)} is not waiting on that list. Add them with /list add, or leave \`list\` empty.`);
    // Named outside the active list: the award does not touch the list.
    if (!waiting) listId = undefined;
    winner = named.id;
    if (!pool.ids.includes(named.id)) pool.ids.push(named.id);
  } else {
    winner = drawWinner(pool.ids);
    if (!winner) {
      throw new UserError(
        pool.list
          ? `Nobody on ${pool.source} can receive a ${quality} link right now (waiting members may be away or not eligible). Add members with /list add.`
          : `Nobody on the roster can receive a ${quality} link right now (too new, or away).`,
      );
    }
  }

  const draft = ctx.drafts.create({
    quality,
    link,
    pool: pool.ids,
    drawn: [winner],
    listId,
    named: Boolean(named),
    createdBy: interaction.user.id,
  });
  const source = named ? 'named by an officer' : pool.source;
  sources.set(draft.id, source);
  await respond.send({
    content: `${userMention(winner)} has been drawn for a ${quality} link.`,
    embeds: [draftEmbed(ctx, draft, source)],
    components: [draftButtons(draft)],
    pingUsers: [winner],
  });
  // Take the buttons away when the draft expires (the interaction token outlives it by seconds).
  ctx.drafts.onExpire(draft.id, () => {
    sources.delete(draft.id);
    void interaction
      .editReply({
        content: 'This draw expired; nobody was awarded. Run /distribute again.',
        embeds: [draftEmbed(ctx, draft, source).setColor(COLOURS.muted).setFooter({ text: 'Expired' })],
        components: [],
        allowedMentions: { parse: [] },
      })
      .catch((error) => ctx.logger.debug({ err: error }, 'could not mark an expired draft'));
  });
}

const FAILURE_TEXT: Record<AwardFailure, string> = {
  link_gone: 'The link was handed out or removed meanwhile. Nothing was written; run /distribute again.',
  winner_served: 'The winner has already been served from this list. Nothing was written; Reroll or Cancel.',
  list_closed: 'The list was closed meanwhile. Nothing was written; run /distribute again.',
  member_removed: 'The winner has left the roster. Nothing was written; Reroll or Cancel.',
  busy: 'The database is busy. Nothing was written; press Confirm again.',
};

async function confirm(call: Call<ButtonInteraction>, draft: Draft) {
  const { ctx, respond, interaction } = call;
  if (draft.state === 'confirming') throw new UserError('Another officer is confirming this draw right now.');
  // Claimed before any await: a second press in this process sees 'confirming'.
  draft.state = 'confirming';
  draft.awardAt ??= ctx.clock.now();
  const winnerId = draft.drawn[draft.drawn.length - 1];
  let outcome: 'awarded' | 'ended' | 'open' = 'open';
  try {
    const member = await ctx.services.members.get(winnerId, true);
    if (!member) throw new UserError(FAILURE_TEXT.member_removed);
    const result = await ctx.services.awards.awardLink({
      draftId: draft.id,
      link: draft.link,
      winner: member,
      listId: draft.listId,
      poolSize: draft.pool.length,
      drawnBefore: draft.drawn.slice(0, -1),
      distributedBy: interaction.user.id,
      at: draft.awardAt,
    });
    if (!result.ok) {
      if (result.reason === 'link_gone' || result.reason === 'list_closed') {
        outcome = 'ended';
        return respond.send({
          content: `Not awarded: ${FAILURE_TEXT[result.reason]}`,
          embeds: [draftEmbed(ctx, draft, sources.get(draft.id) ?? '').setColor(COLOURS.danger).setFooter({ text: 'Not awarded' })],
          components: [],
        });
      }
      throw new UserError(FAILURE_TEXT[result.reason]);
    }
    outcome = 'awarded';
    await respond.send({
      content: `${userMention(winnerId)} receives a ${draft.quality} link.`,
      embeds: [awardEmbed(result.distribution, interaction.user.id)],
      components: [],
    });
    await announce(ctx, result.distribution);
  } finally {
    if (outcome === 'open') draft.state = 'open';
    else {
      draft.state = outcome === 'awarded' ? 'awarded' : 'cancelled';
      ctx.drafts.finish(draft.id);
      sources.delete(draft.id);
    }
  }
}

function awardEmbed(d: Distribution, confirmedBy: string) {
  return new EmbedBuilder()
    .setColor(QUALITY_COLOURS[d.quality])
    .setTitle(`✅ ${QUALITY_LABEL[d.quality]} link awarded`)
    .setDescription(`${userMention(d.member_id)} receives **${safeText(d.link_type)}** (+${d.bonus}).`)
    .addFields(
      { name: 'Pool size', value: String(d.pool_size), inline: true },
      { name: 'Rerolls', value: String(d.drawn_before.length), inline: true },
      { name: 'Confirmed by', value: userMention(confirmedBy), inline: true },
    )
    .setFooter({ text: `Distribution ${d.distribution_id}` })
    .setTimestamp(new Date(d.distributed_at));
}

async function announce(ctx: BotContext, d: Distribution) {
  const channel = ctx.config.discord.announceChannelId;
  if (!channel) return;
  try {
    await ctx.client.rest.post(Routes.channelMessages(channel), {
      body: {
        content: `🎉 ${userMention(d.member_id)} received a ${d.quality} link: ${safeText(d.link_type)} (+${d.bonus}).`,
        allowed_mentions: { parse: [], users: [d.member_id] },
      },
    });
  } catch (error) {
    // The award stands; a missing announcement is worth a warning, not a failure.
    ctx.logger.warn({ err: error, channel }, 'could not announce a distribution');
  }
}

async function reroll({ ctx, respond }: Call<ButtonInteraction>, draft: Draft) {
  if (draft.state !== 'open') throw new UserError('This draw is being confirmed; wait a moment.');
  const next = drawWinner(draft.pool, draft.drawn);
  if (!next) throw new UserError(`Everyone in the pool (${plural(draft.pool.length, 'member')}) has been drawn. Confirm the current winner or Cancel.`);
  draft.drawn.push(next);
  await respond.send({
    content: `${userMention(next)} has been drawn for a ${draft.quality} link.`,
    embeds: [draftEmbed(ctx, draft, sources.get(draft.id) ?? '')],
    components: [draftButtons(draft)],
  });
}

async function cancel({ ctx, respond, interaction }: Call<ButtonInteraction>, draft: Draft) {
  if (draft.state !== 'open') throw new UserError('This draw is being confirmed; it can no longer be cancelled.');
  draft.state = 'cancelled';
  ctx.drafts.finish(draft.id);
  const source = sources.get(draft.id) ?? '';
  sources.delete(draft.id);
  await respond.send({
    content: `Draw cancelled by ${userMention(interaction.user.id)}; nobody was awarded.`,
    embeds: [draftEmbed(ctx, draft, source).setColor(COLOURS.muted).setFooter({ text: 'Cancelled' })],
    components: [],
  });
}

/** The draft a button names, if it is still open; a press on anything else changes nothing. */
function withDraft(run: (call: Call<ButtonInteraction>, draft: Draft) => Promise<void>) {
  return async (call: Call<ButtonInteraction>, { draft: id }: { draft: string }) => {
    const draft = call.ctx.drafts.get(id);
    if (!draft) throw new UserError('This draw has expired (draws last 15 minutes and end when the bot restarts). Run /distribute again.');
    return run(call, draft);
  };
}

async function stockTypeChoices(interaction: AutocompleteInteraction, ctx: BotContext, signal: AbortSignal): Promise<Choice[]> {
  const focused = interaction.options.getFocused(true);
  // Only types in stock, for the chosen quality when it is known.
  const quality = interaction.options.getString('quality');
  const stock = await ctx.services.inventory.stock(quality && QUALITIES.includes(quality as Quality) ? { quality: quality as Quality } : {}, { signal });
  const query = String(focused.value).toLowerCase();
  const seen = new Set<string>();
  return stock
    .filter((s) => s.link_type.toLowerCase().includes(query) && !seen.has(s.link_type) && seen.add(s.link_type))
    .map((s) => ({ name: `${s.link_type} (${s.count} ${s.quality})`.slice(0, 100), value: s.link_type }));
}

export default defineCommand({
  data,
  subcommands: { '': { access: 'officer', ephemeral: false, run: execute } },
  components: [
    button(ids.confirm, { access: 'officer', run: withDraft(confirm) }),
    button(ids.reroll, { access: 'officer', run: withDraft(reroll) }),
    button(ids.cancel, { access: 'officer', run: withDraft(cancel) }),
  ],
  autocomplete: {
    '/link_type': { access: 'officer', run: stockTypeChoices },
    '/list': { access: 'officer', run: activeListChoices },
  },
});
