/**
 * /deliveries — confirmed awards not yet handed over in game, oldest first, each with its own
 * Delivered button (officers); and once a day the announcement channel lists those undelivered
 * for longer than DELIVERY_REMINDER_HOURS.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, InteractionContextType, Routes, SlashCommandBuilder, type ButtonInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { button, defineCommand, type BotContext, type Call } from '../src/bot/command';
import { actionId, arg } from '../src/bot/custom-ids';
import { UserError } from '../src/bot/errors';
import { capped, COLOURS, discordTime, plural, QUALITY_LABEL, safeText, userMention } from '../src/bot/format';
import type { Answer } from '../src/bot/responder';
import { utcDay } from '../src/domain/dates';
import { UNDELIVERED_WINDOW_DAYS } from '../src/services/awards';
import type { Distribution } from '../src/services/distribution-record';
import { originOf, pageButtons } from './shared';

/** Five awards a page: one row of five Delivered buttons, one of Previous / Next. */
const PAGE_SIZE = 5;

const ids = {
  page: actionId<{ page: number }>('deliveries', 'page', { page: arg.int(0, 10_000) }),
  delivered: actionId<{ award: string; page: number }>('deliveries', 'delivered', { award: arg.recordId, page: arg.int(0, 10_000) }),
};

const data = new SlashCommandBuilder()
  .setName('deliveries')
  .setDescription('Awards not yet handed over in game, oldest first (officers)')
  .setContexts(InteractionContextType.Guild);

const describe = (d: Distribution) => `${userMention(d.member_id ?? '')} · ${QUALITY_LABEL[d.quality]} ${safeText(d.link_type, 60)} · awarded ${discordTime(d.distributed_at)}`;

async function deliveriesPage(ctx: BotContext, page: number): Promise<Answer> {
  const pending = await ctx.services.awards.undelivered();
  const pages = Math.max(1, Math.ceil(pending.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const shown = pending.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);
  const embed = new EmbedBuilder()
    .setColor(COLOURS.info)
    .setTitle('Awards to hand over in game')
    .setDescription(shown.length ? shown.map((d, i) => `**${i + 1}.** ${describe(d)}`).join('\n') : `Every award of the last ${UNDELIVERED_WINDOW_DAYS} days has been delivered.`)
    .setFooter({ text: `${plural(pending.length, 'award')} undelivered (awarded in the last ${UNDELIVERED_WINDOW_DAYS} days) · page ${current + 1} of ${pages}` });
  const delivered = shown.length
    ? [
        new ActionRowBuilder<ButtonBuilder>().addComponents(
          shown.map((d, i) => new ButtonBuilder().setCustomId(ids.delivered.build({ award: d.distribution_id, page: current })).setLabel(`${i + 1} delivered`).setStyle(ButtonStyle.Success)),
        ),
      ]
    : [];
  return { embeds: [embed], components: [...delivered, ...pageButtons((n) => ids.page.build({ page: n }), current, current < pages - 1)] };
}

/** Why a record cannot be marked delivered: it was reverted, or it never was an award. */
export function notStanding(record: Distribution | undefined): string {
  return record?.status === 'reverted'
    ? 'That award is no longer standing (it was reverted). Nothing was changed.'
    : 'That record is not an award (it is a draw that was cancelled, expired or is still open). Nothing was changed.';
}

async function execute({ ctx, respond }: Call<ChatInputCommandInteraction>) {
  await respond.send(await deliveriesPage(ctx, 0));
}

async function showPage({ ctx, respond }: Call<ButtonInteraction>, { page }: { page: number }) {
  await respond.send(await deliveriesPage(ctx, page));
}

async function markDelivered({ ctx, respond, interaction }: Call<ButtonInteraction>, { award, page }: { award: string; page: number }) {
  // Said from this list, not from the award's own message: that message follows the change.
  const result = await ctx.services.awards.markDelivered(award, interaction.user.id, originOf(interaction));
  if (!result.ok && result.reason === 'not_found') throw new UserError('There is no such award. Nothing was changed; run /deliveries again.');
  if (!result.ok && result.reason === 'not_an_award') throw new UserError(notStanding(result.distribution));
  await respond.send(await deliveriesPage(ctx, page));
  if (!result.ok) throw new UserError(`That award was already marked delivered${result.distribution?.delivered_by ? ` by ${userMention(result.distribution.delivered_by)}` : ''}. Nothing was changed.`);
}

/**
 * Once a day, the awards undelivered for longer than DELIVERY_REMINDER_HOURS, and only those,
 * in the announcement channel (naming the winners without pinging them). The day is claimed on
 * the history marker first, so restarts and other processes do not post it twice.
 */
export async function remindDeliveries(ctx: BotContext): Promise<number> {
  const hours = ctx.config.draws.deliveryReminderHours;
  const channel = ctx.config.discord.announceChannelId;
  if (hours === 0 || !channel) return 0;
  const now = ctx.clock.now();
  const cutoff = new Date(now.getTime() - hours * 3_600_000).toISOString();
  const overdue = (await ctx.services.awards.undelivered()).filter((d) => (d.distributed_at ?? '') <= cutoff);
  if (!overdue.length || !(await ctx.services.awards.claimReminder(utcDay(now)))) return 0;
  await ctx.client.rest.post(Routes.channelMessages(channel), {
    body: {
      content: `📦 ${plural(overdue.length, 'award')} not handed over in game for more than ${plural(hours, 'hour')}, oldest first. Officers: /deliveries.`,
      embeds: [new EmbedBuilder().setColor(COLOURS.warning).setTitle('Awaiting delivery').setDescription(capped(overdue.map(describe), '—', '\n', 4_000)).toJSON()],
      allowed_mentions: { parse: [] },
    },
  });
  return overdue.length;
}

export default defineCommand({
  data,
  subcommands: { '': { access: 'officer', ephemeral: true, work: 'page', run: execute } },
  components: [button(ids.page, { access: 'officer', work: 'page', run: showPage }), button(ids.delivered, { access: 'officer', work: 'transaction', run: markDelivered })],
  jobs: (ctx) => [{ name: 'delivery-reminder', everyMs: 3_600_000, run: () => remindDeliveries(ctx) }],
});
