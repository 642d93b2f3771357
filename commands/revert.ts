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
import { displayId, idFromSafeForm, safeIdForm } from '../src/domain/ids';
import type { RevertFailure } from '../src/services/awards';
import type { Distribution } from '../src/services/distribution-record';
import { originOf } from './shared';

const data = new SlashCommandBuilder()
  .setName('revert')
  .setDescription('Undo a confirmed distribution (officers)')
  .setContexts(InteractionContextType.Guild)
  .addStringOption((o) => o.setName('distribution').setDescription('Which distribution').setRequired(true).setAutocomplete(true).setMaxLength(100));

/** A revert confirmation is good for this long; pressed later, it asks to run /revert again. */
const CONFIRM_FOR_MS = 15 * 60_000;

const ids = {
  confirm: actionId<{ distribution: string; until: number }>('revert', 'confirm', { distribution: arg.recordId, until: arg.int(0, 99_999_999_999) }),
  cancel: actionId<{ distribution: string }>('revert', 'cancel', { distribution: arg.recordId }),
};

const FAILURE_TEXT: Record<RevertFailure, string> = {
  not_found: 'There is no such distribution. Pick one from the suggestions, or copy its id from /history.',
  not_an_award: 'That record is not a standing award (it is a draw that was cancelled, expired or is still open), so there is nothing to revert.',
  already_reverted: 'That distribution has already been reverted. Nothing was changed.',
  link_changed: 'Its link is no longer held by this distribution (it was handed out again or changed), so it cannot be reverted automatically. Nothing was changed.',
  busy: 'The database is busy. Nothing was changed; try again.',
};

function describe(d: Distribution): string {
  return `${userMention(d.member_id ?? '')} · ${QUALITY_LABEL[d.quality]} **${safeText(d.link_type)}**${d.bonus ? ` (+${safeText(d.bonus, 20)})` : ''} · ${shortDate(d.distributed_at)}`;
}

/** The record an option names: a safe id form (from the suggestions or /history), or an id as typed. */
function requireRecordId(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) throw new UserError('Give the distribution to revert: pick one from the suggestions, or copy its id from /history.');
  if (trimmed.length > 200) throw new UserError('That is not a distribution id (too long). Pick one from the suggestions, or copy its id from /history.');
  return idFromSafeForm(trimmed) ?? trimmed;
}

async function execute({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const record = await ctx.services.distributions.get(requireRecordId(interaction.options.getString('distribution', true)), true);
  if (!record) throw new UserError(FAILURE_TEXT.not_found);
  if (record.status === 'reverted') throw new UserError(FAILURE_TEXT.already_reverted);
  if (record.status !== 'confirmed') throw new UserError(FAILURE_TEXT.not_an_award);
  const until = Math.floor((ctx.clock.now().getTime() + CONFIRM_FOR_MS) / 1000);
  await respond.send({
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.warning)
        .setTitle('Revert this distribution?')
        .setDescription(`${describe(record)}\n\nThe link goes back to the stock, the member's count and list place are restored, and the record is kept as reverted.`)
        .setFooter({ text: displayId(record.distribution_id) }),
    ],
    components: [
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder().setCustomId(ids.confirm.build({ distribution: record.distribution_id, until })).setLabel('Revert').setStyle(ButtonStyle.Danger),
        new ButtonBuilder().setCustomId(ids.cancel.build({ distribution: record.distribution_id })).setLabel('Cancel').setStyle(ButtonStyle.Secondary),
      ),
    ],
  });
}

async function keep({ respond }: Call<ButtonInteraction>) {
  await respond.send({ content: 'Nothing was reverted.', embeds: [], components: [] });
}

async function confirmRevert({ interaction, ctx, respond }: Call<ButtonInteraction>, { distribution: distributionId, until }: { distribution: string; until: number }) {
  if (ctx.clock.now().getTime() > until * 1000) {
    await respond.send({ content: 'This confirmation expired; nothing was reverted. Run /revert again.', embeds: [], components: [] });
    return;
  }
  // The revert reads the record again: whatever changed since the question was asked decides.
  const result = await ctx.services.awards.revertDistribution(distributionId, interaction.user.id, originOf(interaction));
  if (!result.ok) throw new UserError(FAILURE_TEXT[result.reason]);
  const notes = [
    result.linkRestored ? 'The link is available again.' : 'Its link is no longer in the inventory, so no link went back to the stock.',
    result.listPlaceRestored ? 'The member is waiting on the list again.' : '',
  ].filter(Boolean);
  await respond.send({
    embeds: [
      new EmbedBuilder()
        .setColor(QUALITY_COLOURS[result.distribution.quality])
        .setTitle('Distribution reverted')
        .setDescription(`${describe(result.distribution)}\n\n${notes.join(' ')}`)
        .setFooter({ text: `${displayId(distributionId)} · reverted by ${interaction.user.username}` }),
    ],
    components: [],
  });
}

/**
 * The newest standing awards, read from the newest days of the date-index (the history markers
 * say which): a few small reads per keystroke, whatever the size of the history.
 */
async function recentAwardChoices(interaction: AutocompleteInteraction, ctx: BotContext, signal: AbortSignal): Promise<Choice[]> {
  const query = String(interaction.options.getFocused()).toLowerCase();
  const recent = await ctx.services.distributions.recentAwards(25, { signal });
  return recent
    .filter((d) => `${d.member_username ?? ''} ${d.link_type} ${d.quality} ${d.distribution_id}`.toLowerCase().includes(query) && safeIdForm(d.distribution_id).length <= 100)
    .slice(0, 25)
    .map((d) => ({ name: `${shortDate(d.distributed_at ?? '')} ${d.member_username ?? d.member_id}: ${d.quality} ${d.link_type}`.slice(0, 100), value: safeIdForm(d.distribution_id) }));
}

export default defineCommand({
  data,
  subcommands: { '': { access: 'officer', ephemeral: true, run: execute } },
  components: [button(ids.confirm, { access: 'officer', work: 'transaction', run: confirmRevert }), button(ids.cancel, { access: 'officer', run: keep })],
  autocomplete: { '/distribution': { access: 'officer', run: recentAwardChoices } },
});
