/** /list — distribution lists: queues of members waiting for a link of one quality. */
import { EmbedBuilder, InteractionContextType, SlashCommandBuilder, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { defineCommand, type BotContext, type Call, type Choice } from '../src/bot/command';
import { UserError } from '../src/bot/errors';
import { COLOURS, QUALITY_COLOURS, QUALITY_LABEL, mentionList, plural, safeText, userMention } from '../src/bot/format';
import { isEligible, QUALITIES } from '../src/domain/ranks';
import type { DistributionList, ListChange } from '../src/services/lists';
import { requireMember, requireOptionId, requireQuality, standing } from './shared';

/** What `name` declares (setMaxLength), enforced here too: the name is stored and shown everywhere. */
const NAME_MAX = 60;
const FILLS = ['eligible', 'empty'] as const;
/** A name must show something: a letter, digit, symbol or punctuation, not only invisible characters. */
const VISIBLE = /[\p{L}\p{N}\p{S}\p{P}]/u;

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
      .addStringOption((o) => o.setName('name').setDescription('Name of the list').setRequired(true).setMaxLength(NAME_MAX))
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

export async function requireList(ctx: BotContext, listId: string): Promise<DistributionList> {
  const list = await ctx.services.lists.get(requireOptionId(listId, 'list', 'Pick one from the suggestions, or see them all with /list show.'));
  if (!list) throw new UserError('There is no such list. Pick one from the suggestions, or see them all with /list show.');
  return list;
}

function listEmbed(list: DistributionList, title?: string) {
  return new EmbedBuilder()
    .setColor(list.is_active === 'true' ? QUALITY_COLOURS[list.quality] : COLOURS.muted)
    .setTitle(title ?? safeText(list.list_name, 100))
    .setDescription(`${QUALITY_LABEL[list.quality]} list${list.is_active === 'true' ? '' : ' · closed'} · created ${list.created_at.slice(0, 10)}`)
    .addFields(
      { name: `Waiting · ${list.eligible_members.length}`, value: mentionList(list.eligible_members, 'Nobody') },
      { name: `Served · ${list.winners.length}`, value: mentionList(list.winners, 'Nobody yet') },
    );
}

async function create({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const name = interaction.options.getString('name', true).trim();
  if (!VISIBLE.test(name)) throw new UserError('Give the list a name (letters, digits or symbols you can see).');
  if (name.length > NAME_MAX) throw new UserError(`List names are at most ${NAME_MAX} characters; yours is ${name.length}.`);
  const quality = requireQuality(interaction.options.getString('quality', true));
  const fill = FILLS.find((f) => f === (interaction.options.getString('fill') ?? 'eligible'));
  if (!fill) throw new UserError('`fill` must be eligible (every member eligible now) or empty.');
  const eligible =
    fill === 'eligible'
      ? (await ctx.services.members.listAll()).filter((m) => isEligible(m, quality, ctx.config.ranks, ctx.today())).map((m) => m.discord_id)
      : [];
  const result = await ctx.services.lists.create({ list_name: name, quality, eligible_members: eligible, created_by: interaction.user.id });
  if (!result.ok) {
    const existing = result.existing ? ` (“${safeText(result.existing.list_name, 60)}”)` : '';
    throw new UserError(`There is already an active ${quality} list${existing}. Close it with /list close before starting another.`);
  }
  await respond.send({ embeds: [listEmbed(result.list, `New list: ${safeText(name, 60)}`)] });
}

async function show({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const listId = interaction.options.getString('list');
  if (listId) return respond.send({ embeds: [listEmbed(await requireList(ctx, listId))] });
  const active = await ctx.services.lists.listActive();
  const embed = new EmbedBuilder().setColor(COLOURS.info).setTitle('Active lists');
  if (!active.length) embed.setDescription('No active lists. Officers start one with /list create.');
  for (const list of active) {
    embed.addFields({
      name: `${QUALITY_LABEL[list.quality]} · ${safeText(list.list_name, 60)}`,
      value: `${plural(list.eligible_members.length, 'member')} waiting, ${list.winners.length} served`,
    });
  }
  await respond.send({ embeds: [embed] });
}

function changeFailure(change: Exclude<ListChange, { ok: true }>, who: string): UserError {
  switch (change.reason) {
    case 'closed':
      return new UserError('That list is closed. Start a new one with /list create.');
    case 'already_in':
      return new UserError(`${who} is already waiting on that list.`);
    case 'not_in':
      return new UserError(`${who} is not waiting on that list.`);
    default:
      return new UserError('There is no such list. Pick one from the suggestions.');
  }
}

async function addMember({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const user = interaction.options.getUser('user', true);
  // Two independent reads, at once; a missing list is still reported before a missing member.
  const memberRead = requireMember(ctx, user.id);
  memberRead.catch(() => undefined);
  const list = await requireList(ctx, interaction.options.getString('list', true));
  const member = await memberRead;
  const s = standing(ctx, member);
  if (!s.eligibleFor.includes(list.quality)) {
    throw new UserError(`${userMention(user.id)} is a ${s.rank} and cannot receive ${list.quality} links yet.`);
  }
  const change = await ctx.services.lists.addMember(list.list_id, user.id);
  if (!change.ok) throw changeFailure(change, userMention(user.id));
  await respond.send({ embeds: [listEmbed(change.list, `Added to ${safeText(list.list_name, 60)}`).setDescription(`${userMention(user.id)} is now waiting.`)] });
}

async function removeMember({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const list = await requireList(ctx, interaction.options.getString('list', true));
  const user = interaction.options.getUser('user', true);
  const change = await ctx.services.lists.removeMember(list.list_id, user.id);
  if (!change.ok) throw changeFailure(change, userMention(user.id));
  await respond.send({ embeds: [listEmbed(change.list, `Removed from ${safeText(list.list_name, 60)}`).setDescription(`${userMention(user.id)} is no longer waiting.`)] });
}

async function close({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  // The service reads the list (consistently) before closing it and says when there is none.
  const change = await ctx.services.lists.close(requireOptionId(interaction.options.getString('list', true), 'list', 'Pick one from the suggestions, or see them all with /list show.'));
  if (!change.ok) throw changeFailure(change, '');
  await respond.send({ embeds: [listEmbed(change.list, `Closed: ${safeText(change.list.list_name, 60)}`)] });
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
    create: { access: 'officer', ephemeral: false, run: create },
    show: { access: 'anyone', ephemeral: true, run: show },
    add: { access: 'officer', ephemeral: false, run: addMember },
    remove: { access: 'officer', ephemeral: false, run: removeMember },
    close: { access: 'officer', ephemeral: false, run: close },
  },
  autocomplete: {
    'show/list': listChoices,
    'add/list': { ...listChoices, access: 'officer' },
    'remove/list': { ...listChoices, access: 'officer' },
    'close/list': { ...listChoices, access: 'officer' },
  },
});
