/**
 * One presentation of a draw, for both of its views (Discord's message, the dashboard's page):
 * the winner and their standing, the pool and who was left out, the policy's figures, and which
 * actions are live. Pure: it reads nothing. What it shows is the record, the pool the draw was
 * made from, and the winner's member item as the caller read it, all handed in as plain data.
 * The sentences both views say about a draw are in ./draw-texts.ts.
 */
import { MAX_REROLLS, type DrawPolicy, type DrawStatus } from '../domain/draw';
import { standingOf, type Quality, type Rank, type RankThresholds } from '../domain/ranks';
import type { CandidateFigures, Distribution } from '../services/distribution-record';
import type { CountedMember } from '../services/member-items';

/**
 * What the record says of the pool the draw was made from. The pool itself (bound: the roster)
 * is on the draw's pool items (src/services/draw-pools.ts), written once; the record keeps these
 * figures of it, so a view reads the record alone.
 */
export interface DrawPool {
  /** How many were in the pool. */
  size: number;
  /** How many in the pool wanted the link's type. */
  wanting: number;
  /** How many in the pool a reroll could still draw. */
  leftToDraw: number;
  /** The winner's figures under the policy and the pool's range (fewest / longest); null when none were kept. */
  figures: { winner: CandidateFigures | undefined; range: { min: number; max: number } } | null;
}

/** What a view of a draw is made from. */
export interface DrawViewInput {
  /** The record as stored after the change being shown. */
  draw: Distribution;
  pool: DrawPool;
  /** The winner's member item as read now; null when they are no longer on the roster; undefined when not read (no standing is shown). */
  winner?: CountedMember | null;
}

/** What the presentation needs to know besides the draw: the guild's rules and the day. */
export interface DrawViewSettings {
  ranks: RankThresholds;
  /** YYYY-MM-DD (UTC). */
  today: string;
  fairnessWindowDays: number;
}

export interface WinnerStanding {
  rank: Rank;
  /** Null when the join date is unreadable. */
  daysInGuild: number | null;
  linksReceived: number;
  lastLinkAt: string | null;
}

export type PoolSource = 'named' | 'list' | 'eligible';

/** Everything both views show about a draw, as facts: each view words and lays them out. */
export interface DrawFacts {
  id: string;
  status: DrawStatus;
  version: number;
  method: 'discord' | 'web';
  quality: Quality;
  linkType: string;
  linkId: string;
  bonus: string | null;
  named: boolean;
  /** A confirm was claimed and may still be finishing: only Confirm is accepted. */
  confirming: boolean;
  /** The member the draw shows (the one awarded, once confirmed); onRoster null when their item was not read. */
  winner: { id: string; username: string | null; onRoster: boolean | null; standing: WinnerStanding | null } | null;
  pool: {
    size: number;
    leftOut: { away: number; too_new: number; unreadable: number; attendance?: number; inactive?: number } | null;
    /** The draw pays a debt (docs/attendance.md): why it was owed; null otherwise. */
    compensation: string | null;
    source: PoolSource;
    list: { id: string; name: string | null } | null;
  };
  /** Those drawn before the current winner, in order (bound: the pool). */
  rerolled: { id: string; username: string | null }[];
  /** The policy and its figures; null for a named winner (nobody was drawn). */
  policy: {
    name: DrawPolicy;
    wanting: number;
    windowDays: number;
    /** The winner's figures next to the pool's range; null for uniform, or when none were kept. */
    figures: { winner: { count: number; last: string | null } | null; pool: { min: number; max: number } } | null;
  } | null;
  /** Which buttons do something now. */
  actions: { confirm: boolean; reroll: boolean; cancel: boolean; delivered: boolean };
  drawnBy: string | null;
  drawnAt: string | null;
  expiresAt: string | null;
  awardedTo: string | null;
  distributedBy: string | null;
  distributedAt: string | null;
  deliveredAt: string | null;
  deliveredBy: string | null;
  endedBy: string | null;
  revertedBy: string | null;
  revertedAt: string | null;
  message: { channelId: string; messageId: string } | null;
}

/** The pool as the record keeps it. */
export function poolOf(draw: Distribution): DrawPool {
  return {
    size: draw.pool_size ?? draw.pool.length,
    wanting: draw.wanting_count,
    leftToDraw: draw.left_to_draw,
    figures: draw.figures_range ? { winner: draw.winner_figures, range: draw.figures_range } : null,
  };
}

/**
 * Whether a Reroll could draw anyone: the draw is open, nobody is confirming, someone in the pool
 * was not drawn yet, and it was rerolled fewer than MAX_REROLLS times.
 */
export function canReroll(draw: Distribution, pool: DrawPool): boolean {
  if (draw.status !== 'drawn' || draw.named || draw.confirm) return false;
  return pool.leftToDraw > 0 && draw.drawn_before.length < MAX_REROLLS;
}

function standingFor(member: CountedMember, settings: DrawViewSettings): WinnerStanding {
  const s = standingOf(member, settings.ranks, settings.today);
  return {
    rank: s.rank,
    daysInGuild: s.daysInGuild === null ? null : Math.max(0, s.daysInGuild),
    linksReceived: member.counters.links_received,
    lastLinkAt: member.counters.last_link_at ?? null,
  };
}

function policyOf(draw: Distribution, pool: DrawPool, settings: DrawViewSettings): DrawFacts['policy'] {
  if (!draw.policy || draw.named) return null;
  let figures: NonNullable<DrawFacts['policy']>['figures'] = null;
  if (draw.policy !== 'uniform' && pool.figures) {
    const winner = pool.figures.winner;
    figures = { winner: winner ? { count: winner.count, last: winner.last ?? null } : null, pool: { ...pool.figures.range } };
  }
  return { name: draw.policy, wanting: pool.wanting, windowDays: settings.fairnessWindowDays, figures };
}

/** The draw as both views show it. */
export function presentDraw({ draw, pool, winner }: DrawViewInput, settings: DrawViewSettings): DrawFacts {
  const open = draw.status === 'drawn';
  const confirming = open && Boolean(draw.confirm);
  const winnerOnRoster = winner && winner.discord_id === draw.winner_id ? winner : undefined;
  const onRoster = winner === undefined ? null : Boolean(winnerOnRoster);
  return {
    id: draw.distribution_id,
    status: draw.status,
    version: draw.version,
    method: draw.method,
    quality: draw.quality,
    linkType: draw.link_type,
    linkId: draw.link_id,
    bonus: draw.bonus || null,
    named: draw.named,
    confirming,
    winner: draw.winner_id
      ? { id: draw.winner_id, username: winnerOnRoster?.username ?? draw.winner_username ?? null, onRoster, standing: winnerOnRoster ? standingFor(winnerOnRoster, settings) : null }
      : null,
    pool: {
      size: pool.size,
      leftOut: draw.left_out ?? null,
      compensation: draw.compensation ?? null,
      source: draw.named ? 'named' : draw.list_id ? 'list' : 'eligible',
      list: draw.list_id ? { id: draw.list_id, name: draw.list_name ?? null } : null,
    },
    rerolled: draw.drawn_before.map((id, i) => ({ id, username: draw.drawn_before_names[i] || null })),
    policy: policyOf(draw, pool, settings),
    actions: {
      confirm: open,
      reroll: canReroll(draw, pool),
      cancel: open && !confirming,
      delivered: draw.status === 'confirmed' && !draw.delivered_at,
    },
    drawnBy: draw.drawn_by ?? null,
    drawnAt: draw.drawn_at ?? null,
    expiresAt: draw.expires_at ?? null,
    awardedTo: draw.member_id ?? null,
    distributedBy: draw.distributed_by ?? null,
    distributedAt: draw.distributed_at ?? null,
    deliveredAt: draw.delivered_at ?? null,
    deliveredBy: draw.delivered_by ?? null,
    endedBy: draw.ended_by ?? null,
    revertedBy: draw.reverted_by ?? null,
    revertedAt: draw.reverted_at ?? null,
    message: draw.channel_id && draw.message_id ? { channelId: draw.channel_id, messageId: draw.message_id } : null,
  };
}
