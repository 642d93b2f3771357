/** /history — who got which link, newest first, paginated; optionally as a CSV file. */
import { EmbedBuilder, InteractionContextType, SlashCommandBuilder, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { button, defineCommand, type BotContext, type Call } from '../src/bot/command';
import { actionId, arg } from '../src/bot/custom-ids';
import { UserError } from '../src/bot/errors';
import { capped, COLOURS, plural, QUALITY_COLOURS, QUALITY_LABEL, safeText, shortDate, userMention } from '../src/bot/format';
import { safeIdForm } from '../src/domain/ids';
import { QUALITIES, type Quality } from '../src/domain/ranks';
import type { Distribution } from '../src/services/distribution-record';
import type { Page } from '../src/services/pagination';
import { buildExport } from './history-export';
import { pageButtons, requireQuality } from './shared';

const PAGE_SIZE = 10;

const ids = {
  page: actionId<{ key: string; page: number }>('history', 'page', { key: arg.key, page: arg.int(0, 10_000) }),
};

interface HistoryFilter {
  memberId?: string;
  quality?: Quality;
  /** Whether the reader is an officer (who also sees record ids). */
  officer: boolean;
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
    : ctx.services.distributions.guildWide({ limit: PAGE_SIZE, cursor, quality: filter.quality });
}

const link = (d: Distribution) => `${QUALITY_LABEL[d.quality]} ${safeText(d.link_type, 60)}${d.bonus ? ` (+${safeText(d.bonus, 20)})` : ''}`;
const pool = (d: Distribution) => (d.pool_size === undefined ? '' : ` · pool ${d.pool_size}`);
const rerolls = (d: Distribution) => (d.drawn_before.length ? ` · ${plural(d.drawn_before.length, 'reroll')}` : '');

/** One record as a line; officers also see its id (in a form /revert accepts). */
function line(d: Distribution, officer: boolean): string {
  const when = `\`${shortDate(d.distributed_at)}\``;
  const id = officer ? ` · \`${safeIdForm(d.distribution_id)}\`` : '';
  if (d.status === 'cancelled' || d.status === 'expired') {
    // A draw that awarded nobody: kept with its pool and rerolls, shown to officers only.
    return `${when} ~~${d.status} draw~~ · ${link(d)}${pool(d)}${rerolls(d)}${d.ended_by ? ` · by ${userMention(d.ended_by)}` : ''}${id}`;
  }
  const delivered = d.status === 'confirmed' ? (d.delivered_at ? ' · delivered' : ' · not delivered yet') : '';
  const reverted = d.status === 'reverted' ? ' · ~~reverted~~' : '';
  return `${when} ${userMention(d.member_id ?? '')} · ${link(d)}${pool(d)}${rerolls(d)} · by ${userMention(d.distributed_by ?? '')}${reverted}${delivered}${id}`;
}

function title(filter: HistoryFilter): string {
  return `History${filter.quality ? ` · ${QUALITY_LABEL[filter.quality]}` : ''}`;
}

function render(key: string, filter: HistoryFilter, page: number, result: Page<Distribution>) {
  const lines = result.items.map((d) => line(d, filter.officer));
  const embed = new EmbedBuilder()
    .setColor(filter.quality ? QUALITY_COLOURS[filter.quality] : COLOURS.info)
    .setTitle(title(filter))
    .setDescription(
      (filter.memberId ? `${userMention(filter.memberId)}\n\n` : 'Whole guild\n\n') +
        capped(lines, page === 0 ? 'No links handed out yet.' : 'No more entries.', '\n', 3_900),
    )
    .setFooter({ text: `Page ${page + 1}` });
  return { embeds: [embed], components: pageButtons((n) => ids.page.build({ key, page: n }), page, Boolean(result.cursor)) };
}

async function execute({ interaction, ctx, respond, isOfficer }: Call<ChatInputCommandInteraction>) {
  const target = interaction.options.getUser('member');
  const qualityText = interaction.options.getString('quality');
  const quality = qualityText ? requireQuality(qualityText) : undefined;
  const exporting = interaction.options.getBoolean('export') ?? false;
  // Most callers are members reading their own page: read it while the officer check runs, and
  // drop it for an officer, who sees the whole guild instead.
  const ownFirstPage = !exporting && (!target || target.id === interaction.user.id) ? readPage(ctx, { memberId: interaction.user.id, quality, officer: false }, undefined) : undefined;
  ownFirstPage?.catch(() => undefined);
  const officer = await isOfficer();
  if (target && target.id !== interaction.user.id && !officer) {
    throw new UserError('You can see only your own history. Leave `member` empty, or ask an officer.');
  }
  // Officers without a member see the whole guild; everyone else sees themselves.
  const filter: HistoryFilter = { memberId: target?.id ?? (officer ? undefined : interaction.user.id), quality, officer };

  if (exporting) {
    await respond.defer();
    const scope = filter.memberId ?? 'guild';
    const built = await buildExport(ctx, filter, `flavaflav-history-${scope}-${ctx.today()}`, interaction.attachmentSizeLimit);
    const packing = built.packing === 'gzip' ? ' Compressed with gzip to fit Discord’s upload limit.' : built.packing === 'split' ? ` Compressed and split into ${built.files.length} files to fit Discord’s upload limit.` : '';
    return respond.send({
      content: `${plural(built.rows, 'entry', 'entries')}${filter.memberId ? ` for ${userMention(filter.memberId)}` : ' for the whole guild'}${quality ? `, ${quality} only` : ''}.${packing}`,
      files: built.files,
    });
  }

  const session = ctx.pages.open<HistoryFilter>(interaction.user.id, filter);
  const result = await (ownFirstPage && filter.memberId === interaction.user.id ? ownFirstPage : readPage(ctx, filter, undefined));
  session.cursors[1] = result.cursor;
  await respond.send(render(session.key, filter, 0, result));
}

async function showPage({ interaction, ctx, respond, isOfficer }: Call<ButtonInteraction>, args: { key: string; page: number }) {
  const session = ctx.pages.get<HistoryFilter>(args.key);
  if (!session) throw new UserError('These pages have expired. Run /history again.');
  if (session.ownerId !== interaction.user.id) throw new UserError('Run /history yourself to page through it.');
  // Pages opened as an officer (the guild's, or another member's) ask again on every press: an
  // officer demoted meanwhile sees no further page.
  if (session.filter.officer && !(await isOfficer())) throw new UserError('Only officers can page through this history now. Run /history again to see your own.');
  if (args.page >= session.cursors.length) throw new UserError('That page does not exist any more. Run /history again.');
  const page = args.page;
  const result = await readPage(ctx, session.filter, session.cursors[page]);
  session.cursors[page + 1] = result.cursor;
  await respond.send(render(session.key, session.filter, page, result));
}

export default defineCommand({
  data,
  // An export reads the whole history and builds its file: as much work as a roster read.
  subcommands: { '': { access: 'anyone', ephemeral: true, work: (interaction) => (interaction.options.getBoolean('export') ? 'roster' : 'page'), run: execute } },
  components: [button(ids.page, { access: 'anyone', work: 'page', run: showPage })],
});
