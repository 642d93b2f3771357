/** /history — who got which link, newest first, paginated; optionally as a CSV file. */
import { EmbedBuilder, InteractionContextType, SlashCommandBuilder, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { BotContext, Call, Command } from '../src/bot/command';
import type { CustomId } from '../src/bot/custom-ids';
import { UserError } from '../src/bot/errors';
import { COLOURS, QUALITY_COLOURS, QUALITY_LABEL, safeText, shortDate, userMention } from '../src/bot/format';
import { toCsv } from '../src/domain/csv';
import { QUALITIES, type Quality } from '../src/domain/ranks';
import type { Distribution } from '../src/services/distributions';
import type { Page } from '../src/services/pagination';
import { pageButtons, pageNumber, requireQuality } from './shared';

const PAGE_SIZE = 10;
const EXPORT_COLUMNS = [
  'distribution_id',
  'distributed_at',
  'member_id',
  'member_username',
  'link_type',
  'quality',
  'bonus',
  'link_id',
  'list_id',
  'pool_size',
  'drawn_before',
  'distributed_by',
  'method',
  'status',
  'reverted_by',
  'reverted_at',
  'notes',
] as const;

interface HistoryFilter {
  memberId?: string;
  quality?: Quality;
}

const data = new SlashCommandBuilder()
  .setName('history')
  .setDescription('Who received which link, newest first')
  .setContexts(InteractionContextType.Guild)
  .addUserOption((o) => o.setName('member').setDescription('Whose history (default: yours; officers: the whole guild)'))
  .addStringOption((o) =>
    o
      .setName('quality')
      .setDescription('Only this quality')
      .addChoices(...QUALITIES.map((q) => ({ name: QUALITY_LABEL[q], value: q }))),
  )
  .addBooleanOption((o) => o.setName('export').setDescription('Attach the whole history as a CSV file'));

function readPage(ctx: BotContext, filter: HistoryFilter, cursor: string | undefined): Promise<Page<Distribution>> {
  return filter.memberId
    ? ctx.services.distributions.forMember(filter.memberId, { limit: PAGE_SIZE, cursor, quality: filter.quality })
    : ctx.services.distributions.guildWide({ limit: PAGE_SIZE, cursor, quality: filter.quality, today: ctx.today() });
}

function line(d: Distribution): string {
  const reverted = d.status === 'reverted' ? ' · ~~reverted~~' : '';
  return `\`${shortDate(d.distributed_at)}\` ${userMention(d.member_id)} · ${QUALITY_LABEL[d.quality]} ${safeText(d.link_type)} (+${d.bonus}) · by ${userMention(d.distributed_by)}${reverted}`;
}

function title(filter: HistoryFilter): string {
  return `History${filter.quality ? ` · ${QUALITY_LABEL[filter.quality]}` : ''}`;
}

function render(key: string, filter: HistoryFilter, page: number, result: Page<Distribution>) {
  const embed = new EmbedBuilder()
    .setColor(filter.quality ? QUALITY_COLOURS[filter.quality] : COLOURS.info)
    .setTitle(title(filter))
    .setDescription(
      (filter.memberId ? `${userMention(filter.memberId)}\n\n` : 'Whole guild\n\n') +
        (result.items.map(line).join('\n') || (page === 0 ? 'No links handed out yet.' : 'No more entries.')),
    )
    .setFooter({ text: `Page ${page + 1}` });
  return { embeds: [embed], components: page === 0 && !result.cursor ? [] : [pageButtons('history', key, page, Boolean(result.cursor))] };
}

async function exportAll(ctx: BotContext, filter: HistoryFilter): Promise<Distribution[]> {
  if (!filter.memberId) {
    const all = await ctx.services.distributions.exportAll();
    return filter.quality ? all.filter((d) => d.quality === filter.quality) : all;
  }
  const items: Distribution[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 500; page++) {
    const result = await ctx.services.distributions.forMember(filter.memberId, { limit: 100, cursor, quality: filter.quality });
    items.push(...result.items);
    cursor = result.cursor;
    if (!cursor) break;
  }
  return items;
}

async function execute({ interaction, ctx, respond, isOfficer }: Call<ChatInputCommandInteraction>) {
  const target = interaction.options.getUser('member');
  const qualityText = interaction.options.getString('quality');
  const quality = qualityText ? requireQuality(qualityText) : undefined;
  const officer = await isOfficer();
  if (target && target.id !== interaction.user.id && !officer) {
    throw new UserError('You can see only your own history. Leave `member` empty, or ask an officer.');
  }
  // Officers without a member see the whole guild; everyone else sees themselves.
  const filter: HistoryFilter = { memberId: target?.id ?? (officer ? undefined : interaction.user.id), quality };

  if (interaction.options.getBoolean('export')) {
    await respond.defer();
    const rows = await exportAll(ctx, filter);
    const csv = toCsv(EXPORT_COLUMNS, rows as unknown as Record<string, unknown>[]);
    const scope = filter.memberId ?? 'guild';
    return respond.send({
      content: `${rows.length} entries${filter.memberId ? ` for ${userMention(filter.memberId)}` : ' for the whole guild'}${quality ? `, ${quality} only` : ''}.`,
      files: [{ attachment: Buffer.from(csv, 'utf8'), name: `flavaflav-history-${scope}-${ctx.today()}.csv` }],
    });
  }

  const session = ctx.pages.open<HistoryFilter>(interaction.user.id, filter);
  const result = await readPage(ctx, filter, undefined);
  session.cursors[1] = result.cursor;
  await respond.send(render(session.key, filter, 0, result));
}

async function button({ interaction, ctx, respond }: Call<ButtonInteraction>, id: CustomId) {
  const session = ctx.pages.get<HistoryFilter>(id.args[0] ?? '');
  if (!session) throw new UserError('These pages have expired. Run /history again.');
  if (session.ownerId !== interaction.user.id) throw new UserError('Run /history yourself to page through it.');
  const page = pageNumber(id.args[1], session.cursors.length - 1);
  const result = await readPage(ctx, session.filter, session.cursors[page]);
  session.cursors[page + 1] = result.cursor;
  await respond.send(render(session.key, session.filter, page, result));
}

export default {
  data,
  access: { '': 'anyone' },
  ephemeral: { '': true },
  componentAccess: { page: 'anyone' },
  execute,
  button,
} satisfies Command;
