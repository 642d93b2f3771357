/**
 * How the API shows members, lists and draws: plain JSON read from the records after the write
 * that changed them (a view, as the Discord message is one), ids in their safe form (ids.ts) so
 * they can go back into a URL as they are.
 */
import { candidatesFor } from '../../domain/draw';
import { safeIdForm } from '../../domain/ids';
import { isAway, standingOf } from '../../domain/ranks';
import { attendedInWindow, eligibleQualities, EVENT_KINDS, isInactive, LEFT_OUT_WORDS } from '../../domain/attendance';
import type { GuildEvent } from '../../services/events';
import type { Distribution } from '../../services/distributions';
import type { DistributionList } from '../../services/lists';
import type { CountedMember } from '../../services/members';
import type { WebContext } from '../context';

export function memberView(ctx: WebContext, member: CountedMember) {
  const today = ctx.today();
  const standing = standingOf(member, ctx.config.ranks, today);
  return {
    id: member.discord_id,
    username: member.username,
    officer: member.is_officer,
    rank: standing.rank,
    days_in_guild: standing.daysInGuild === null ? null : Math.max(0, standing.daysInGuild),
    join_date: member.join_date ?? null,
    eligible_for: eligibleQualities(member, ctx.config.ranks, ctx.config.attendance, ctx.clock.now()),
    ...attendanceView(ctx, member, standing.eligibleFor),
    links_received: member.counters.links_received,
    last_link_at: member.counters.last_link_at ?? null,
    away_until: isAway(member, today) ? (member.away_until ?? null) : null,
    wants: member.wants,
  };
}

/** A member's attendance, which rule keeps them from which quality, and what they are owed (docs/attendance.md). */
export function attendanceView(ctx: WebContext, member: CountedMember, byRank: readonly string[]) {
  const rules = ctx.config.attendance;
  const now = ctx.clock.now();
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

/** Whether a Reroll could draw anyone: someone in the pool not yet drawn (as Discord's button says). */
function canReroll(draw: Distribution): boolean {
  if (draw.status !== 'drawn' || draw.named || draw.confirm) return false;
  const exclude = new Set([...draw.drawn_before, ...(draw.winner_id ? [draw.winner_id] : [])]);
  return candidatesFor({ pool: draw.pool, wanting: new Set(draw.wanting), policy: 'uniform', stats: new Map(), exclude }).among.length > 0;
}

/** The policy's figures: the winner's next to the pool's range, so the pick can be checked. */
function fairness(draw: Distribution) {
  if (!draw.policy || draw.named || draw.policy === 'uniform' || !draw.figures.size) return null;
  const counts = [...draw.figures.values()].map((f) => f.count);
  const winner = draw.winner_id ? draw.figures.get(draw.winner_id) : undefined;
  return { winner: winner ? { count: winner.count, last: winner.last ?? null } : null, pool: { min: Math.min(...counts), max: Math.max(...counts) } };
}

/**
 * A draw in any state, with the winner's standing as their member item says now. Names of
 * those rerolled come from the roster (read only when there are any).
 */
export async function drawView(ctx: WebContext, draw: Distribution) {
  const [winner, roster] = await Promise.all([
    draw.winner_id ? ctx.services.roster.get(draw.winner_id) : Promise.resolve(undefined),
    draw.drawn_before.length ? ctx.services.members.listAll() : Promise.resolve([]),
  ]);
  const names = new Map(roster.map((m) => [m.discord_id, m.username]));
  const source = draw.named ? 'named' : draw.list_id ? 'list' : 'eligible';
  return {
    id: safeIdForm(draw.distribution_id),
    status: draw.status,
    version: draw.version,
    method: draw.method,
    quality: draw.quality,
    link_type: draw.link_type,
    bonus: draw.bonus || null,
    link_id: draw.link_id,
    named: draw.named,
    /** A confirm was claimed and may still be finishing: only Confirm is accepted. */
    confirming: Boolean(draw.confirm),
    can_reroll: canReroll(draw),
    winner: draw.winner_id
      ? winner
        ? memberView(ctx, winner)
        : { id: draw.winner_id, username: draw.winner_username ?? null, on_roster: false }
      : null,
    pool_size: draw.pool_size ?? draw.pool.length,
    left_out: draw.left_out ?? null,
    compensation: draw.compensation ?? null,
    source,
    list: draw.list_id ? { id: safeIdForm(draw.list_id), name: draw.list_name ?? null } : null,
    drawn_before: draw.drawn_before.map((id) => ({ id, username: names.get(id) ?? null })),
    wanting: draw.wanting.length,
    policy: draw.policy ?? null,
    fairness_window_days: ctx.config.draws.fairnessWindowDays,
    figures: fairness(draw),
    drawn_by: draw.drawn_by ?? null,
    drawn_at: draw.drawn_at ?? null,
    expires_at: draw.expires_at ?? null,
    member_id: draw.member_id ?? null,
    distributed_by: draw.distributed_by ?? null,
    distributed_at: draw.distributed_at ?? null,
    delivered_at: draw.delivered_at ?? null,
    delivered_by: draw.delivered_by ?? null,
    ended_by: draw.ended_by ?? null,
    reverted_by: draw.reverted_by ?? null,
    reverted_at: draw.reverted_at ?? null,
    message: draw.channel_id && draw.message_id ? { channel_id: draw.channel_id, message_id: draw.message_id, url: `https://discord.com/channels/${ctx.guildId}/${draw.channel_id}/${draw.message_id}` } : null,
  };
}

export type DrawView = Awaited<ReturnType<typeof drawView>>;
