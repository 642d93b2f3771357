/** /revert — undo a confirmed distribution, after a confirmation; the record is kept as reverted. */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  InteractionContextType,
  SlashCommandBuilder,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
} from 'discord.js';
import type { BotContext, Call, Command } from '../src/bot/command';
import { buildCustomId, type CustomId } from '../src/bot/custom-ids';
import { UserError } from '../src/bot/errors';
import { COLOURS, QUALITY_COLOURS, QUALITY_LABEL, safeText, shortDate, userMention } from '../src/bot/format';
import type { RevertFailure } from '../src/services/awards';
import type { Distribution } from '../src/services/distributions';

const data = new SlashCommandBuilder()
  .setName('revert')
  .setDescription('Undo a confirmed distribution (officers)')
  .setContexts(InteractionContextType.Guild)
  .addStringOption((o) => o.setName('distribution').setDescription('Which distribution').setRequired(true).setAutocomplete(true).setMaxLength(100));

const FAILURE_TEXT: Record<RevertFailure, string> = {
  not_found: 'There is no such distribution. Pick one from the suggestions, or look it up with /history.',
  already_reverted: 'That distribution has already been reverted.',
  link_changed: 'Its link is no longer held by this distribution, so it cannot be reverted automatically.',
  busy: 'The database is busy. Nothing was changed; try again.',
};

function describe(d: Distribution): string {
  return `${userMention(d.member_id)} · ${QUALITY_LABEL[d.quality]} **${safeText(d.link_type)}** (+${d.bonus}) · ${shortDate(d.distributed_at)}`;
}

async function execute({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const id = interaction.options.getString('distribution', true).trim();
  const record = await ctx.services.distributions.get(id);
  if (!record) throw new UserError(FAILURE_TEXT.not_found);
  if (record.status === 'reverted') throw new UserError(FAILURE_TEXT.already_reverted);
  await respond.send({
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.warning)
        .setTitle('Revert this distribution?')
        .setDescription(`${describe(record)}\n\nThe link goes back to the stock, the member's count and list place are restored, and the record is kept as reverted.`)
        .setFooter({ text: record.distribution_id }),
    ],
    components: [
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId(buildCustomId('revert', 'confirm', record.distribution_id)).setLabel('Revert').setStyle(ButtonStyle.Danger),
        new ButtonBuilder().setCustomId(buildCustomId('revert', 'cancel', record.distribution_id)).setLabel('Cancel').setStyle(ButtonStyle.Secondary),
      ),
    ],
  });
}

async function button({ interaction, ctx, respond }: Call<ButtonInteraction>, id: CustomId) {
  const distributionId = id.args[0] ?? '';
  if (id.action === 'cancel') return respond.send({ content: 'Nothing was reverted.', embeds: [], components: [] });
  const result = await ctx.services.awards.revertDistribution(distributionId, interaction.user.id);
  if (!result.ok) throw new UserError(FAILURE_TEXT[result.reason]);
  await respond.send({
    embeds: [
      new EmbedBuilder()
        .setColor(QUALITY_COLOURS[result.distribution.quality])
        .setTitle('Distribution reverted')
        .setDescription(`${describe(result.distribution)}\n\nThe link is available again.`)
        .setFooter({ text: `${distributionId} · reverted by ${interaction.user.username}` }),
    ],
    components: [],
  });
}

async function autocomplete(interaction: AutocompleteInteraction, ctx: BotContext) {
  const query = String(interaction.options.getFocused()).toLowerCase();
  const recent = await ctx.services.distributions.recent(50);
  return recent
    .filter((d) => d.status === 'confirmed')
    .filter((d) => `${d.member_username} ${d.link_type} ${d.quality} ${d.distribution_id}`.toLowerCase().includes(query))
    .slice(0, 25)
    .map((d) => ({ name: `${shortDate(d.distributed_at)} ${d.member_username}: ${d.quality} ${d.link_type}`.slice(0, 100), value: d.distribution_id }));
}

export default {
  data,
  access: { '': 'officer' },
  ephemeral: { '': true },
  componentAccess: { confirm: 'officer', cancel: 'officer' },
  execute,
  autocomplete,
  button,
} satisfies Command;
