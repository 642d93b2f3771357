/** /member — the roster: add, remove, info, list, promote, demote, away. */
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  InteractionContextType,
  SlashCommandBuilder,
  StringSelectMenuBuilder,
  type APIInteractionDataResolvedGuildMember,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type GuildMember,
  type StringSelectMenuInteraction,
} from 'discord.js';
import { button, defineCommand, select, type BotContext, type Call } from '../src/bot/command';
import { actionId, arg } from '../src/bot/custom-ids';
import { UserError } from '../src/bot/errors';
import { COLOURS, QUALITY_LABEL, plural, safeText, shortDate, userMention } from '../src/bot/format';
import { QUALITIES, RANKS, type Rank } from '../src/domain/ranks';
import { DEBT_REASON_MAX } from '../src/domain/attendance';
import { recentFromHistory } from '../src/services/distribution-record';
import { RECENT_LINKS } from '../src/services/member-items';
import { debtField, memberFields, pageButtons, requireCountedMember, requireMember, standing } from './shared';

const PAGE_SIZE = 15;
/** A remove confirmation is good for this long; pressed later, it asks to run the command again. */
const CONFIRM_FOR_MS = 15 * 60_000;
/** Rank filters as written in custom ids and select values. */
const RANK_CODES = ['all', 'bookworm', 'scholar', 'sage', 'maester'] as const;
type RankCode = (typeof RANK_CODES)[number];
const RANK_OF_CODE: ReadonlyMap<RankCode, Rank | 'all'> = new Map([
  ['all', 'all'],
  ['bookworm', 'Book Worm'],
  ['scholar', 'Scholar'],
  ['sage', 'Sage'],
  ['maester', 'Maester'],
]);
const codeOf = (rank: Rank | 'all'): RankCode => RANK_CODES.find((code) => RANK_OF_CODE.get(code) === rank) ?? 'all';

const ids = {
  page: actionId<{ rank: RankCode; page: number }>('member', 'page', { rank: arg.oneOf(RANK_CODES), page: arg.int(0, 10_000) }),
  rank: actionId('member', 'rank'),
  remove: actionId<{ user: string; until: number }>('member', 'remove', { user: arg.snowflake, until: arg.int(0, 99_999_999_999) }),
  keep: actionId<{ user: string }>('member', 'keep', { user: arg.snowflake }),
};

const data = new SlashCommandBuilder()
  .setName('member')
  .setDescription('The guild roster')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((s) =>
    s
      .setName('add')
      .setDescription('Add a member to the roster (officers)')
      .addUserOption((o) => o.setName('user').setDescription('Who to add').setRequired(true))
      .addStringOption((o) => o.setName('join_date').setDescription('Joined the guild on (YYYY-MM-DD); default: their Discord join date').setMaxLength(10))
      .addBooleanOption((o) => o.setName('officer').setDescription('Is an officer (default: no)')),
  )
  .addSubcommand((s) =>
    s
      .setName('remove')
      .setDescription('Remove a member from the roster; their history is kept (officers)')
      .addUserOption((o) => o.setName('user').setDescription('Who to remove').setRequired(true)),
  )
  .addSubcommand((s) =>
    s
      .setName('info')
      .setDescription('Rank, eligibility, links received and recent history')
      .addUserOption((o) => o.setName('user').setDescription('Whom to look up (default: you)')),
  )
  .addSubcommand((s) =>
    s
      .setName('list')
      .setDescription('The roster with ranks')
      .addStringOption((o) =>
        o
          .setName('rank')
          .setDescription('Only this rank')
          .addChoices(...RANKS.map((r) => ({ name: r, value: r }))),
      ),
  )
  .addSubcommand((s) =>
    s
      .setName('promote')
      .setDescription('Make a member an officer (officers)')
      .addUserOption((o) => o.setName('user').setDescription('Who to promote').setRequired(true)),
  )
  .addSubcommand((s) =>
    s
      .setName('demote')
      .setDescription('Make an officer a regular member (officers)')
      .addUserOption((o) => o.setName('user').setDescription('Who to demote').setRequired(true)),
  )
  .addSubcommand((s) =>
    s
      .setName('away')
      .setDescription('Skip a member in random draws until a date (officers, or yourself)')
      .addUserOption((o) => o.setName('user').setDescription('Who is away').setRequired(true))
      .addStringOption((o) => o.setName('until').setDescription('Last day away (YYYY-MM-DD), or "none" to clear it').setRequired(true).setMaxLength(10)),
  )
  .addSubcommand((s) =>
    s
      .setName('owe')
      .setDescription('Record a link owed to a member: the next draw of that quality serves them first (officers)')
      .addUserOption((o) => o.setName('user').setDescription('Who is owed').setRequired(true))
      .addStringOption((o) =>
        o
          .setName('quality')
          .setDescription('Quality owed')
          .setRequired(true)
          .addChoices(...QUALITIES.map((q) => ({ name: QUALITY_LABEL[q], value: q }))),
      )
      .addStringOption((o) => o.setName('reason').setDescription('Why (shown with the award)').setRequired(true).setMaxLength(DEBT_REASON_MAX)),
  )
  .addSubcommand((s) =>
    s
      .setName('forgive')
      .setDescription('Clear every link owed to a member (officers)')
      .addUserOption((o) => o.setName('user').setDescription('Who is no longer owed').setRequired(true)),
  );

async function add({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const user = interaction.options.getUser('user', true);
  // Discord resolves a member only for someone in the server.
  const guildMember = interaction.options.getMember('user');
  const joinText = interaction.options.getString('join_date');
  const result = await ctx.services.guild.addMember({
    discordId: user.id,
    username: user.username,
    isBot: user.bot,
    inGuild: Boolean(guildMember),
    joinDate: joinText ?? undefined,
    discordJoinedAt: discordJoinedAt(guildMember),
    officer: interaction.options.getBoolean('officer') ?? false,
    by: interaction.user.id,
  });
  if (!result.ok) {
    switch (result.reason) {
      case 'bot':
        throw new UserError('Bots cannot be on the roster.');
      case 'not_in_guild':
        throw new UserError(`${userMention(user.id)} is not a member of this server, so they cannot be on the roster.`);
      case 'bad_date':
        throw new UserError('`join_date` must be a real date written YYYY-MM-DD, for example 2026-03-14.');
      case 'future_date':
        throw new UserError(`\`join_date\` ${safeText(joinText ?? '', 20)} is in the future. Use today or an earlier date.`);
      case 'changed':
        throw new UserError(`${userMention(user.id)} changed meanwhile. Look with /member info and try again.`);
      case 'exists':
        throw new UserError(
          `${userMention(user.id)} is already on the roster.${result.member.join_date ? '' : ' Their join date is unreadable: give `join_date` to set it.'} See them with /member info.`,
        );
    }
  }
  await respond.send({
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.success)
        .setTitle(result.joinDateSet ? 'Join date set' : 'Added to the roster')
        .setDescription(`${userMention(user.id)} (${safeText(result.member.username)})`)
        .addFields(memberFields(ctx, result.member)),
    ],
  });
}

function discordJoinedAt(member: GuildMember | APIInteractionDataResolvedGuildMember | null): string | undefined {
  if (!member) return undefined;
  return 'joinedAt' in member ? member.joinedAt?.toISOString() : (member.joined_at ?? undefined);
}

async function remove({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const user = interaction.options.getUser('user', true);
  const member = await requireMember(ctx, user.id);
  await respond.send({
    content: `Remove ${userMention(member.discord_id)} (${safeText(member.username)}) from the roster? Their history is kept.`,
    components: [
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder()
          .setCustomId(ids.remove.build({ user: member.discord_id, until: Math.floor((ctx.clock.now().getTime() + CONFIRM_FOR_MS) / 1000) }))
          .setLabel('Remove')
          .setStyle(ButtonStyle.Danger),
        new ButtonBuilder().setCustomId(ids.keep.build({ user: member.discord_id })).setLabel('Cancel').setStyle(ButtonStyle.Secondary),
      ),
    ],
  });
}

async function info({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const user = interaction.options.getUser('user') ?? interaction.user;
  const member = await requireCountedMember(ctx, user.id);
  // Kept on the member item by the award and revert transactions; else their history says.
  const recent = member.recent ?? recentFromHistory((await ctx.services.distributions.forMember(user.id, { limit: RECENT_LINKS })).items);
  const history = recent.length
    ? recent
        .slice(0, RECENT_LINKS)
        .map((r) => `${shortDate(r.at)} · ${QUALITY_LABEL[r.quality]} ${safeText(r.link_type)}${r.reverted ? ' (reverted)' : ''}`)
        .join('\n')
    : 'No links yet.';
  await respond.send({
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.info)
        .setTitle(safeText(member.username))
        .setDescription(userMention(member.discord_id) + (member.is_officer ? ' · officer' : ''))
        .addFields(...memberFields(ctx, member), { name: 'Recent links', value: history }),
    ],
  });
}

async function rosterPage(ctx: BotContext, rank: Rank | 'all', page: number) {
  const all = await ctx.services.members.listAll();
  const rows = all
    .map((m) => ({ member: m, standing: standing(ctx, m) }))
    .filter((r) => rank === 'all' || r.standing.rank === rank)
    // Longest in the guild first; unreadable join dates last.
    .sort((a, b) => (b.standing.daysInGuild ?? -Infinity) - (a.standing.daysInGuild ?? -Infinity) || a.member.username.localeCompare(b.member.username));
  const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const shown = rows.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);
  const counted = await ctx.services.roster.countedAll(shown.map((r) => r.member));
  const lines = shown.map(
    (r, i) =>
      `${userMention(r.member.discord_id)} · **${r.standing.rank}** · ${r.standing.daysInGuild === null ? 'join date unreadable' : plural(Math.max(0, r.standing.daysInGuild), 'day')} · ${plural(counted[i].counters.links_received, 'link')}`,
  );
  const code = codeOf(rank);
  return {
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.info)
        .setTitle(rank === 'all' ? 'Roster' : `Roster · ${rank}`)
        .setDescription(lines.join('\n') || (rank === 'all' ? 'Nobody is on the roster yet.' : `Nobody is a ${rank} right now.`))
        .setFooter({ text: `${plural(rows.length, 'member')} · page ${current + 1} of ${pages}` }),
    ],
    components: [
      ...pageButtons((n) => ids.page.build({ rank: code, page: n }), current, current < pages - 1),
      new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(
        new StringSelectMenuBuilder()
          .setCustomId(ids.rank.build({}))
          .setPlaceholder('Show one rank')
          .addOptions(RANK_CODES.map((value) => ({ label: value === 'all' ? 'Everyone' : (RANK_OF_CODE.get(value) as Rank), value, default: value === code }))),
      ),
    ],
  };
}

async function list({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const rankText = interaction.options.getString('rank');
  const rank = rankText === null ? 'all' : RANKS.find((r) => r === rankText);
  if (!rank) throw new UserError(`Rank must be one of ${RANKS.join(', ')}.`);
  await respond.send(await rosterPage(ctx, rank, 0));
}

async function setOfficer({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>, officer: boolean) {
  const user = interaction.options.getUser('user', true);
  const member = await requireMember(ctx, user.id);
  if (member.is_officer === officer) {
    throw new UserError(`${userMention(user.id)} is ${officer ? 'already' : 'not'} an officer on the roster.`);
  }
  const updated = await ctx.services.members.setOfficer(user.id, officer);
  if (!updated) throw new UserError(`${userMention(user.id)} is no longer on the roster.`);
  await respond.send({
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.success)
        .setTitle(officer ? 'Promoted to officer' : 'No longer an officer')
        .setDescription(`${userMention(user.id)} is now a ${standing(ctx, updated).rank}.`),
    ],
  });
}

async function away({ interaction, ctx, respond, isOfficer }: Call<ChatInputCommandInteraction>) {
  const user = interaction.options.getUser('user', true);
  const result = await ctx.services.guild.markAway({
    memberId: user.id,
    until: interaction.options.getString('until', true),
    by: interaction.user.id,
    byOfficer: user.id === interaction.user.id ? false : await isOfficer(),
  });
  if (!result.ok) {
    switch (result.reason) {
      case 'not_allowed':
        throw new UserError('You can mark only yourself away. Ask an officer to mark someone else.');
      case 'bad_date':
        throw new UserError('`until` must be a real date written YYYY-MM-DD, for example 2026-03-14, or "none" to clear it.');
      case 'past_date':
        throw new UserError('`until` is in the past. Give the last day away, today or later (or "none" to clear it).');
      case 'not_found':
        throw new UserError(`${userMention(user.id)} is not on the roster. An officer can add them with /member add.`);
    }
  }
  await respond.send({
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.success)
        .setTitle(result.until ? 'Marked away' : 'Back for draws')
        .setDescription(result.until ? `${userMention(user.id)} is skipped in random draws through ${result.until}.` : `${userMention(user.id)} is in random draws again.`),
    ],
  });
}

async function owe({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const user = interaction.options.getUser('user', true);
  const result = await ctx.services.guild.owe({ memberId: user.id, quality: interaction.options.getString('quality', true), reason: interaction.options.getString('reason', true), by: interaction.user.id });
  if (!result.ok) {
    switch (result.reason) {
      case 'not_found':
        throw new UserError(`${userMention(user.id)} is not on the roster. An officer can add them with /member add.`);
      case 'bad_quality':
        throw new UserError('Quality must be bronze, silver or gold.');
      case 'empty_reason':
        throw new UserError('Give a reason (it is shown with the award that pays the debt).');
      case 'long_reason':
        throw new UserError(`A reason is at most ${DEBT_REASON_MAX} characters; yours is ${result.length}.`);
    }
  }
  await respond.send({
    embeds: [
      new EmbedBuilder()
        .setColor(COLOURS.success)
        .setTitle('Link owed')
        .setDescription(`${userMention(user.id)} is owed a ${interaction.options.getString('quality', true)} link: the next draw of that quality serves them first.`)
        .addFields(debtField(result.member)),
    ],
  });
}

async function forgive({ interaction, ctx, respond }: Call<ChatInputCommandInteraction>) {
  const user = interaction.options.getUser('user', true);
  const result = await ctx.services.guild.forgive(user.id);
  if (!result.ok) {
    if (result.reason === 'nothing_owed') throw new UserError(`${userMention(user.id)} is owed nothing. Nothing was changed.`);
    throw new UserError(`${userMention(user.id)} is not on the roster. An officer can add them with /member add.`);
  }
  await respond.send({ embeds: [new EmbedBuilder().setColor(COLOURS.success).setTitle('Debts cleared').setDescription(`${userMention(user.id)} is no longer owed a link.`)] });
}

async function showPage({ ctx, respond }: Call<ButtonInteraction>, { rank, page }: { rank: RankCode; page: number }) {
  await respond.send(await rosterPage(ctx, RANK_OF_CODE.get(rank) ?? 'all', page));
}

async function keep({ respond }: Call<ButtonInteraction>, { user }: { user: string }) {
  await respond.send({ content: `Kept ${userMention(user)} on the roster.`, components: [] });
}

async function confirmRemove({ ctx, respond }: Call<ButtonInteraction>, { user, until }: { user: string; until: number }) {
  if (ctx.clock.now().getTime() > until * 1000) {
    return respond.send({ content: `This confirmation expired; ${userMention(user)} is still on the roster. Run /member remove again.`, components: [] });
  }
  const removed = await ctx.services.wants.removeMember(user);
  if (!removed) throw new UserError(`${userMention(user)} is no longer on the roster.`);
  await respond.send({
    content: `Removed ${userMention(user)} (${safeText(removed.username)}) from the roster. Their history is kept.`,
    components: [],
  });
}

async function chooseRank(call: Call<StringSelectMenuInteraction>) {
  const code = RANK_CODES.find((c) => c === call.interaction.values[0]);
  if (!code) throw new UserError('Pick a rank from the list.');
  await call.respond.send(await rosterPage(call.ctx, RANK_OF_CODE.get(code) ?? 'all', 0));
}

export default defineCommand({
  data,
  subcommands: {
    add: { access: 'officer', ephemeral: false, work: 'page', run: add },
    remove: { access: 'officer', ephemeral: true, run: remove },
    info: { access: 'anyone', ephemeral: true, run: info },
    list: { access: 'anyone', ephemeral: true, work: 'roster', run: list },
    promote: { access: 'officer', ephemeral: false, run: (call) => setOfficer(call, true) },
    demote: { access: 'officer', ephemeral: false, run: (call) => setOfficer(call, false) },
    away: { access: 'anyone', ephemeral: false, run: away },
    owe: { access: 'officer', ephemeral: false, run: owe },
    forgive: { access: 'officer', ephemeral: false, run: forgive },
  },
  components: [
    button(ids.page, { access: 'anyone', work: 'roster', run: showPage }),
    select(ids.rank, { access: 'anyone', work: 'roster', run: chooseRank }),
    button(ids.remove, { access: 'officer', run: confirmRemove }),
    button(ids.keep, { access: 'officer', run: keep }),
  ],
});
