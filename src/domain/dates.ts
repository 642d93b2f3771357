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
