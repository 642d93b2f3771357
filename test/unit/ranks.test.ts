import { isAway, isEligible, standingOf } from '../../src/domain/ranks';
import { addDays, daysBetween, parseDay } from '../../src/domain/dates';

const thresholds = { silverMinDays: 30, goldMinDays: 90 };
const today = '2026-11-25';
const joined = (daysAgo: number) => ({ join_date: addDays(today, -daysAgo) });

describe('ranks and eligibility', () => {
  it.each([
    [0, 'Book Worm', []],
    [29, 'Book Worm', []],
    [30, 'Scholar', ['bronze', 'silver']],
    [89, 'Scholar', ['bronze', 'silver']],
    [90, 'Sage', ['bronze', 'silver', 'gold']],
    [1000, 'Sage', ['bronze', 'silver', 'gold']],
  ])('%i days in the guild is %s', (days, rank, qualities) => {
    expect(standingOf(joined(days), thresholds, today)).toEqual({ rank, daysInGuild: days, eligibleFor: qualities });
  });

  it('makes every officer a Maester, eligible for everything, however new', () => {
    expect(standingOf({ ...joined(1), is_officer: true }, thresholds, today).rank).toBe('Maester');
    expect(isEligible({ ...joined(1), is_officer: true }, 'gold', thresholds, today)).toBe(true);
  });

  it('follows configured thresholds', () => {
    expect(standingOf(joined(10), { silverMinDays: 5, goldMinDays: 10 }, today).rank).toBe('Sage');
    expect(isEligible(joined(7), 'gold', { silverMinDays: 5, goldMinDays: 10 }, today)).toBe(false);
    expect(isEligible(joined(7), 'silver', { silverMinDays: 5, goldMinDays: 10 }, today)).toBe(true);
  });

  it('skips members away through today, not those whose absence ended', () => {
    expect(isAway({ away_until: today }, today)).toBe(true);
    expect(isAway({ away_until: addDays(today, 3) }, today)).toBe(true);
    expect(isAway({ away_until: addDays(today, -1) }, today)).toBe(false);
    expect(isAway({}, today)).toBe(false);
  });
});

describe('calendar days', () => {
  it('rejects days that do not exist', () => {
    expect(parseDay('2026-02-30')).toBeNull();
    expect(parseDay('2026-13-01')).toBeNull();
    expect(parseDay('25/11/2026')).toBeNull();
    expect(parseDay('2024-02-29')?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('counts days across month and leap-year boundaries', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2026-11-25', '2026-11-20')).toBe(-5);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
