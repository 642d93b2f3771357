/**
 * Where "now" comes from. The bot reads the time only through a Clock, so tests can fix the
 * calendar (ranks, expiry, reminders) and move it forward without waiting.
 */
import { utcDay } from './dates';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Today as YYYY-MM-DD (UTC) by this clock. */
export function todayBy(clock: Clock): string {
  return utcDay(clock.now());
}
