/** Calendar days in UTC, as YYYY-MM-DD strings (the format stored in the tables). */

const DAY_MS = 86_400_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export function utcDay(date: Date = new Date()): string {
  return date.toISOString().slice(0, 10);
}

/** Parses a YYYY-MM-DD day that exists in the calendar; null otherwise (2026-02-30 is null). */
export function parseDay(text: string): Date | null {
  const match = ISO_DAY.exec(text.trim());
  if (!match) return null;
  const [, y, m, d] = match.map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d ? date : null;
}

/** Whole days from `from` to `to` (both YYYY-MM-DD); negative when `from` is later. */
export function daysBetween(from: string, to: string): number {
  const a = parseDay(from);
  const b = parseDay(to);
  if (!a || !b) throw new RangeError(`not a YYYY-MM-DD day: ${a ? to : from}`);
  return Math.round((b.getTime() - a.getTime()) / DAY_MS);
}

export function addDays(day: string, days: number): string {
  const date = parseDay(day);
  if (!date) throw new RangeError(`not a YYYY-MM-DD day: ${day}`);
  return utcDay(new Date(date.getTime() + days * DAY_MS));
}

/**
 * RFC 3339 as the tables hold it: FlavaFlav's ISO timestamps, and the previous system's Go
 * `time.Time` (fractions up to nanoseconds, `Z` or a zone offset). A bare YYYY-MM-DD is midnight
 * UTC. Strict: impossible dates and times are refused, not rolled over as Date.parse would.
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2}))?$/;

/** The instant a stored date or timestamp stands for, or null when it is not one. */
export function parseTimestamp(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const match = TIMESTAMP.exec(value.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  if (!parseDay(`${y}-${mo}-${d}`)) return null;
  if (h === undefined) return utcDate(Number(y), Number(mo), Number(d), 0, 0, 0, 0);
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  let offsetMinutes = 0;
  if (zone !== 'Z' && zone !== 'z') {
    const [oh, om] = zone.slice(1).split(':').map(Number);
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = fraction ? Number(fraction.padEnd(3, '0').slice(0, 3)) : 0;
  const date = new Date(utcDate(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), ms).getTime() - offsetMinutes * 60_000);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Date.UTC maps years 0–99 to 1900–1999; this does not. */
function utcDate(year: number, month: number, day: number, hours: number, minutes: number, seconds: number, ms: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hours, minutes, seconds, ms);
  return date;
}

/** Go's zero time.Time (0001-01-01T00:00:00Z), which the previous system wrote for dates it never set. */
const GO_ZERO_TIME = -62_135_596_800_000;

/**
 * The calendar day (YYYY-MM-DD, UTC) a stored day or timestamp names; null when it names none
 * (unreadable, or the previous system's zero time standing for "unset").
 */
export function storedDay(value: unknown): string | null {
  if (typeof value === 'string' && parseDay(value)) return value.trim();
  const date = parseTimestamp(value);
  if (!date || date.getTime() === GO_ZERO_TIME) return null;
  return utcDay(date);
}

/** A stored timestamp in FlavaFlav's form (ISO-8601 UTC, milliseconds); null when it is none. */
export function storedInstant(value: unknown): string | null {
  const date = parseTimestamp(value);
  if (!date || date.getTime() === GO_ZERO_TIME) return null;
  return date.toISOString();
}
