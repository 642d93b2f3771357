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
import { button, defineCommand, type BotContext, type Call, type Choice } from '../src/bot/command';
import { actionId, arg } from '../src/bot/custom-ids';
import { UserError } from '../src/bot/errors';
import { COLOURS, QUALITY_COLOURS, QUALITY_LABEL, safeText, shortDate, userMention } from '../src/bot/format';
import type { RevertFailure } from '../src/services/awards';
import type { Distribution } from '../src/services/distributions';

const data = new SlashCommandBuilder()
  .setName('revert')
  .setDescription('Undo a confirmed distribution (officers)')
  .setContexts(InteractionContextType.Guild)
  .addStringOption((o) => o.setName('distribution').setDescription('Which distribution').setRequired(true).setAutocomplete(true).setMaxLength(100));

const ids = {
  confirm: actionId<{ distribution: string }>('revert', 'confirm', { distribution: arg.recordId }),
  cancel: actionId<{ distribution: string }>('revert', 'cancel', { distribution: arg.recordId }),
};

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
        new ButtonBuilder().setCustomId(ids.confirm.build({ distribution: record.distribution_id })).setLabel('Revert').setStyle(ButtonStyle.Danger),
        new ButtonBuilder().setCustomId(ids.cancel.build({ distribution: record.distribution_id })).setLabel('Cancel').setStyle(ButtonStyle.Secondary),
      ),
    ],
  });
}

async function keep({ respond }: Call<ButtonInteraction>) {
  await respond.send({ content: 'Nothing was reverted.', embeds: [], components: [] });
}

async function confirmRevert({ interaction, ctx, respond }: Call<ButtonInteraction>, { distribution: distributionId }: { distribution: string }) {
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

async function recentAwardChoices(interaction: AutocompleteInteraction, ctx: BotContext): Promise<Choice[]> {
  const query = String(interaction.options.getFocused()).toLowerCase();
  const recent = await ctx.services.distributions.recent(50);
  return recent
    .filter((d) => d.status === 'confirmed')
    .filter((d) => `${d.member_username} ${d.link_type} ${d.quality} ${d.distribution_id}`.toLowerCase().includes(query))
    .slice(0, 25)
    .map((d) => ({ name: `${shortDate(d.distributed_at)} ${d.member_username}: ${d.quality} ${d.link_type}`.slice(0, 100), value: d.distribution_id }));
}

export default defineCommand({
  data,
  subcommands: { '': { access: 'officer', ephemeral: true, run: execute } },
  components: [button(ids.confirm, { access: 'officer', run: confirmRevert }), button(ids.cancel, { access: 'officer', run: keep })],
  autocomplete: { '/distribution': { access: 'officer', run: recentAwardChoices } },
});
