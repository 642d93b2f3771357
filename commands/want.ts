/** /want — the link types a member wants; a draw of a wanted type is among those who want it. */
import { EmbedBuilder, InteractionContextType, SlashCommandBuilder, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { defineCommand, type BotContext, type Call, type Choice } from '../src/bot/command';
import { UserError } from '../src/bot/errors';
import { capped, COLOURS, safeText, userMention } from '../src/bot/format';
import { findLinkType, LINK_TYPE_MAX, suggestLinkTypes } from '../src/domain/catalog';
import { MAX_WANTS } from '../src/services/member-items';
import { requireLinkType } from './inventory';
import { requireMember } from './shared';

const linkTypeOption = (o: import('discord.js').SlashCommandStringOption) =>
  o.setName('link_type').setDescription('Link type').setRequired(true).setAutocomplete(true).setMaxLength(LINK_TYPE_MAX);

const data = new SlashCommandBuilder()
  .setName('want')
  .setDescription('The link types you want: draws of them are among those who want them')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) => s.setName('add').setDescription(`Add a link type you want (at most ${MAX_WANTS})`).addStringOption(linkTypeOption))
  .addSubcommand((s) => s.setName('remove').setDescription('Remove a link type you no longer want').addStringOption(linkTypeOption))
  .addSubcommand((s) =>
    s
      .setName('list')
      .setDescription('The link types a member wants')
      .addUserOption((o) => o.setName('member').setDescription('Whose wants (default: yours)')),
  );

function wantsEmbed(memberId: string, wants: string[], title: string) {
  return new EmbedBuilder()
    .setColor(COLOURS.info)
    .setTitle(title)
    .setDescription(`${userMention(memberId)} · ${wants.length} of ${MAX_WANTS}`)
    .addFields({ name: 'Wants', value: capped(wants.map((w) => safeText(w, 100)), 'nothing yet (see /want add)', '\n') });
}

async function add({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const type = requireLinkType(interaction.options.getString('link_type', true));
  // Someone not on the roster is refused by the write itself (not_found): no read before it.
  const result = await ctx.services.wants.add(interaction.user.id, type.name);
  if (!result.ok) {
    throw new UserError(
      result.reason === 'already'
        ? `You already want ${safeText(type.name)}.`
        : result.reason === 'full'
          ? `You already want ${MAX_WANTS} link types, the most anyone can. Remove one with /want remove first.`
          : result.reason === 'not_found'
            ? 'You are not on the roster. Ask an officer to add you with /member add.'
            : 'The database is busy. Nothing was changed; try again.',
    );
  }
  await respond.send({ embeds: [wantsEmbed(interaction.user.id, result.member.wants, `Added: ${safeText(type.name, 100)}`)] });
}

async function remove({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  // Not only catalog names: a want whose type has left the catalog can still be removed.
  const text = interaction.options.getString('link_type', true).trim();
  const type = { name: findLinkType(text)?.name ?? text };
  const result = await ctx.services.wants.remove(interaction.user.id, type.name);
  if (!result.ok) {
    // Neither a want nor a catalog name: most likely a typo, so say what it may have meant.
    if (result.reason === 'not_wanted' && !findLinkType(text)) requireLinkType(text);
    throw new UserError(
      result.reason === 'not_wanted'
        ? `${safeText(type.name)} is not among the link types you want. See them with /want list.`
        : result.reason === 'not_found'
          ? 'You are not on the roster. Ask an officer to add you with /member add.'
          : 'The database is busy. Nothing was changed; try again.',
    );
  }
  await respond.send({ embeds: [wantsEmbed(interaction.user.id, result.member.wants, `Removed: ${safeText(type.name, 100)}`)] });
}

async function list({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const user = interaction.options.getUser('member') ?? interaction.user;
  const member = await requireMember(ctx, user.id);
  await respond.send({ embeds: [wantsEmbed(member.discord_id, member.wants, 'Wanted link types')] });
}

/** From the catalog, for add; for remove, the member's own wants first. */
async function linkTypeChoices(interaction: AutocompleteInteraction, ctx: BotContext, signal: AbortSignal): Promise<Choice[]> {
  const query = String(interaction.options.getFocused()).slice(0, LINK_TYPE_MAX);
  if (interaction.options.getSubcommand(false) === 'remove') {
    const member = await ctx.services.members.get(interaction.user.id, false, { signal });
    const own = (member?.wants ?? []).filter((w) => w.toLowerCase().includes(query.toLowerCase()));
    if (own.length) return own.slice(0, 25).map((w) => ({ name: w.slice(0, 100), value: w.slice(0, 100) }));
  }
  return suggestLinkTypes(query).map((t) => ({ name: `${t.name} (${t.category})`.slice(0, 100), value: t.name }));
}

export default defineCommand({
  data,
  subcommands: {
    add: { access: 'anyone', ephemeral: true, work: 'page', run: add },
    remove: { access: 'anyone', ephemeral: true, work: 'page', run: remove },
    list: { access: 'anyone', ephemeral: true, run: list },
  },
  autocomplete: {
    'add/link_type': { access: 'anyone', run: linkTypeChoices },
    'remove/link_type': { access: 'anyone', run: linkTypeChoices },
  },
});
