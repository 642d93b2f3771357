/** Ranks and eligibility (docs/architecture.md, "Ranks and officers"): derived when read, never stored. */
import { daysBetween, parseDay, utcDay } from './dates';

export const QUALITIES = ['bronze', 'silver', 'gold'] as const;
export type Quality = (typeof QUALITIES)[number];

export function isQuality(value: string): value is Quality {
  return (QUALITIES as readonly string[]).includes(value);
}

export const RANKS = ['Book Worm', 'Scholar', 'Sage', 'Maester'] as const;
export type Rank = (typeof RANKS)[number];

export interface RankThresholds {
  silverMinDays: number;
  goldMinDays: number;
}

export interface Standing {
  rank: Rank;
  /** Null when the stored join date is unreadable: such a member ranks by office only. */
  daysInGuild: number | null;
  /** Qualities this member may receive, lowest first. */
  eligibleFor: Quality[];
}

const ELIGIBLE: Record<Rank, Quality[]> = {
  'Book Worm': [],
  Scholar: ['bronze', 'silver'],
  Sage: ['bronze', 'silver', 'gold'],
  Maester: ['bronze', 'silver', 'gold'],
};

/**
 * A member's rank today. `join_date` is the day the tables say (already read from whatever form
 * they hold it in); without a readable one, a member is a Maester if an officer and otherwise
 * ranks lowest, eligible for nothing, until an officer fixes the date.
 */
export function standingOf(
  member: { join_date?: string; is_officer?: boolean },
  thresholds: RankThresholds,
  today: string = utcDay(),
): Standing {
  const daysInGuild = member.join_date && parseDay(member.join_date) ? daysBetween(member.join_date, today) : null;
  const rank: Rank = member.is_officer
    ? 'Maester'
    : daysInGuild === null
      ? 'Book Worm'
      : daysInGuild >= thresholds.goldMinDays
      ? 'Sage'
      : daysInGuild >= thresholds.silverMinDays
        ? 'Scholar'
        : 'Book Worm';
  return { rank, daysInGuild, eligibleFor: ELIGIBLE[rank] };
}

export function isEligible(
  member: { join_date?: string; is_officer?: boolean },
  quality: Quality,
  thresholds: RankThresholds,
  today: string = utcDay(),
): boolean {
  return standingOf(member, thresholds, today).eligibleFor.includes(quality);
}

/** Away members (away_until today or later) are skipped by random picks. */
export function isAway(member: { away_until?: string }, today: string = utcDay()): boolean {
  return Boolean(member.away_until && member.away_until >= today);
}
