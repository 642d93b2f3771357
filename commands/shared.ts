/** Helpers the command modules share: option parsing and common answers. */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type APIEmbedField, type ChatInputCommandInteraction, type MessageComponentInteraction } from 'discord.js';
import type { BotContext } from '../src/bot/command';
import { UserError } from '../src/bot/errors';
import { capped, discordTime, plural, QUALITY_LABEL, safeText } from '../src/bot/format';
import { parseDay } from '../src/domain/dates';
import { isQuality, standingOf, type Quality, type Standing } from '../src/domain/ranks';
import { attendedInWindow, eligibleQualities, isInactive, LEFT_OUT_WORDS } from '../src/domain/attendance';
import type { CountedMember, Member } from '../src/services/member-items';

/** A YYYY-MM-DD option that must exist in the calendar. */
export function requireDay(text: string, option: string): string {
  const day = parseDay(text);
  if (!day) throw new UserError(`\`${option}\` must be a real date written YYYY-MM-DD, for example 2026-03-14.`);
  return text.trim();
}

/** The longest id an autocompleted option declares (setMaxLength), and so the longest it may carry. */
export const OPTION_ID_MAX = 100;

/**
 * An id given in an autocompleted option (picked from the suggestions, or typed): trimmed, and
 * neither empty nor longer than the option allows. Discord's client keeps to the option's limits,
 * but nothing else does, and DynamoDB refuses an empty key or one over 2 KB as a validation error.
 */
export function requireOptionId(text: string, option: string, hint: string): string {
  const id = text.trim();
  if (!id) throw new UserError(`\`${option}\` is empty. ${hint}`);
  if (id.length > OPTION_ID_MAX) throw new UserError(`\`${option}\` is too long to be one (at most ${OPTION_ID_MAX} characters). ${hint}`);
  return id;
}

export function requireQuality(text: string | null): Quality {
  if (!text || !isQuality(text)) throw new UserError('Quality must be bronze, silver or gold.');
  return text;
}

export async function requireMember(ctx: BotContext, discordId: string): Promise<Member> {
  // One item, read consistently: what a member or an officer has just changed is what they see.
  const member = await ctx.services.members.get(discordId, true);
  if (!member) throw new UserError(`<@${discordId}> is not on the roster. An officer can add them with /member add.`);
  return member;
}

/** A member with their counters (derived from history for members the previous system wrote). */
export async function requireCountedMember(ctx: BotContext, discordId: string): Promise<CountedMember> {
  return ctx.services.roster.counted(await requireMember(ctx, discordId));
}

export function standing(ctx: BotContext, member: Member): Standing {
  return standingOf(member, ctx.config.ranks, ctx.today());
}

export function eligibilityText(s: Standing): string {
  return s.eligibleFor.length ? s.eligibleFor.map((q) => QUALITY_LABEL[q]).join(', ') : 'nothing yet';
}

/** Days in the guild, or why they are unknown. */
export function daysText(member: Member, s: Standing): string {
  if (s.daysInGuild === null) return 'join date unreadable (an officer can set it with /member add)';
  return `${plural(Math.max(0, s.daysInGuild), 'day')} (since ${member.join_date})`;
}

/** What a member may receive with attendance counted, and which rule keeps them from the rest. */
export function mayReceiveText(ctx: BotContext, member: Member, s: Standing): string {
  const rules = ctx.config.attendance;
  const may = eligibleQualities(member, ctx.config.ranks, rules, ctx.clock.now());
  const held = s.eligibleFor.filter((q) => !may.includes(q));
  const base = may.length ? may.map((q) => QUALITY_LABEL[q]).join(', ') : 'nothing yet';
  if (!held.length || !rules.required) return base;
  const count = attendedInWindow(member.attendance, rules.required.kind, rules.windowDays, ctx.clock.now());
  return `${base} (not ${held.map((q) => QUALITY_LABEL[q]).join(', ')}: ${LEFT_OUT_WORDS.get('attendance')}, ${count} of ${rules.required.min} ${rules.required.kind} in ${plural(rules.windowDays, 'day')})`;
}

/** Recent attendance and the current run of misses, when the guild counts attendance or the member has any. */
export function attendanceText(ctx: BotContext, member: Member): string | undefined {
  const rules = ctx.config.attendance;
  const a = member.attendance;
  if (!rules.required && !a.attended.length && !a.missed.length) return undefined;
  const now = ctx.clock.now();
  const kinds = (['boss', 'omni', 'other'] as const).map((k) => [k, attendedInWindow(a, k, rules.windowDays, now)] as const).filter(([, n]) => n > 0);
  const attended = kinds.length ? kinds.map(([k, n]) => `${n} ${k}`).join(', ') : 'no events';
  return `${attended} in the last ${plural(rules.windowDays, 'day')} · ${plural(a.missed.length, 'miss', 'misses')} in a row${isInactive(a, rules) ? ' · **inactive** until they attend again' : ''}`;
}

export function debtField(member: Member): APIEmbedField {
  return {
    name: 'Owed',
    value: capped(
      member.debts.map((d) => `${d.key === 'any' ? 'a link of any quality' : `a ${d.key} link`} since ${d.since.slice(0, 10)}: ${safeText(d.reason, 200) || 'no reason given'}`),
      'nothing',
      '\n',
    ),
  };
}

export function memberFields(ctx: BotContext, member: CountedMember): APIEmbedField[] {
  const s = standing(ctx, member);
  const away = member.away_until && member.away_until >= ctx.today() ? `away until ${member.away_until}` : undefined;
  const inactive = isInactive(member.attendance, ctx.config.attendance) ? `left out of draws: ${LEFT_OUT_WORDS.get('inactive')}` : undefined;
  const attendance = attendanceText(ctx, member);
  return [
    { name: 'Rank', value: s.rank, inline: true },
    { name: 'In the guild', value: daysText(member, s), inline: true },
    { name: 'May receive', value: mayReceiveText(ctx, member, s), inline: true },
    { name: 'Links received', value: String(member.counters.links_received), inline: true },
    { name: 'Last link', value: discordTime(member.counters.last_link_at), inline: true },
    { name: 'Status', value: away ?? inactive ?? (s.daysInGuild === null && !member.is_officer ? 'left out of draws: join date unreadable' : 'available for draws'), inline: true },
    ...(attendance ? [{ name: 'Attendance', value: attendance }] : []),
    ...(member.debts.length ? [debtField(member)] : []),
    { name: 'Wants', value: capped(member.wants.map((w) => safeText(w, 100)), 'nothing listed (see /want add)', ', ') },
  ];
}

/**
 * Previous / Next buttons for paginated answers; `idFor` gives the custom id that shows a page.
 * None when everything fits on one page (two disabled buttons would carry the same id, which
 * Discord refuses).
 */
export function pageButtons(idFor: (page: number) => string, page: number, hasNext: boolean): ActionRowBuilder<ButtonBuilder>[] {
  if (page <= 0 && !hasNext) return [];
  return [
    new ActionRowBuilder<ButtonBuilder>().addComponents(
      new ButtonBuilder()
        .setCustomId(idFor(Math.max(0, page - 1)))
        .setLabel('Previous')
        .setStyle(ButtonStyle.Secondary)
        .setDisabled(page <= 0),
      new ButtonBuilder()
        .setCustomId(idFor(hasNext ? page + 1 : page))
        .setLabel('Next')
        .setStyle(ButtonStyle.Secondary)
        .setDisabled(!hasNext),
    ),
  ];
}

/**
 * Who made a change, for the views that follow changes: a press names the message it updates
 * itself (the follower leaves that one alone); a command answers with its own message.
 */
export function originOf(interaction: ChatInputCommandInteraction | MessageComponentInteraction): string {
  return interaction.isMessageComponent() ? `discord:${interaction.message.id}` : 'discord-command';
}
