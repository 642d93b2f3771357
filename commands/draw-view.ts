/**
 * How a draw record looks in Discord. Everything shown is read from the record (and the winner's
 * member item for their standing), after the write that changed it: the message is a view of the
 * draw, never a copy kept beside it.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from 'discord.js';
import type { BotContext } from '../src/bot/command';
import { actionId, arg } from '../src/bot/custom-ids';
import { capped, COLOURS, discordTime, mentionList, plural, QUALITY_COLOURS, QUALITY_LABEL, safeText, userMention } from '../src/bot/format';
import type { Answer } from '../src/bot/responder';
import { candidatesFor } from '../src/domain/draw';
import { displayId } from '../src/domain/ids';
import type { Distribution } from '../src/services/distributions';
import { standing } from './shared';

export const drawIds = {
  confirm: actionId<{ draw: string; version: number }>('distribute', 'confirm', { draw: arg.recordId, version: arg.int(0, 1_000_000) }),
  reroll: actionId<{ draw: string; version: number }>('distribute', 'reroll', { draw: arg.recordId, version: arg.int(0, 1_000_000) }),
  cancel: actionId<{ draw: string }>('distribute', 'cancel', { draw: arg.recordId }),
  delivered: actionId<{ draw: string }>('distribute', 'delivered', { draw: arg.recordId }),
};

const POLICY_TEXT = { uniform: 'everyone equally', fewest: 'fewest links first', longest: 'longest wait first' } as const;

/** Where the pool came from, in words. */
function source(draw: Distribution): string {
  if (draw.named) return 'named by an officer';
  if (draw.list_id) return `list “${safeText(draw.list_name ?? draw.list_id, 60)}”`;
  return `every member eligible for ${draw.quality}`;
}

function leftOut(draw: Distribution): string {
  const out = draw.left_out;
  if (!out) return '';
  const parts = [
    out.away ? `${out.away} away` : '',
    out.too_new ? `${out.too_new} too new` : '',
    out.unreadable ? `${out.unreadable} with an unreadable join date` : '',
    out.attendance ? `${out.attendance} with too few events attended` : '',
    out.inactive ? `${out.inactive} inactive (missed events in a row)` : '',
  ].filter(Boolean);
  return parts.length ? ` · left out: ${parts.join(', ')}` : '';
}

/** The winner's standing, as the member item says now. */
async function winnerFields(ctx: BotContext, draw: Distribution) {
  const member = draw.winner_id ? await ctx.services.roster.get(draw.winner_id) : undefined;
  if (!member) return [{ name: 'Winner', value: 'no longer on the roster', inline: true }];
  const s = standing(ctx, member);
  const days = s.daysInGuild === null ? 'join date unreadable' : plural(Math.max(0, s.daysInGuild), 'day');
  return [
    { name: 'Rank', value: `${s.rank} · ${days}`, inline: true },
    { name: 'Links received', value: String(member.counters.links_received), inline: true },
    { name: 'Last link', value: discordTime(member.counters.last_link_at), inline: true },
  ];
}

/** The policy's figures: the winner's next to the pool's, so the pick can be checked. */
function fairness(draw: Distribution): string | undefined {
  if (!draw.policy || draw.named) return undefined;
  const lines = [`Policy: ${draw.policy} (${POLICY_TEXT[draw.policy]})`];
  if (draw.wanting.length) lines.push(`${draw.wanting.length} of ${plural(draw.pool_size ?? draw.pool.length, 'member')} in the pool want this link`);
  const winner = draw.winner_id ? draw.figures.get(draw.winner_id) : undefined;
  if (draw.policy !== 'uniform' && draw.figures.size) {
    const counts = [...draw.figures.values()].map((f) => f.count);
    lines.push(`Winner: ${plural(winner?.count ?? 0, draw.quality + ' link')} in the window, last ${winner?.last ? discordTime(winner.last) : 'never'} · pool: ${Math.min(...counts)}–${Math.max(...counts)}`);
  }
  return lines.join('\n');
}

function canReroll(draw: Distribution): boolean {
  if (draw.named) return false;
  const exclude = new Set([...draw.drawn_before, ...(draw.winner_id ? [draw.winner_id] : [])]);
  return candidatesFor({ pool: draw.pool, wanting: new Set(draw.wanting), policy: 'uniform', stats: new Map(), exclude }).among.length > 0;
}

function openButtons(draw: Distribution) {
  const confirming = Boolean(draw.confirm);
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(drawIds.confirm.build({ draw: draw.distribution_id, version: draw.version })).setLabel('Confirm').setStyle(ButtonStyle.Success),
    new ButtonBuilder()
      .setCustomId(drawIds.reroll.build({ draw: draw.distribution_id, version: draw.version }))
      .setLabel('Reroll')
      .setStyle(ButtonStyle.Primary)
      .setDisabled(confirming || !canReroll(draw)),
    new ButtonBuilder().setCustomId(drawIds.cancel.build({ draw: draw.distribution_id })).setLabel('Cancel').setStyle(ButtonStyle.Danger).setDisabled(confirming),
  );
}

function deliveredButton(draw: Distribution) {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(drawIds.delivered.build({ draw: draw.distribution_id })).setLabel('Delivered').setStyle(ButtonStyle.Secondary),
  );
}

/** The whole message for a draw in any state. */
export async function drawMessage(ctx: BotContext, draw: Distribution): Promise<Answer> {
  const quality = QUALITY_LABEL[draw.quality];
  const winner = draw.winner_id ? userMention(draw.winner_id) : 'nobody';
  const embed = new EmbedBuilder().setColor(QUALITY_COLOURS[draw.quality]).addFields(
    { name: 'Link type', value: safeText(draw.link_type, 100), inline: true },
    { name: 'Quality', value: quality, inline: true },
    { name: 'Bonus', value: draw.bonus ? `+${safeText(draw.bonus, 20)}` : '—', inline: true },
  );
  const poolLine = `${draw.pool_size ?? draw.pool.length} in the pool${leftOut(draw)} · drawn from ${source(draw)}${draw.compensation !== undefined ? ` · compensation, owed first: ${safeText(draw.compensation, 200) || 'no reason given'}` : ''}`;
  const rerolled = draw.drawn_before.length ? mentionList(draw.drawn_before, '') : undefined;
  const footer = `Draw ${displayId(draw.distribution_id)}`;

  if (draw.status === 'drawn') {
    embed
      .setTitle(draw.named ? `${quality} link for a named member` : `🎲 ${quality} link draw`)
      .setDescription(`Winner: ${winner}`)
      .addFields(...(await winnerFields(ctx, draw)), { name: 'Pool', value: capped([poolLine], '—') });
    const policy = fairness(draw);
    if (policy) embed.addFields({ name: 'Fairness', value: policy });
    if (rerolled) embed.addFields({ name: `Rerolled · ${draw.drawn_before.length}`, value: rerolled });
    embed.addFields({ name: 'Expires', value: discordTime(draw.expires_at) }).setFooter({ text: `${footer} · an officer confirms, rerolls or cancels` });
    const content = draw.confirm
      ? `Confirming the award to ${winner}… If this does not finish, press **Confirm** again.`
      : `${winner} has been drawn for a ${draw.quality} link.`;
    return { content, embeds: [embed], components: [openButtons(draw)] };
  }

  if (draw.status === 'confirmed' || draw.status === 'reverted') {
    const reverted = draw.status === 'reverted';
    embed
      .setColor(reverted ? COLOURS.muted : QUALITY_COLOURS[draw.quality])
      .setTitle(reverted ? `${quality} award reverted` : `✅ ${quality} link awarded`)
      .setDescription(`${userMention(draw.member_id ?? '')} receives **${safeText(draw.link_type, 100)}**${draw.bonus ? ` (+${safeText(draw.bonus, 20)})` : ''}.`)
      .addFields(
        { name: 'Pool', value: capped([poolLine], '—') },
        { name: 'Rerolls', value: String(draw.drawn_before.length), inline: true },
        { name: 'Confirmed by', value: draw.distributed_by ? userMention(draw.distributed_by) : '—', inline: true },
        { name: 'Delivered', value: draw.delivered_at ? `${discordTime(draw.delivered_at)} by ${userMention(draw.delivered_by ?? '')}` : 'not yet', inline: true },
      )
      .setFooter({ text: footer });
    if (draw.distributed_at) embed.setTimestamp(new Date(draw.distributed_at));
    if (reverted) embed.addFields({ name: 'Reverted', value: `${discordTime(draw.reverted_at)} by ${userMention(draw.reverted_by ?? '')}` });
    const live = !reverted && !draw.delivered_at;
    return { content: reverted ? 'This award was reverted.' : `${userMention(draw.member_id ?? '')} receives a ${draw.quality} link.`, embeds: [embed], components: live ? [deliveredButton(draw)] : [] };
  }

  // Cancelled or expired: nobody was awarded; the record keeps its pool and rerolls.
  const cancelled = draw.status === 'cancelled';
  embed
    .setColor(COLOURS.muted)
    .setTitle(cancelled ? `${quality} draw cancelled` : `${quality} draw expired`)
    .setDescription(`Last drawn: ${winner}`)
    .addFields({ name: 'Pool', value: capped([poolLine], '—') })
    .setFooter({ text: `${footer} · ${cancelled ? 'cancelled' : 'expired'}` });
  if (rerolled) embed.addFields({ name: `Rerolled · ${draw.drawn_before.length}`, value: rerolled });
  return {
    content: cancelled ? `Draw cancelled${draw.ended_by ? ` by ${userMention(draw.ended_by)}` : ''}; nobody was awarded.` : 'This draw expired; nobody was awarded. Run /distribute again.',
    embeds: [embed],
    components: [],
  };
}

/** The same message, also pinging the winner now shown (a new draw, or a reroll). */
export function pingingWinner(answer: Answer, draw: Distribution): Answer {
  if (!draw.winner_id) return answer;
  return { ...answer, pingUsers: [draw.winner_id], pingText: `${userMention(draw.winner_id)} has been drawn for a ${draw.quality} link.` };
}
