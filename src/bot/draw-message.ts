/**
 * How a draw looks in Discord: its presentation (src/views/draw.ts) laid out as an embed with its
 * buttons. Pure: everything shown is on the facts handed in, read after the write that changed
 * the draw, so the message is a view of the record, never a copy kept beside it.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder } from 'discord.js';
import { displayId } from '../domain/ids';
import type { DrawFacts } from '../views/draw';
import { confirmingText, drawTitle, policyTexts, poolText, type DrawWording } from '../views/draw-texts';
import { actionId, arg } from './custom-ids';
import { capped, COLOURS, discordTime, plural, QUALITY_COLOURS, QUALITY_LABEL, safeText, userMention } from './format';
import type { Answer } from './responder';

export const drawIds = {
  confirm: actionId<{ draw: string; version: number }>('distribute', 'confirm', { draw: arg.recordId, version: arg.int(0, 1_000_000) }),
  reroll: actionId<{ draw: string; version: number }>('distribute', 'reroll', { draw: arg.recordId, version: arg.int(0, 1_000_000) }),
  cancel: actionId<{ draw: string }>('distribute', 'cancel', { draw: arg.recordId }),
  delivered: actionId<{ draw: string }>('distribute', 'delivered', { draw: arg.recordId }),
};

/** How Discord words a draw's sentences (src/views/draw-texts.ts). */
export const DISCORD_WORDING: DrawWording = {
  startAgain: 'run /distribute again',
  shownOn: 'message',
  notFound: 'This draw no longer exists. Run /distribute again.',
  member: (id) => userMention(id),
  text: (value, max) => safeText(value, max),
  button: (label) => `**${label}**`,
  time: (iso) => discordTime(iso ?? undefined),
  fix: {
    stock: 'Add some with /inventory add, or check /inventory list.',
    listNotFound: 'Pick one from the suggestions, or see them all with /list show.',
    pickActive: 'Pick an active list, or leave `list` empty.',
    roster: 'An officer can add them with /member add.',
    joinDate: 're-add them with /member add',
    waiting: 'Add them with /list add, or leave `list` empty.',
    nobodyOnList: 'Add members with /list add.',
  },
};

/** The winner's standing, as their member item said when the view was made (none when it was not read). */
function winnerFields(f: DrawFacts) {
  if (f.winner?.onRoster === false) return [{ name: 'Winner', value: 'no longer on the roster', inline: true }];
  const s = f.winner?.standing;
  if (!s) return [];
  const days = s.daysInGuild === null ? 'join date unreadable' : plural(s.daysInGuild, 'day');
  return [
    { name: 'Rank', value: `${s.rank} · ${days}`, inline: true },
    { name: 'Links received', value: String(s.linksReceived), inline: true },
    { name: 'Last link', value: discordTime(s.lastLinkAt ?? undefined), inline: true },
  ];
}

function fairness(f: DrawFacts): string | undefined {
  const texts = policyTexts(f, DISCORD_WORDING);
  return texts ? [texts.policy, texts.wanting, ...(texts.figures ? [texts.figures] : [])].join('\n') : undefined;
}

function openButtons(f: DrawFacts) {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(drawIds.confirm.build({ draw: f.id, version: f.version })).setLabel('Confirm').setStyle(ButtonStyle.Success).setDisabled(!f.actions.confirm),
    new ButtonBuilder().setCustomId(drawIds.reroll.build({ draw: f.id, version: f.version })).setLabel('Reroll').setStyle(ButtonStyle.Primary).setDisabled(!f.actions.reroll),
    new ButtonBuilder().setCustomId(drawIds.cancel.build({ draw: f.id })).setLabel('Cancel').setStyle(ButtonStyle.Danger).setDisabled(!f.actions.cancel),
  );
}

function deliveredButton(f: DrawFacts) {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(drawIds.delivered.build({ draw: f.id })).setLabel('Delivered').setStyle(ButtonStyle.Secondary),
  );
}

/** The whole message for a draw in any state. */
export function drawMessage(f: DrawFacts): Answer {
  const quality = QUALITY_LABEL[f.quality];
  const winner = f.winner ? userMention(f.winner.id) : 'nobody';
  const bonus = f.bonus ? `+${safeText(f.bonus, 20)}` : '';
  const embed = new EmbedBuilder().setColor(QUALITY_COLOURS[f.quality]).addFields(
    { name: 'Link type', value: safeText(f.linkType, 100), inline: true },
    { name: 'Quality', value: quality, inline: true },
    { name: 'Bonus', value: bonus || '—', inline: true },
  );
  const pool = { name: 'Pool', value: capped([poolText(f, DISCORD_WORDING)], '—') };
  const rerolled = f.rerolled.length ? { name: `Rerolled · ${f.rerolled.length}`, value: capped(f.rerolled.map((r) => userMention(r.id)), '') } : undefined;
  const footer = `Draw ${displayId(f.id)}`;
  const title = drawTitle(f);

  if (f.status === 'drawn') {
    embed
      .setTitle(f.named ? title : `🎲 ${title}`)
      .setDescription(`Winner: ${winner}`)
      .addFields(...winnerFields(f), pool);
    const policy = fairness(f);
    if (policy) embed.addFields({ name: 'Fairness', value: policy });
    if (rerolled) embed.addFields(rerolled);
    embed.addFields({ name: 'Expires', value: discordTime(f.expiresAt ?? undefined) }).setFooter({ text: `${footer} · an officer confirms, rerolls or cancels` });
    const content = f.confirming ? confirmingText(f, DISCORD_WORDING) : `${winner} has been drawn for a ${f.quality} link.`;
    return { content, embeds: [embed], components: [openButtons(f)] };
  }

  if (f.status === 'confirmed' || f.status === 'reverted') {
    const reverted = f.status === 'reverted';
    const awarded = userMention(f.awardedTo ?? '');
    embed
      .setColor(reverted ? COLOURS.muted : QUALITY_COLOURS[f.quality])
      .setTitle(reverted ? title : `✅ ${title}`)
      .setDescription(`${awarded} receives **${safeText(f.linkType, 100)}**${bonus ? ` (${bonus})` : ''}.`)
      .addFields(
        pool,
        { name: 'Rerolls', value: String(f.rerolled.length), inline: true },
        { name: 'Confirmed by', value: f.distributedBy ? userMention(f.distributedBy) : '—', inline: true },
        { name: 'Delivered', value: f.deliveredAt ? `${discordTime(f.deliveredAt)} by ${userMention(f.deliveredBy ?? '')}` : 'not yet', inline: true },
      )
      .setFooter({ text: footer });
    if (f.distributedAt) embed.setTimestamp(new Date(f.distributedAt));
    if (reverted) embed.addFields({ name: 'Reverted', value: `${discordTime(f.revertedAt ?? undefined)} by ${userMention(f.revertedBy ?? '')}` });
    return { content: reverted ? 'This award was reverted.' : `${awarded} receives a ${f.quality} link.`, embeds: [embed], components: f.actions.delivered ? [deliveredButton(f)] : [] };
  }

  // Cancelled or expired: nobody was awarded; the record keeps its pool and rerolls.
  const cancelled = f.status === 'cancelled';
  embed
    .setColor(COLOURS.muted)
    .setTitle(title)
    .setDescription(`Last drawn: ${winner}`)
    .addFields(pool)
    .setFooter({ text: `${footer} · ${cancelled ? 'cancelled' : 'expired'}` });
  if (rerolled) embed.addFields(rerolled);
  return {
    content: cancelled ? `Draw cancelled${f.endedBy ? ` by ${userMention(f.endedBy)}` : ''}; nobody was awarded.` : 'This draw expired; nobody was awarded. Run /distribute again.',
    embeds: [embed],
    components: [],
  };
}

/** The same message, also pinging the winner now shown (a new draw, or a reroll). */
export function pingingWinner(answer: Answer, f: DrawFacts): Answer {
  if (!f.winner) return answer;
  return { ...answer, pingUsers: [f.winner.id], pingText: `${userMention(f.winner.id)} has been drawn for a ${f.quality} link.` };
}
