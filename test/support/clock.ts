/**
 * The tests' calendar. Every test that depends on the day (ranks, away dates, expiry, reminders)
 * reads "today" from here, never from the real clock, so the suite passes on any date.
 * FLAVAFLAV_TEST_TODAY=YYYY-MM-DD (read only by the test harness) moves the whole suite to that
 * day; CI runs it on the real day and on a fixed far one.
 */
import type { Clock } from '../../src/domain/clock';
import { addDays, parseDay, utcDay } from '../../src/domain/dates';

const DAY_MS = 86_400_000;

/** The day the suite runs "on": FLAVAFLAV_TEST_TODAY, or the real UTC day. */
export function testToday(): string {
  const forced = process.env.FLAVAFLAV_TEST_TODAY?.trim();
  if (!forced) return utcDay();
  if (!parseDay(forced)) throw new Error(`FLAVAFLAV_TEST_TODAY must be a real date written YYYY-MM-DD (got "${forced}")`);
  return forced;
}

/**
 * A clock that runs at real speed from noon (UTC) of the test day, so a run never crosses
 * midnight, and that a test can move forward (`advance`) instead of waiting.
 */
export class TestClock implements Clock {
  private offsetMs: number;

  constructor(day: string = testToday()) {
    this.offsetMs = Date.parse(`${day}T12:00:00.000Z`) - Date.now();
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  today(): string {
    return utcDay(this.now());
  }

  /** The day `n` days before today (negative: after). */
  daysAgo(n: number): string {
    return addDays(this.today(), -n);
  }

  /** A timestamp `ms` before now, as ISO-8601. */
  isoAgo(ms: number): string {
    return new Date(this.nowMs() - ms).toISOString();
  }

  advance(ms: number): void {
    if (ms < 0) throw new RangeError('a test clock only moves forward');
    this.offsetMs += ms;
  }

  advanceDays(days: number): void {
    this.advance(days * DAY_MS);
  }
}
