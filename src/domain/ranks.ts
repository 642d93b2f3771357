/** Ranks and eligibility (SPEC §2). Derived when read, never stored. */
import { daysBetween, utcDay } from './dates';

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
  daysInGuild: number;
  /** Qualities this member may receive, lowest first. */
  eligibleFor: Quality[];
}

const ELIGIBLE: Record<Rank, Quality[]> = {
  'Book Worm': [],
  Scholar: ['bronze', 'silver'],
  Sage: ['bronze', 'silver', 'gold'],
  Maester: ['bronze', 'silver', 'gold'],
};

export function standingOf(
  member: { join_date: string; is_officer?: boolean },
  thresholds: RankThresholds,
  today: string = utcDay(),
): Standing {
  const daysInGuild = daysBetween(member.join_date, today);
  const rank: Rank = member.is_officer
    ? 'Maester'
    : daysInGuild >= thresholds.goldMinDays
      ? 'Sage'
      : daysInGuild >= thresholds.silverMinDays
        ? 'Scholar'
        : 'Book Worm';
  return { rank, daysInGuild, eligibleFor: ELIGIBLE[rank] };
}

export function isEligible(
  member: { join_date: string; is_officer?: boolean },
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
