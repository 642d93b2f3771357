/** /list — distribution lists: queues of members waiting for a link of one quality. */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, InteractionContextType, SlashCommandBuilder, type AutocompleteInteraction, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { button, defineCommand, type BotContext, type Call, type Choice } from '../src/bot/command';
import { actionId, arg } from '../src/bot/custom-ids';
import { owedFirst } from '../src/domain/attendance';
import { UserError } from '../src/bot/errors';
import { COLOURS, QUALITY_COLOURS, QUALITY_LABEL, mentionList, plural, safeText, userMention } from '../src/bot/format';
import { QUALITIES } from '../src/domain/ranks';
import { LIST_NAME_MAX, type ListMemberResult } from '../src/services/guild';
import type { DistributionList } from '../src/services/lists';
import { requireOptionId, requireQuality } from './shared';

const FILLS = ['eligible', 'empty'] as const;

const ids = {
  nextCycle: actionId<{ list: string }>('list', 'next', { list: arg.recordId }),
};

const listOption = (required: boolean) => (o: import('discord.js').SlashCommandStringOption) =>
  o.setName('list').setDescription('Which list').setRequired(required).setAutocomplete(true).setMaxLength(100);

const data = new SlashCommandBuilder()
  .setName('list')
  .setDescription('Distribution lists')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) =>
    s
      .setName('create')
      .setDescription('Start the active list for a quality (officers)')
      .addStringOption((o) => o.setName('name').setDescription('Name of the list').setRequired(true).setMaxLength(LIST_NAME_MAX))
      .addStringOption((o) =>
        o
          .setName('quality')
          .setDescription('Quality it hands out')
          .setRequired(true)
          .addChoices(...QUALITIES.map((q) => ({ name: QUALITY_LABEL[q], value: q }))),
      )
      .addStringOption((o) =>
        o
          .setName('fill')
          .setDescription('Start with every eligible member (default) or empty')
          .addChoices({ name: 'every eligible member', value: 'eligible' }, { name: 'empty', value: 'empty' }),
      ),
  )
  .addSubcommand((s) => s.setName('show').setDescription('Who is waiting and who has been served').addStringOption(listOption(false)))
  .addSubcommand((s) =>
    s
      .setName('add')
      .setDescription('Put a member on a list (officers)')
      .addStringOption(listOption(true))
      .addUserOption((o) => o.setName('user').setDescription('Who to add').setRequired(true)),
  )
  .addSubcommand((s) =>
    s
      .setName('remove')
      .setDescription('Take a member off a list (officers)')
      .addStringOption(listOption(true))
      .addUserOption((o) => o.setName('user').setDescription('Who to remove').setRequired(true)),
  )
  .addSubcommand((s) => s.setName('close').setDescription('Close a list (officers)').addStringOption(listOption(true)));

const PICK_LIST = 'Pick one from the suggestions, or see them all with /list show.';

/** The `list` option's id, refused when it cannot be one (empty or too long). */
const listIdOf = (interaction: ChatInputCommandInteraction) => requireOptionId(interaction.options.getString('list', true), 'list', PICK_LIST);

export async function requireList(ctx: BotContext, listId: string): Promise<DistributionList> {
  // Consistent: "no such list" must be true, not a list created a moment ago that a plain read misses.
  const list = await ctx.services.lists.get(requireOptionId(listId, 'list', PICK_LIST), true);
  if (!list) throw new UserError(`There is no such list. ${PICK_LIST}`);
  return list;
}

function listEmbed(list: DistributionList, title?: string) {
  return new EmbedBuilder()
    .setColor(list.is_active === 'true' ? QUALITY_COLOURS[list.quality] : COLOURS.muted)
    .setTitle(title ?? safeText(list.list_name, 100))
    .setDescription(
      `${QUALITY_LABEL[list.quality]} list${list.cycle ? ` · cycle ${list.cycle}` : ''}${list.is_active === 'true' ? '' : ' · closed'} · created ${list.created_at.slice(0, 10)}${servedEveryone(list) ? '\nEveryone on this list has been served: an officer can start the next cycle.' : ''}`,
    )
    .addFields(
      { name: `Waiting · ${list.eligible_members.length}`, value: mentionList(list.eligible_members, 'Nobody') },
      { name: `Served · ${list.winners.length}`, value: mentionList(list.winners, 'Nobody yet') },
    );
}

/** An active list whose last waiting member has been served. */
const servedEveryone = (list: DistributionList) => list.is_active === 'true' && list.eligible_members.length === 0 && list.winners.length > 0;

/** One list, with who is owed its quality first and, once everyone is served, the next cycle's button. */
async function oneList(ctx: BotContext, list: DistributionList) {
  const embed = listEmbed(list);
  const owed = list.is_active === 'true' ? owedFirst(await ctx.services.members.listAll(), list.quality) : [];
  if (owed.length) embed.addFields({ name: `Owed first · ${owed.length}`, value: mentionList(owed.map((o) => o.member.discord_id), 'Nobody') });
  const components = servedEveryone(list)
    ? [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(ids.nextCycle.build({ list: list.list_id })).setLabel('Start next cycle').setStyle(ButtonStyle.Primary))]
    : [];
  return { embeds: [embed], components };
}

async function nextCycle({ interaction, ctx, respond }: Call<ButtonInteraction>, { list }: { list: string }) {
  const result = await ctx.services.guild.nextCycle(list, interaction.user.id);
  if (!result.ok) {
    switch (result.reason) {
      case 'list_not_found':
        throw new UserError(`There is no such list. ${PICK_LIST}`);
      case 'closed':
        throw new UserError('That list is closed already. Nothing was changed; see the active lists with /list show.');
      case 'still_waiting':
        throw new UserError('Members are still waiting on that list. Nothing was changed.');
      case 'active_exists':
        throw new UserError('The list was closed, but another active list of that quality exists, so no new cycle was started. See /list show.');
    }
  }
  await respond.send({ embeds: [listEmbed(result.list, `Next cycle: ${safeText(result.list.list_name, 60)}`)], components: [] });
}

async function create({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const quality = requireQuality(interaction.options.getString('quality', true));
  const fill = FILLS.find((f) => f === (interaction.options.getString('fill') ?? 'eligible'));
  if (!fill) throw new UserError('`fill` must be eligible (every member eligible now) or empty.');
  const result = await ctx.services.guild.createList({ name: interaction.options.getString('name', true), quality, fill, by: interaction.user.id });
  if (!result.ok) {
    if (result.reason === 'empty_name') throw new UserError('Give the list a name (letters, digits or symbols you can see).');
    if (result.reason === 'long_name') throw new UserError(`List names are at most ${LIST_NAME_MAX} characters; yours is ${result.length}.`);
    const existing = result.existing ? ` (“${safeText(result.existing.list_name, 60)}”)` : '';
    throw new UserError(`There is already an active ${quality} list${existing}. Close it with /list close before starting another.`);
  }
  await respond.send({ embeds: [listEmbed(result.list, `New list: ${safeText(result.list.list_name, 60)}`)] });
}

async function show({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const listId = interaction.options.getString('list');
  if (listId) return respond.send(await oneList(ctx, await requireList(ctx, listId)));
  const active = await ctx.services.lists.listActive();
  const embed = new EmbedBuilder().setColor(COLOURS.info).setTitle('Active lists');
  if (!active.length) embed.setDescription('No active lists. Officers start one with /list create.');
  for (const list of active) {
    embed.addFields({
      name: `${QUALITY_LABEL[list.quality]} · ${safeText(list.list_name, 60)}`,
      value: `${plural(list.eligible_members.length, 'member')} waiting, ${list.winners.length} served${servedEveryone(list) ? ' · everyone served: see this list to start the next cycle' : ''}`,
    });
  }
  await respond.send({ embeds: [embed] });
}

/** Why a list change was refused, in words (nothing was written). */
function changeFailure(result: Exclude<ListMemberResult, { ok: true }>, who: string): UserError {
  switch (result.reason) {
    case 'closed':
      return new UserError('That list is closed. Start a new one with /list create.');
    case 'already_in':
      return new UserError(`${who} is already waiting on that list.`);
    case 'already_served':
      return new UserError(`${who} was already served from that list, so they cannot wait on it again. Nothing was changed.`);
    case 'not_in':
      return new UserError(`${who} is not waiting on that list.`);
    case 'not_on_roster':
      return new UserError(`${who} is not on the roster. An officer can add them with /member add.`);
    case 'not_eligible':
      return new UserError(`${who} is a ${result.standing.rank} and cannot receive ${result.quality} links yet.`);
    case 'list_not_found':
      return new UserError(`There is no such list. ${PICK_LIST}`);
  }
}

async function addMember({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const user = interaction.options.getUser('user', true);
  const result = await ctx.services.guild.addToList(listIdOf(interaction), user.id);
  if (!result.ok) throw changeFailure(result, userMention(user.id));
  await respond.send({ embeds: [listEmbed(result.list, `Added to ${safeText(result.list.list_name, 60)}`).setDescription(`${userMention(user.id)} is now waiting.`)] });
}

async function removeMember({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const user = interaction.options.getUser('user', true);
  const result = await ctx.services.guild.removeFromList(listIdOf(interaction), user.id);
  if (!result.ok) throw changeFailure(result, userMention(user.id));
  await respond.send({ embeds: [listEmbed(result.list, `Removed from ${safeText(result.list.list_name, 60)}`).setDescription(`${userMention(user.id)} is no longer waiting.`)] });
}

async function close({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const result = await ctx.services.guild.closeList(listIdOf(interaction), interaction.user.id);
  if (!result.ok) throw changeFailure(result, '');
  const embed = listEmbed(result.list, `Closed: ${safeText(result.list.list_name, 60)}`);
  if (result.owed?.length) embed.addFields({ name: `Now owed a ${result.list.quality} link (away or inactive) · ${result.owed.length}`, value: mentionList(result.owed, 'Nobody') });
  await respond.send({ embeds: [embed] });
}

export async function activeListChoices(interaction: AutocompleteInteraction, ctx: BotContext, signal: AbortSignal): Promise<Choice[]> {
  const query = String(interaction.options.getFocused()).toLowerCase();
  const lists = await ctx.services.lists.listActive(undefined, { signal });
  return lists
    .filter((l) => `${l.list_name} ${l.quality}`.toLowerCase().includes(query))
    .map((l) => ({ name: `${l.list_name} (${l.quality}, ${l.eligible_members.length} waiting)`.slice(0, 100), value: l.list_id }));
}

const listChoices = { access: 'anyone', run: activeListChoices } as const;

export default defineCommand({
  data,
  subcommands: {
    create: { access: 'officer', ephemeral: false, work: 'roster', run: create },
    show: { access: 'anyone', ephemeral: true, run: show },
    add: { access: 'officer', ephemeral: false, work: 'page', run: addMember },
    remove: { access: 'officer', ephemeral: false, run: removeMember },
    close: { access: 'officer', ephemeral: false, run: close },
  },
  components: [button(ids.nextCycle, { access: 'officer', run: nextCycle })],
  autocomplete: {
    'show/list': listChoices,
    'add/list': { ...listChoices, access: 'officer' },
    'remove/list': { ...listChoices, access: 'officer' },
    'close/list': { ...listChoices, access: 'officer' },
  },
});
