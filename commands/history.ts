/** /history — who got which link, newest first, paginated; optionally as a CSV file. */
import { EmbedBuilder, InteractionContextType, SlashCommandBuilder, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { button, defineCommand, type BotContext, type Call } from '../src/bot/command';
import { actionId, arg } from '../src/bot/custom-ids';
import { UserError } from '../src/bot/errors';
import { COLOURS, QUALITY_COLOURS, QUALITY_LABEL, safeText, shortDate, userMention } from '../src/bot/format';
import { toCsv } from '../src/domain/csv';
import { HISTORY_EXPORT_COLUMNS } from '../src/domain/history-columns';
import { QUALITIES, type Quality } from '../src/domain/ranks';
import type { Distribution } from '../src/services/distributions';
import type { Page } from '../src/services/pagination';
import { pageButtons, requireQuality } from './shared';

const PAGE_SIZE = 10;
const EXPORT_COLUMNS = HISTORY_EXPORT_COLUMNS;

const ids = {
  page: actionId<{ key: string; page: number }>('history', 'page', { key: arg.key, page: arg.int(0, 10_000) }),
};

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
  return { embeds: [embed], components: pageButtons((n) => ids.page.build({ key, page: n }), page, Boolean(result.cursor)) };
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

async function showPage({ interaction, ctx, respond }: Call<ButtonInteraction>, args: { key: string; page: number }) {
  const session = ctx.pages.get<HistoryFilter>(args.key);
  if (!session) throw new UserError('These pages have expired. Run /history again.');
  if (session.ownerId !== interaction.user.id) throw new UserError('Run /history yourself to page through it.');
  if (args.page >= session.cursors.length) throw new UserError('That page does not exist any more. Run /history again.');
  const page = args.page;
  const result = await readPage(ctx, session.filter, session.cursors[page]);
  session.cursors[page + 1] = result.cursor;
  await respond.send(render(session.key, session.filter, page, result));
}

export default defineCommand({
  data,
  subcommands: { '': { access: 'anyone', ephemeral: true, run: execute } },
  components: [button(ids.page, { access: 'anyone', run: showPage })],
});
