/**
 * A member item as the members table holds it (src/services/members.ts): the types FlavaFlav reads
 * it into, and its codec. `readMember` reads any form the tables hold (FlavaFlav's, the previous
 * system's, the old single table's); the encoders give the stored forms of award logs, newest
 * links and debts. Pure: no reads, no writes.
 */
import { DEBT_KEYS, EVENT_KINDS, legacyAttendance, NO_ATTENDANCE, type Attendance, type Debt } from '../domain/attendance';
import { storedDay, storedInstant } from '../domain/dates';
import { QUALITIES, type Quality } from '../domain/ranks';
import { AWARDS_KEPT, MAX_WANTS, MEMBER, readItem, RECENT_LINKS, type Read } from '../db/schema';

/** One award in a member's own log: when, and which record. */
export interface AwardEntry {
  at: string;
  id: string;
}

export type AwardLog = Record<Quality, AwardEntry[]>;

/**
 * One of a member's newest links, kept on their item (`recent_links`, by record id) so that
 * `/member info` reads one item: awarded (or reverted since) by FlavaFlav's award and revert
 * transactions. An item without it is read from the member's history instead.
 */
export interface RecentLink {
  id: string;
  at: string;
  quality: Quality;
  link_type: string;
  reverted?: boolean;
}

export { AWARDS_KEPT, MAX_WANTS, RECENT_LINKS };

/** What a member has received: kept on the item by FlavaFlav, derived from history otherwise. */
export interface Counters {
  links_received: number;
  last_link_at?: string;
  /** Every standing award by quality, oldest first (the fairness policies read it). */
  awards: AwardLog;
}

export interface Member {
  discord_id: string;
  username: string;
  /** YYYY-MM-DD, from whatever form the item holds; undefined when it is unreadable. */
  join_date?: string;
  is_officer: boolean;
  added_by?: string;
  added_date?: string;
  updated_at?: string;
  /** YYYY-MM-DD: skipped by random picks through this day. */
  away_until?: string;
  /** Link types this member wants (at most 10). */
  wants: string[];
  /** Undefined when the item carries no counters (the previous system wrote none). */
  counters?: Counters;
  /** Their newest links, newest first; undefined when the item keeps none (read their history). */
  recent?: RecentLink[];
  /** Events attended in the window and the current run of misses (docs/attendance.md). */
  attendance: Attendance;
  /** Links owed (compensation), oldest first: at most one per quality and one of any quality. */
  debts: Debt[];
  /** False when the item keeps no `debts` and they were read from the previous system's `compensation_owed`. */
  debtsStored: boolean;
  /** What the item stores as its join date, exactly (for conditions on what was read). */
  storedJoinDate?: unknown;
  /** What the item stores as updated_at, exactly (for conditions on what was read). */
  storedUpdatedAt?: unknown;
}

export type CountedMember = Member & { counters: Counters };

export interface NewMember {
  discord_id: string;
  username: string;
  join_date: string;
  is_officer: boolean;
  added_by: string;
}

export const AWARDS_ATTRIBUTE = { bronze: 'awards_bronze', silver: 'awards_silver', gold: 'awards_gold' } as const satisfies Record<Quality, string>;

/** The award log as written: the newest AWARDS_KEPT entries. */
export function awardLog(entries: readonly AwardEntry[]): Set<string> {
  return new Set([...entries].sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id)).slice(0, AWARDS_KEPT).map(encodeEntry));
}

export function emptyCounters(): Counters {
  return { links_received: 0, awards: { bronze: [], silver: [], gold: [] } };
}

/**
 * Whether an item is a member. The legacy single table holds other things under members' keys
 * too: link-history items (`link_id`, `date_received`) and older links, lists and distributions.
 */
export function isMemberItem(item: Record<string, unknown>): boolean {
  if (typeof item.discord_id !== 'string') return false;
  if ('date_received' in item || 'link_id' in item || 'list_name' in item || 'distributed_at' in item) return false;
  return 'join_date' in item || 'guild_join_date' in item;
}

type StoredMember = Read<typeof MEMBER>;

/**
 * A member in FlavaFlav's form, read from any form the tables hold (its declared attributes, each
 * of its declared type): the old single table's username, join date and role stand in for
 * FlavaFlav's, and the previous system's attendance fields for attendance and debts. Stale rank,
 * eligibility and day counts are ignored.
 */
export function readMember(item: Record<string, unknown>): Member {
  const stored = readItem(MEMBER, item);
  const id = stored.discord_id ?? '';
  const storedJoinDate = item.join_date ?? item.guild_join_date;
  const text = (v: string | undefined) => (v?.trim() ? v : undefined);
  const member: Member = {
    discord_id: id,
    username: text(stored.username) ?? text(stored.discord_username) ?? id,
    join_date: storedDay(storedJoinDate) ?? undefined,
    storedJoinDate,
    storedUpdatedAt: item.updated_at,
    // The old single table said who was an officer with a role; FlavaFlav's is_officer flag, once written, decides (a string "true" too).
    is_officer: item.is_officer !== undefined ? item.is_officer === true || item.is_officer === 'true' : stored.role === 'admin' || stored.role === 'officer',
    added_by: text(stored.added_by),
    added_date: storedInstant(stored.added_date ?? stored.created_at) ?? undefined,
    updated_at: storedInstant(stored.updated_at) ?? undefined,
    away_until: storedDay(stored.away_until) ?? undefined,
    wants: [...(stored.wants ?? [])].sort((a, b) => a.localeCompare(b)),
    recent: readRecent(stored.recent_links),
    ...readAttendanceAndDebts(item, stored),
  };
  if (stored.links_received !== undefined) {
    const awards = emptyCounters().awards;
    for (const q of QUALITIES) awards[q] = readEntries(stored[AWARDS_ATTRIBUTE[q]]);
    member.counters = {
      links_received: Math.max(0, Math.trunc(stored.links_received) || 0),
      last_link_at: storedInstant(stored.last_link_at) ?? undefined,
      awards,
    };
  }
  return member;
}

/** Attendance and debts as FlavaFlav keeps them, else as the previous system's fields say (never rewritten). */
function readAttendanceAndDebts(item: Record<string, unknown>, stored: StoredMember): { attendance: Attendance; debts: Debt[]; debtsStored: boolean } {
  const keepsAttendance = stored.attended !== undefined || stored.missed !== undefined || stored.last_attended_at !== undefined;
  const keepsDebts = stored.debts !== undefined;
  const legacy = keepsAttendance && keepsDebts ? {} : legacyAttendance(item, storedInstant);
  return {
    attendance: keepsAttendance ? readAttendance(stored) : (legacy.attendance ?? NO_ATTENDANCE),
    debts: keepsDebts ? readDebts(stored.debts) : legacy.debt ? [legacy.debt] : [],
    debtsStored: keepsDebts || !legacy.debt,
  };
}

function readAttendance(item: StoredMember): Attendance {
  const attended: Attendance['attended'] = [];
  const missed: Attendance['missed'] = [];
  const map = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Set) ? (v as Record<string, unknown>) : {});
  for (const [event, value] of Object.entries(map(item.attended))) {
    const entry = map(value);
    const kind = EVENT_KINDS.find((k) => k === entry.kind);
    const at = storedInstant(entry.at);
    if (kind && at) attended.push({ event, kind, at });
  }
  for (const [event, value] of Object.entries(map(item.missed))) {
    const at = storedInstant(value);
    if (at) missed.push({ event, at });
  }
  if (!attended.length && !missed.length && item.last_attended_at === undefined) return NO_ATTENDANCE;
  return {
    attended: attended.sort((a, b) => a.at.localeCompare(b.at)),
    missed: missed.sort((a, b) => a.at.localeCompare(b.at)),
    ...(storedInstant(item.last_attended_at) ? { lastAttendedAt: storedInstant(item.last_attended_at)! } : {}),
  };
}

export function sameAttendance(a: Attendance, b: Attendance): boolean {
  const key = (x: Attendance) => JSON.stringify([x.attended.map((e) => e.event).sort(), x.missed.map((e) => e.event).sort(), x.lastAttendedAt ?? '']);
  return key(a) === key(b);
}

function readDebts(value: unknown): Debt[] {
  if (!value || typeof value !== 'object' || Array.isArray(value) || value instanceof Set) return [];
  const debts: Debt[] = [];
  for (const key of DEBT_KEYS) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const entry = (value as Record<string, unknown>)[key] as Record<string, unknown> | undefined;
    const since = storedInstant(entry?.since);
    if (!entry || !since) continue;
    debts.push({ key, reason: typeof entry.reason === 'string' ? entry.reason : '', since, by: typeof entry.by === 'string' ? entry.by : '' });
  }
  return debts.sort((a, b) => a.since.localeCompare(b.since));
}

export function debtMap(debts: Debt[]): Record<string, Record<string, string>> {
  return Object.fromEntries(debts.map((d) => [d.key, { reason: d.reason, since: d.since, by: d.by }]));
}

/** The RECENT_LINKS newest of some links, newest first (the same instant: by id). */
export function newestLinks(links: RecentLink[]): RecentLink[] {
  return [...links].sort(byNewest).slice(0, RECENT_LINKS);
}

const byNewest = (a: RecentLink, b: RecentLink) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id);

function readRecent(value: unknown): RecentLink[] | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value) || value instanceof Set) return undefined;
  const links: RecentLink[] = [];
  for (const [id, v] of Object.entries(value as Record<string, unknown>)) {
    const entry = (v ?? {}) as Record<string, unknown>;
    const at = storedInstant(entry.at);
    const quality = QUALITIES.find((q) => q === entry.quality);
    if (!at || !quality || typeof entry.link_type !== 'string') continue;
    links.push({ id, at, quality, link_type: entry.link_type, ...(entry.reverted === true ? { reverted: true } : {}) });
  }
  return links.sort(byNewest);
}

/** The stored form of newest links: a map by record id. */
export function recentMap(links: RecentLink[]): Record<string, Record<string, unknown>> {
  return Object.fromEntries(links.map((l) => [l.id, recentValue(l)]));
}

export function recentValue(link: RecentLink): Record<string, unknown> {
  return { at: link.at, quality: link.quality, link_type: link.link_type, ...(link.reverted ? { reverted: true } : {}) };
}

/** An award log entry: `<ISO time>|<record id>` (ids may hold any character but the time never holds "|"). */
export function encodeEntry(entry: AwardEntry): string {
  return `${entry.at}|${entry.id}`;
}

function readEntries(value: Set<string> | undefined): AwardEntry[] {
  return [...(value ?? [])]
    .filter((v) => v.includes('|'))
    .map((v) => ({ at: v.slice(0, v.indexOf('|')), id: v.slice(v.indexOf('|') + 1) }))
    .sort((a, b) => a.at.localeCompare(b.at));
}
