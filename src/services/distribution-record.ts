/**
 * A distributions-table record as FlavaFlav reads it (src/services/distributions.ts): the
 * `Distribution` type and `readDistribution`, which reads whatever form the item holds (the
 * previous system's too); the order of history, and what a member's history says of their
 * counters and newest links. Pure: no reads, no writes.
 */
import { storedDay, storedInstant } from '../domain/dates';
import { candidatesFor, DRAW_STATUSES, isDrawPolicy, type DrawPolicy, type DrawStatus } from '../domain/draw';
import { isQuality, QUALITIES, type Quality } from '../domain/ranks';
import { DISTRIBUTION, readItem } from '../db/schema';
import { readPool } from './draw-pools';
import { emptyCounters, RECENT_LINKS, type Counters, type RecentLink } from './member-items';

export type DistributionStatus = DrawStatus;

/** Why a candidate was in or out, and their figures, as the draw saw them. */
export interface CandidateFigures {
  count: number;
  last?: string;
}

export interface Distribution {
  distribution_id: string;
  status: DistributionStatus;
  link_id: string;
  link_type: string;
  quality: Quality;
  bonus: string;
  method: 'discord' | 'web';
  /** The member awarded (confirmed and reverted records). */
  member_id?: string;
  member_username?: string;
  distributed_by?: string;
  /** ISO-8601 UTC (normalized from whatever form is stored). */
  distributed_at?: string;
  /** YYYY-MM-DD of distributed_at. */
  distribution_date?: string;
  notes?: string;
  list_id?: string;
  /**
   * Every member id the draw could pick, when the record itself holds it (records written before
   * pool items; empty otherwise: the pool is on the draw's pool items, src/services/draw-pools.ts).
   */
  pool: string[];
  /** How many pool items hold the pool; undefined when the record holds it (or none was kept). */
  pool_chunks?: number;
  /** Undefined when not recorded (the previous system kept none). */
  pool_size?: number;
  drawn_before: string[];
  /** Each drawn_before's name when drawn, in order, so views read no roster (shorter on older records). */
  drawn_before_names: string[];
  policy?: DrawPolicy;
  delivered_at?: string;
  delivered_by?: string;
  reverted_by?: string;
  reverted_at?: string;
  // ---- the draw ----
  version: number;
  /** The member the draw currently shows (the winner, once confirmed). */
  winner_id?: string;
  winner_username?: string;
  named: boolean;
  drawn_by?: string;
  drawn_at?: string;
  expires_at?: string;
  /** Who pressed each reroll, in order (parallel to drawn_before). */
  rerolled_by: string[];
  channel_id?: string;
  message_id?: string;
  ended_by?: string;
  /** A confirm in progress (its award time, who pressed, when it was claimed). */
  confirm?: { at: string; by: string; startedAt: string };
  list_name?: string;
  /** How many the pool left out, and why. */
  left_out?: { away: number; too_new: number; unreadable: number; attendance?: number; inactive?: number };
  /** The award pays a debt (docs/attendance.md): why it was owed, and which debt (a quality or "any"). */
  compensation?: string;
  compensation_debt?: string;
  /** How many in the pool wanted the link's type. */
  wanting_count: number;
  /** The policy's figures for the winner shown (fewest / longest), and their range over the pool. */
  winner_figures?: CandidateFigures;
  figures_range?: { min: number; max: number };
  /** How many in the pool a reroll could still draw (neither drawn before nor the winner). */
  left_to_draw: number;
  /** Which open-draws shard lists the record while it is open or unannounced (src/services/open-draws.ts). */
  open_shard?: number;
  /** When the award's announcement (channel post and message edit) was done. */
  announced_at?: string;
  /** An announcement in progress: when it was claimed. */
  announce_claimed_at?: string;
  /** What the item stores, exactly, for conditions and index keys. */
  stored: { distributed_at?: unknown };
}

/**
 * Newest first by when the record was awarded or ended (or drawn, for an open draw); records of
 * the same instant by id, as a member item orders its newest links.
 */
export const newestFirst = (a: Distribution, b: Distribution) =>
  (b.distributed_at ?? b.drawn_at ?? '').localeCompare(a.distributed_at ?? a.drawn_at ?? '') || b.distribution_id.localeCompare(a.distribution_id);

/** Standing awards: confirmed, or written before statuses existed. */
export const isStanding = (d: Pick<Distribution, 'status'>) => d.status === 'confirmed';

/**
 * A member's counters as their history says: standing awards only, optionally without one being
 * reverted. Used for members the previous system wrote (no counters) and for every revert.
 */
export function countersFromHistory(records: Distribution[], without?: string): Counters {
  const counters = emptyCounters();
  for (const d of records) {
    if (!isStanding(d) || d.distribution_id === without || !d.distributed_at) continue;
    counters.links_received++;
    counters.awards[d.quality].push({ at: d.distributed_at, id: d.distribution_id });
    if (!counters.last_link_at || d.distributed_at > counters.last_link_at) counters.last_link_at = d.distributed_at;
  }
  for (const q of QUALITIES) counters.awards[q].sort((a, b) => a.at.localeCompare(b.at));
  return counters;
}

/** A member's newest links as their history says (awards, reverted ones marked), newest first. */
export function recentFromHistory(records: Distribution[]): RecentLink[] {
  return records
    .filter((d) => (isStanding(d) || d.status === 'reverted') && d.distributed_at)
    .sort(newestFirst)
    .slice(0, RECENT_LINKS)
    .map((d) => ({ id: d.distribution_id, at: d.distributed_at!, quality: d.quality, link_type: d.link_type, ...(d.status === 'reverted' ? { reverted: true } : {}) }));
}

/**
 * A record in FlavaFlav's form, from its declared attributes (each of its declared type): a record
 * without a status is confirmed (the previous system's), an unknown quality bronze, an unknown
 * method discord; summaries a record kept whole (before pool items) are derived from its pool.
 */
export function readDistribution(item: Record<string, unknown>): Distribution {
  const stored = readItem(DISTRIBUTION, item);
  const text = (v: string | undefined) => (v !== '' ? v : undefined);
  const count = (v: unknown) => Number(v ?? 0) || 0;
  const status = DRAW_STATUSES.find((s) => s === stored.status) ?? 'confirmed';
  const distributedAt = storedInstant(stored.distributed_at) ?? undefined;
  const quality = (stored.quality ?? '').toLowerCase();
  const pool = [...(stored.pool ?? [])];
  // Records written before pool items kept the wants and figures whole: their summaries are derived.
  const whole = readPool([stored]);
  const winnerId = text(stored.winner_id) ?? text(stored.member_id);
  const drawnBefore = stored.drawn_before ?? [];
  const figure = (v: Record<string, unknown> | undefined): CandidateFigures | undefined =>
    v && { count: count(v.count), ...(typeof v.last === 'string' ? { last: v.last } : {}) };
  const counts = [...whole.figures.values()].map((f) => f.count);
  const range = stored.figures_range;
  const leftToDraw =
    stored.left_to_draw !== undefined
      ? stored.left_to_draw || 0
      : candidatesFor({ pool, wanting: new Set(), policy: 'uniform', stats: new Map(), exclude: new Set([...drawnBefore, ...(winnerId ? [winnerId] : [])]) }).among.length;
  const leftOut = stored.left_out;
  const confirm = stored.confirm_at && stored.confirm_started_at ? { at: stored.confirm_at, by: stored.confirm_by ?? '', startedAt: stored.confirm_started_at } : undefined;
  return {
    distribution_id: stored.distribution_id ?? '',
    status,
    link_id: stored.link_id ?? '',
    link_type: stored.link_type ?? 'unknown',
    quality: isQuality(quality) ? quality : 'bronze',
    bonus: stored.bonus ?? '',
    method: stored.method === 'web' ? 'web' : 'discord',
    member_id: text(stored.member_id),
    member_username: text(stored.member_username),
    distributed_by: text(stored.distributed_by),
    distributed_at: distributedAt,
    distribution_date: storedDay(stored.distribution_date) ?? (distributedAt ? distributedAt.slice(0, 10) : undefined),
    notes: text(stored.notes),
    list_id: text(stored.list_id),
    pool,
    pool_chunks: stored.pool_chunks !== undefined ? stored.pool_chunks || 0 : undefined,
    pool_size: stored.pool_size !== undefined ? stored.pool_size || 0 : pool.length || undefined,
    drawn_before: drawnBefore,
    drawn_before_names: stored.drawn_before_names ?? [],
    policy: stored.policy !== undefined && isDrawPolicy(stored.policy) ? stored.policy : undefined,
    delivered_at: storedInstant(stored.delivered_at) ?? undefined,
    delivered_by: text(stored.delivered_by),
    reverted_by: text(stored.reverted_by),
    reverted_at: storedInstant(stored.reverted_at) ?? undefined,
    version: stored.version || 0,
    winner_id: winnerId,
    winner_username: text(stored.winner_username) ?? text(stored.member_username),
    named: stored.named === true,
    drawn_by: text(stored.drawn_by),
    drawn_at: storedInstant(stored.drawn_at) ?? undefined,
    expires_at: storedInstant(stored.expires_at) ?? undefined,
    rerolled_by: stored.rerolled_by ?? [],
    channel_id: text(stored.channel_id),
    message_id: text(stored.message_id),
    ended_by: text(stored.ended_by),
    confirm,
    list_name: text(stored.list_name),
    left_out: leftOut
      ? {
          away: count(leftOut.away),
          too_new: count(leftOut.too_new),
          unreadable: count(leftOut.unreadable),
          ...(leftOut.attendance !== undefined ? { attendance: count(leftOut.attendance) } : {}),
          ...(leftOut.inactive !== undefined ? { inactive: count(leftOut.inactive) } : {}),
        }
      : undefined,
    ...(stored.compensation !== undefined ? { compensation: stored.compensation } : {}),
    ...(stored.compensation_debt !== undefined ? { compensation_debt: stored.compensation_debt } : {}),
    wanting_count: stored.wanting_count !== undefined ? stored.wanting_count || 0 : whole.wanting.length,
    winner_figures: figure(stored.winner_figures) ?? (winnerId ? whole.figures.get(winnerId) : undefined),
    figures_range: range ? { min: count(range.min), max: count(range.max) } : counts.length ? { min: Math.min(...counts), max: Math.max(...counts) } : undefined,
    left_to_draw: leftToDraw,
    open_shard: stored.open_shard,
    announced_at: text(stored.announced_at),
    announce_claimed_at: text(stored.announce_claimed_at),
    stored: { distributed_at: item.distributed_at },
  };
}
