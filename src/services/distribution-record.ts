/**
 * A distributions-table record as FlavaFlav reads it (src/services/distributions.ts): the
 * `Distribution` type and `readDistribution`, which reads whatever form the item holds (the
 * previous system's too); the order of history, and what a member's history says of their
 * counters and newest links. Pure: no reads, no writes.
 */
import { storedDay, storedInstant } from '../domain/dates';
import { candidatesFor, DRAW_STATUSES, isDrawPolicy, type DrawPolicy, type DrawStatus } from '../domain/draw';
import { isQuality, QUALITIES, type Quality } from '../domain/ranks';
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

/** A record in FlavaFlav's form, read from whatever the item holds. */
export function readDistribution(item: Record<string, unknown>): Distribution {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const ids = (v: unknown) => (v instanceof Set ? [...v] : Array.isArray(v) ? v : []).filter((x): x is string => typeof x === 'string');
  const status = DRAW_STATUSES.find((s) => s === item.status) ?? 'confirmed';
  const distributedAt = storedInstant(item.distributed_at) ?? undefined;
  const quality = String(item.quality ?? '').toLowerCase();
  const pool = ids(item.pool);
  // Records written before pool items kept the wants and figures whole: their summaries are derived.
  const whole = readPool([item]);
  const winnerId = text(item.winner_id) ?? text(item.member_id);
  const drawnBefore = ids(item.drawn_before);
  const figure = (v: unknown): CandidateFigures | undefined => {
    if (!v || typeof v !== 'object') return undefined;
    const f = v as { count?: unknown; last?: unknown };
    return { count: Number(f.count ?? 0) || 0, ...(typeof f.last === 'string' ? { last: f.last } : {}) };
  };
  const counts = [...whole.figures.values()].map((f) => f.count);
  const range = item.figures_range as { min?: unknown; max?: unknown } | undefined;
  const leftToDraw =
    item.left_to_draw !== undefined
      ? Number(item.left_to_draw) || 0
      : candidatesFor({ pool, wanting: new Set(), policy: 'uniform', stats: new Map(), exclude: new Set([...drawnBefore, ...(winnerId ? [winnerId] : [])]) }).among.length;
  const leftOut = item.left_out as { away?: unknown; too_new?: unknown; unreadable?: unknown; attendance?: unknown; inactive?: unknown } | undefined;
  const confirm = item.confirm_at && item.confirm_started_at ? { at: String(item.confirm_at), by: String(item.confirm_by ?? ''), startedAt: String(item.confirm_started_at) } : undefined;
  return {
    distribution_id: String(item.distribution_id),
    status,
    link_id: String(item.link_id ?? ''),
    link_type: String(item.link_type ?? 'unknown'),
    quality: isQuality(quality) ? quality : 'bronze',
    bonus: String(item.bonus ?? ''),
    method: item.method === 'web' ? 'web' : 'discord',
    member_id: text(item.member_id),
    member_username: text(item.member_username),
    distributed_by: text(item.distributed_by),
    distributed_at: distributedAt,
    distribution_date: storedDay(item.distribution_date) ?? (distributedAt ? distributedAt.slice(0, 10) : undefined),
    notes: text(item.notes),
    list_id: text(item.list_id),
    pool,
    pool_chunks: item.pool_chunks !== undefined ? Number(item.pool_chunks) || 0 : undefined,
    pool_size: item.pool_size !== undefined ? Number(item.pool_size) || 0 : pool.length || undefined,
    drawn_before: drawnBefore,
    drawn_before_names: ids(item.drawn_before_names),
    policy: typeof item.policy === 'string' && isDrawPolicy(item.policy) ? item.policy : undefined,
    delivered_at: storedInstant(item.delivered_at) ?? undefined,
    delivered_by: text(item.delivered_by),
    reverted_by: text(item.reverted_by),
    reverted_at: storedInstant(item.reverted_at) ?? undefined,
    version: Number(item.version ?? 0) || 0,
    winner_id: winnerId,
    winner_username: text(item.winner_username) ?? text(item.member_username),
    named: item.named === true,
    drawn_by: text(item.drawn_by),
    drawn_at: storedInstant(item.drawn_at) ?? undefined,
    expires_at: storedInstant(item.expires_at) ?? undefined,
    rerolled_by: ids(item.rerolled_by),
    channel_id: text(item.channel_id),
    message_id: text(item.message_id),
    ended_by: text(item.ended_by),
    confirm,
    list_name: text(item.list_name),
    left_out: leftOut
      ? {
          away: Number(leftOut.away ?? 0) || 0,
          too_new: Number(leftOut.too_new ?? 0) || 0,
          unreadable: Number(leftOut.unreadable ?? 0) || 0,
          ...(leftOut.attendance !== undefined ? { attendance: Number(leftOut.attendance) || 0 } : {}),
          ...(leftOut.inactive !== undefined ? { inactive: Number(leftOut.inactive) || 0 } : {}),
        }
      : undefined,
    ...(typeof item.compensation === 'string' ? { compensation: item.compensation } : {}),
    ...(typeof item.compensation_debt === 'string' ? { compensation_debt: item.compensation_debt } : {}),
    wanting_count: item.wanting_count !== undefined ? Number(item.wanting_count) || 0 : whole.wanting.length,
    winner_figures: figure(item.winner_figures) ?? (winnerId ? whole.figures.get(winnerId) : undefined),
    figures_range: range ? { min: Number(range.min ?? 0) || 0, max: Number(range.max ?? 0) || 0 } : counts.length ? { min: Math.min(...counts), max: Math.max(...counts) } : undefined,
    left_to_draw: leftToDraw,
    open_shard: item.open_shard !== undefined ? Number(item.open_shard) : undefined,
    announced_at: text(item.announced_at),
    announce_claimed_at: text(item.announce_claimed_at),
    stored: { distributed_at: item.distributed_at },
  };
}
