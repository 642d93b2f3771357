/** /inventory — the guild's stock of links: add, list, remove. */
import { EmbedBuilder, InteractionContextType, SlashCommandBuilder, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { defineCommand, type BotContext, type Call, type Choice } from '../src/bot/command';
import { UserError } from '../src/bot/errors';
import { COLOURS, QUALITY_COLOURS, QUALITY_LABEL, plural, safeText } from '../src/bot/format';
import { findLinkType, LINK_TYPE_MAX, suggestLinkTypes } from '../src/domain/catalog';
import { QUALITIES, type Quality } from '../src/domain/ranks';
import { NOTES_MAX } from '../src/services/guild';
import { MAX_LINKS_PER_ADD, UnknownOutcomeError } from '../src/services/inventory';
import { requireOptionId, requireQuality } from './shared';

const qualityChoices = QUALITIES.map((q) => ({ name: QUALITY_LABEL[q], value: q }));

const data = new SlashCommandBuilder()
  .setName('inventory')
  .setDescription('The guild’s stock of mastery links')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) =>
    s
      .setName('add')
      .setDescription('Add links to the stock (officers)')
      .addStringOption((o) => o.setName('link_type').setDescription('Link type').setRequired(true).setAutocomplete(true).setMaxLength(LINK_TYPE_MAX))
      .addStringOption((o) => o.setName('quality').setDescription('Quality').setRequired(true).addChoices(...qualityChoices))
      .addIntegerOption((o) => o.setName('count').setDescription(`How many (1–${MAX_LINKS_PER_ADD}, default 1)`).setMinValue(1).setMaxValue(MAX_LINKS_PER_ADD))
      .addStringOption((o) => o.setName('notes').setDescription('Notes kept with each link').setMaxLength(NOTES_MAX)),
  )
  .addSubcommand((s) =>
    s
      .setName('list')
      .setDescription('Available stock by quality and type')
      .addStringOption((o) => o.setName('quality').setDescription('Only this quality').addChoices(...qualityChoices))
      .addStringOption((o) => o.setName('link_type').setDescription('Only this link type').setAutocomplete(true).setMaxLength(LINK_TYPE_MAX)),
  )
  .addSubcommand((s) =>
    s
      .setName('remove')
      .setDescription('Remove an available link from the stock (officers)')
      .addStringOption((o) => o.setName('link').setDescription('Which link').setRequired(true).setAutocomplete(true).setMaxLength(100)),
  );

/** A catalog type by name, or a helpful refusal with the closest names. */
export function requireLinkType(name: string) {
  const type = findLinkType(name);
  if (type) return type;
  throw unknownType(name, suggestLinkTypes(name, 3).map((t) => t.name));
}

function unknownType(name: string, suggestions: string[]): UserError {
  if (name.length > LINK_TYPE_MAX) return new UserError(`That is not a link type in the catalog (at most ${LINK_TYPE_MAX} characters). Pick one from the suggestions.`);
  const close = suggestions.map((t) => `“${t}”`);
  return new UserError(`“${safeText(name, 100)}” is not a link type in the catalog.${close.length ? ` Did you mean ${close.join(', ')}?` : ''} Pick one from the suggestions.`);
}

async function add({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const quality = requireQuality(interaction.options.getString('quality', true));
  const count = interaction.options.getInteger('count') ?? 1;
  const notes = interaction.options.getString('notes')?.trim() || undefined;
  let added;
  try {
    // Keyed by the interaction: a retry of this request finds its links instead of adding more.
    added = await ctx.services.guild.addStock({ linkType: interaction.options.getString('link_type', true), quality, count, notes, by: interaction.user.id, key: interaction.id });
  } catch (error) {
    if (!(error instanceof UnknownOutcomeError)) throw error;
    throw new UserError('The database did not answer in time, so it is not known whether the links were added. Check /inventory list before adding them again.');
  }
  if (!added.ok) {
    if (added.reason === 'bad_count') throw new UserError(`\`count\` must be from 1 to ${MAX_LINKS_PER_ADD}; you gave ${count}.`);
    if (added.reason === 'long_notes') throw new UserError(`\`notes\` are at most ${NOTES_MAX} characters; yours are ${added.length}. Shorten them and add again.`);
    throw unknownType(interaction.options.getString('link_type', true), added.suggestions);
  }
  const { type } = added;
  // The links are written: a failed read now must not make the answer say otherwise.
  const [stock, wanting] = await Promise.all([
    ctx.services.inventory.countAvailableWith(quality, type.name, added.links).then(String, () => 'could not be read just now'),
    ctx.services.wants.counts([type.name]).then((c) => c.get(type.name) ?? 0, () => undefined),
  ]);
  await respond.send({
    embeds: [
      new EmbedBuilder()
        .setColor(QUALITY_COLOURS[quality])
        .setTitle(added.repeated ? `Already added: ${plural(count, 'link')}` : `Added ${plural(count, 'link')}`)
        .setDescription(`${QUALITY_LABEL[quality]} **${safeText(type.name)}** (${type.category}, +${type.bonus[quality]})`)
        .addFields(
          { name: 'Now in stock', value: stock, inline: true },
          { name: 'Wanted by', value: wanting === undefined ? 'could not be read just now' : plural(wanting, 'member'), inline: true },
          ...(notes ? [{ name: 'Notes', value: safeText(notes) }] : []),
        ),
    ],
  });
}

async function list({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const qualityText = interaction.options.getString('quality');
  const quality = qualityText ? requireQuality(qualityText) : undefined;
  const typeText = interaction.options.getString('link_type');
  const linkType = typeText ? requireLinkType(typeText).name : undefined;
  const stock = await ctx.services.inventory.stock({ quality, linkType });
  const embed = new EmbedBuilder()
    .setColor(quality ? QUALITY_COLOURS[quality] : COLOURS.info)
    .setTitle('Available links');
  if (!stock.length) {
    embed.setDescription('Nothing in stock' + (quality || linkType ? ' for that filter.' : '. Officers add links with /inventory add.'));
  }
  for (const q of ['gold', 'silver', 'bronze'] as Quality[]) {
    const lines = stock.filter((s) => s.quality === q);
    if (!lines.length) continue;
    const total = lines.reduce((n, s) => n + s.count, 0);
    // An embed field holds 1024 characters: long stock lists are cut with a count of the rest.
    let value = '';
    let shown = 0;
    for (const s of lines) {
      const line = `${s.count} × ${safeText(s.link_type)} (+${s.bonus})\n`;
      if (value.length + line.length > 980) break;
      value += line;
      shown++;
    }
    if (shown < lines.length) value += `…and ${lines.length - shown} more types (filter by link_type)`;
    embed.addFields({ name: `${QUALITY_LABEL[q]} · ${total}`, value });
  }
  await respond.send({ embeds: [embed] });
}

async function remove({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const linkId = requireOptionId(interaction.options.getString('link', true), 'link', 'Pick one from the suggestions.');
  const result = await ctx.services.inventory.remove(linkId);
  if (!result.ok) {
    throw new UserError(
      result.reason === 'handed_out'
        ? 'That link has been handed out and is part of the history; it cannot be removed. Use /revert to undo a distribution.'
        : 'No available link has that id. Pick one from the suggestions.',
    );
  }
  const link = result.link;
  await respond.send({
    embeds: [
      new EmbedBuilder()
        .setColor(QUALITY_COLOURS[link.quality])
        .setTitle('Removed from stock')
        .setDescription(`${QUALITY_LABEL[link.quality]} **${safeText(link.link_type)}** \`${link.link_id}\``),
    ],
  });
}

async function linkTypeChoices(interaction: AutocompleteInteraction): Promise<Choice[]> {
  return suggestLinkTypes(String(interaction.options.getFocused()).slice(0, LINK_TYPE_MAX)).map((t) => ({ name: `${t.name} (${t.category})`, value: t.name }));
}

async function availableLinkChoices(interaction: AutocompleteInteraction, ctx: BotContext, signal: AbortSignal): Promise<Choice[]> {
  const query = String(interaction.options.getFocused()).toLowerCase();
  // One page of the availability index (up to 1 MB: thousands of links) per keystroke.
  const links = await ctx.services.inventory.listAvailable({}, { signal, maxPages: 1 });
  return links
    .filter((l) => `${l.quality} ${l.link_type} ${l.link_id}`.toLowerCase().includes(query))
    .slice(0, 25)
    .map((l) => ({ name: `${QUALITY_LABEL[l.quality]} ${l.link_type} · added ${l.added_date.slice(0, 10)}`.slice(0, 100), value: l.link_id }));
}

export default defineCommand({
  data,
  subcommands: {
    add: { access: 'officer', ephemeral: false, work: 'transaction', run: add },
    list: { access: 'anyone', ephemeral: true, run: list },
    remove: { access: 'officer', ephemeral: false, run: remove },
  },
  autocomplete: {
    'add/link_type': { access: 'officer', run: linkTypeChoices },
    'list/link_type': { access: 'anyone', run: linkTypeChoices },
    'remove/link': { access: 'officer', run: availableLinkChoices },
  },
});
