/**
 * How the API shows members, lists and draws: plain JSON read from the records after the write
 * that changed them (a view, as the Discord message is one), ids in their safe form (ids.ts) so
 * they can go back into a URL as they are.
 */
import { safeIdForm } from '../../domain/ids';
import { isAway, standingOf } from '../../domain/ranks';
import { attendedInWindow, DEFAULT_ATTENDANCE, eligibleQualities, EVENT_KINDS, isInactive, LEFT_OUT_WORDS } from '../../domain/attendance';
import type { GuildEvent } from '../../services/event-items';
import type { DistributionList } from '../../services/lists';
import type { CountedMember } from '../../services/member-items';
import { presentDraw, type DrawViewInput } from '../../views/draw';
import { confirmingText, drawTitle, policyTexts, poolText, type DrawWording } from '../../views/draw-texts';
import type { WebContext } from '../context';

/** What a member's view needs of the context; the clock (for the attendance window) when the caller has one. */
type ViewContext = Pick<WebContext, 'config' | 'today'> & Partial<Pick<WebContext, 'clock'>>;
const nowOf = (ctx: ViewContext) => ctx.clock?.now() ?? new Date(`${ctx.today()}T12:00:00.000Z`);

export function memberView(ctx: ViewContext, member: CountedMember) {
  const today = ctx.today();
  const standing = standingOf(member, ctx.config.ranks, today);
  return {
    id: member.discord_id,
    username: member.username,
    officer: member.is_officer,
    rank: standing.rank,
    days_in_guild: standing.daysInGuild === null ? null : Math.max(0, standing.daysInGuild),
    join_date: member.join_date ?? null,
    eligible_for: eligibleQualities(member, ctx.config.ranks, ctx.config.attendance ?? DEFAULT_ATTENDANCE, nowOf(ctx)),
    ...attendanceView(ctx, member, standing.eligibleFor),
    links_received: member.counters.links_received,
    last_link_at: member.counters.last_link_at ?? null,
    away_until: isAway(member, today) ? (member.away_until ?? null) : null,
    wants: member.wants,
  };
}

/** A member's attendance, which rule keeps them from which quality, and what they are owed (docs/attendance.md). */
export function attendanceView(ctx: ViewContext, member: CountedMember, byRank: readonly string[]) {
  const rules = ctx.config.attendance ?? DEFAULT_ATTENDANCE;
  const now = nowOf(ctx);
  const may = eligibleQualities(member, ctx.config.ranks, rules, now);
  const inactive = isInactive(member.attendance, rules);
  return {
    /** Qualities the rank allows but too few events attended keeps them from. */
    held_by_attendance: byRank.filter((q) => !may.includes(q as never)),
    left_out: inactive ? LEFT_OUT_WORDS.get('inactive') : null,
    attendance: {
      counted: rules.required ? { kind: rules.required.kind, min: rules.required.min, window_days: rules.windowDays } : null,
      attended: Object.fromEntries(EVENT_KINDS.map((k) => [k, attendedInWindow(member.attendance, k, rules.windowDays, now)])),
      misses_in_a_row: member.attendance.missed.length,
      inactive,
    },
    debts: member.debts.map((d) => ({ quality: d.key, reason: d.reason, since: d.since, by: d.by })),
  };
}

/** An event and its roll, names from the roster where known. */
export function eventView(event: GuildEvent, names: ReadonlyMap<string, string>) {
  const person = (id: string) => ({ id, username: names.get(id) ?? null });
  return {
    id: safeIdForm(event.event_id),
    kind: event.kind,
    name: event.name ?? null,
    status: event.status,
    started_by: event.started_by,
    started_at: event.started_at,
    closes_at: event.closes_at,
    closed_at: event.closed_at ?? null,
    present: event.present.map(person),
    absent: event.absent.map(person),
    excused: event.excused.map(person),
  };
}

export function listView(list: DistributionList, names: ReadonlyMap<string, string>) {
  const person = (id: string) => ({ id, username: names.get(id) ?? null });
  return {
    id: safeIdForm(list.list_id),
    name: list.list_name,
    quality: list.quality,
    active: list.is_active === 'true',
    created_at: list.created_at,
    created_by: list.created_by,
    // In the order the lists service keeps them (it stores them as sets).
    waiting: list.eligible_members.map(person),
    winners: list.winners.map(person),
    cycle: list.cycle ?? 1,
    served_everyone: list.is_active === 'true' && list.eligible_members.length === 0 && list.winners.length > 0,
  };
}

/** How the dashboard words a draw's sentences (src/views/draw-texts.ts). */
export const WEB_WORDING: DrawWording = {
  startAgain: 'start a new draw',
  shownOn: 'page',
  notFound: 'There is no such draw.',
  member: (id, username) => username ?? id,
  // The page writes text as text: only its length is bounded here.
  text: (value, max) => (value.length > max ? `${value.slice(0, max - 1)}…` : value),
  button: (label) => label,
  time: (iso) => (iso ? iso.slice(0, 10) : 'never'),
  fix: {
    stock: 'Add some first.',
    listNotFound: 'Pick one of the lists shown.',
    pickActive: 'Pick an active list, or leave list empty.',
    roster: 'Add them first.',
    joinDate: 'set it with Add member',
    waiting: 'Add them to it, or leave list empty.',
    nobodyOnList: 'Add members to the list.',
  },
};

/** What a draw's view needs of the web's context: the guild's rules, the day, the guild. */
export type DrawViewContext = Pick<WebContext, 'config' | 'today' | 'guildId'>;

/**
 * A draw in any state, as JSON: its presentation (src/views/draw.ts), with the winner's member
 * view when the caller read their item. Pure: the route reads what it shows.
 */
export function drawView(ctx: DrawViewContext, input: DrawViewInput) {
  const f = presentDraw(input, { ranks: ctx.config.ranks, today: ctx.today(), fairnessWindowDays: ctx.config.draws.fairnessWindowDays });
  const winner = f.winner && input.winner && input.winner.discord_id === f.winner.id ? input.winner : undefined;
  return {
    id: safeIdForm(f.id),
    status: f.status,
    version: f.version,
    method: f.method,
    quality: f.quality,
    link_type: f.linkType,
    bonus: f.bonus,
    link_id: f.linkId,
    named: f.named,
    /** A confirm was claimed and may still be finishing: only Confirm is accepted. */
    confirming: f.confirming,
    can_reroll: f.actions.reroll,
    /** Which buttons do something now (the same as Discord's). */
    actions: f.actions,
    winner: f.winner ? (winner ? memberView(ctx, winner) : { id: f.winner.id, username: f.winner.username, on_roster: f.winner.onRoster }) : null,
    pool_size: f.pool.size,
    left_out: f.pool.leftOut,
    compensation: f.pool.compensation,
    source: f.pool.source,
    list: f.pool.list ? { id: safeIdForm(f.pool.list.id), name: f.pool.list.name } : null,
    drawn_before: f.rerolled,
    wanting: f.policy?.wanting ?? 0,
    policy: f.policy?.name ?? null,
    fairness_window_days: ctx.config.draws.fairnessWindowDays,
    figures: f.policy?.figures ?? null,
    /** The sentences Discord's message says too, in the page's words. */
    texts: { title: drawTitle(f), pool: poolText(f, WEB_WORDING), policy: policyTexts(f, WEB_WORDING), confirming: f.confirming ? confirmingText(f, WEB_WORDING) : null },
    drawn_by: f.drawnBy,
    drawn_at: f.drawnAt,
    expires_at: f.expiresAt,
    member_id: f.awardedTo,
    distributed_by: f.distributedBy,
    distributed_at: f.distributedAt,
    delivered_at: f.deliveredAt,
    delivered_by: f.deliveredBy,
    ended_by: f.endedBy,
    reverted_by: f.revertedBy,
    reverted_at: f.revertedAt,
    message: f.message ? { channel_id: f.message.channelId, message_id: f.message.messageId, url: `https://discord.com/channels/${ctx.guildId}/${f.message.channelId}/${f.message.messageId}` } : null,
  };
}

export type DrawView = ReturnType<typeof drawView>;
