/**
 * Attendance and compensation (docs/attendance.md): pure rules. Who may receive silver and gold
 * when the guild counts events attended, who is inactive after misses in a row, why a member is
 * left out of a draw, and who is owed a link first. No I/O.
 */
import { standingOf, isAway, type Quality, type RankThresholds } from './ranks';

export const EVENT_KINDS = ['boss', 'omni', 'other'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export function isEventKind(value: string): value is EventKind {
  return (EVENT_KINDS as readonly string[]).includes(value);
}

export interface AttendanceRules {
  /** Off unless set: events of `kind` attended in the window needed for silver and gold. */
  required?: { kind: EventKind; min: number };
  windowDays: number;
  /** Misses in a row that make a member inactive; 0 turns it off. */
  maxAbsences: number;
  /** Hours an event's check-in stays open. */
  checkinHours: number;
}

export const DEFAULT_ATTENDANCE: AttendanceRules = { windowDays: 7, maxAbsences: 3, checkinHours: 12 };

/** Events a member item keeps as attended: those in the window, and at most this many. */
export const ATTENDED_KEPT = 50;
/** Misses a member item keeps of its current run (more changes nothing a rule reads). */
export const MISSED_KEPT = 20;

/** One event a member attended (kept on their item while in the window). */
export interface AttendedEvent {
  event: string;
  kind: EventKind;
  /** When the event started (ISO). */
  at: string;
}

/** A member's recent attendance, as their item keeps it. */
export interface Attendance {
  attended: AttendedEvent[];
  /** The current run of misses (events since the last attended), oldest first. */
  missed: { event: string; at: string }[];
  lastAttendedAt?: string;
}

export const NO_ATTENDANCE: Attendance = { attended: [], missed: [] };

/** Quality owed, or "any" (the previous system's debts say no quality). */
export const DEBT_KEYS = ['bronze', 'silver', 'gold', 'any'] as const;
export type DebtKey = (typeof DEBT_KEYS)[number];

/** A link owed to a member: at most one per debt key, so at most four per member. */
export interface Debt {
  key: DebtKey;
  reason: string;
  /** Since when (ISO): the oldest debt is served first. */
  since: string;
  by: string;
}

export const DEBT_REASON_MAX = 200;

/** Why a member is left out of a draw of a quality, first rule first; undefined: in the pool. */
export type LeftOutReason = 'unreadable' | 'too_new' | 'attendance' | 'inactive' | 'away';

export const LEFT_OUT_WORDS: ReadonlyMap<LeftOutReason, string> = new Map([
  ['unreadable', 'join date unreadable'],
  ['too_new', 'too new'],
  ['attendance', 'too few events attended'],
  ['inactive', 'inactive (missed events in a row)'],
  ['away', 'away'],
]);

const DAY_MS = 86_400_000;

/** Events of a kind attended in the window ending `now`. */
export function attendedInWindow(attendance: Attendance, kind: EventKind, windowDays: number, now: Date): number {
  const since = new Date(now.getTime() - windowDays * DAY_MS).toISOString();
  return attendance.attended.filter((a) => a.kind === kind && a.at >= since).length;
}

/** Inactive: MAX_ABSENCES misses in a row, with attendance on. */
export function isInactive(attendance: Attendance, rules: AttendanceRules): boolean {
  return Boolean(rules.required) && rules.maxAbsences > 0 && attendance.missed.length >= rules.maxAbsences;
}

/** Whether the attendance rule keeps a member from a quality (bronze never needs attendance). */
export function lacksAttendance(attendance: Attendance, quality: Quality, rules: AttendanceRules, now: Date): boolean {
  if (!rules.required || quality === 'bronze') return false;
  return attendedInWindow(attendance, rules.required.kind, rules.windowDays, now) < rules.required.min;
}

export interface Eligible {
  join_date?: string;
  is_officer?: boolean;
  away_until?: string;
  attendance?: Attendance;
}

/**
 * Why a member may not receive a quality at all (rank or attendance), or undefined. `named`
 * draws and list fills use it; random picks use `drawExclusion`, which also skips the away and
 * the inactive.
 */
export function ineligibility(member: Eligible, quality: Quality, ranks: RankThresholds, rules: AttendanceRules, now: Date): LeftOutReason | undefined {
  const today = now.toISOString().slice(0, 10);
  const standing = standingOf(member, ranks, today);
  if (standing.daysInGuild === null && !member.is_officer) return 'unreadable';
  if (!standing.eligibleFor.includes(quality)) return 'too_new';
  if (lacksAttendance(member.attendance ?? NO_ATTENDANCE, quality, rules, now)) return 'attendance';
  return undefined;
}

/** Why a random pick of a quality skips a member, in the order the rules are told; undefined: in the pool. */
export function drawExclusion(member: Eligible, quality: Quality, ranks: RankThresholds, rules: AttendanceRules, now: Date): LeftOutReason | undefined {
  const reason = ineligibility(member, quality, ranks, rules, now);
  if (reason) return reason;
  if (isInactive(member.attendance ?? NO_ATTENDANCE, rules)) return 'inactive';
  if (isAway(member, now.toISOString().slice(0, 10))) return 'away';
  return undefined;
}

/** The qualities a member may receive today, with the attendance rule applied. */
export function eligibleQualities(member: Eligible, ranks: RankThresholds, rules: AttendanceRules, now: Date): Quality[] {
  const today = now.toISOString().slice(0, 10);
  return standingOf(member, ranks, today).eligibleFor.filter((q) => !lacksAttendance(member.attendance ?? NO_ATTENDANCE, q, rules, now));
}

/** The debt a draw of `quality` would pay for a member: that quality's, else one of any quality. */
export function debtFor(debts: readonly Debt[], quality: Quality): Debt | undefined {
  return debts.find((d) => d.key === quality) ?? debts.find((d) => d.key === 'any');
}

/**
 * Those in a pool owed a link of this quality (or of any), oldest debt first (then by id, so
 * the order is the same for every reader). Empty when nobody is owed.
 */
export function owedFirst<M extends { discord_id: string; debts?: readonly Debt[] }>(pool: readonly M[], quality: Quality): { member: M; debt: Debt }[] {
  return pool
    .flatMap((member) => {
      const debt = debtFor(member.debts ?? [], quality);
      return debt ? [{ member, debt }] : [];
    })
    .sort((a, b) => a.debt.since.localeCompare(b.debt.since) || a.member.discord_id.localeCompare(b.member.discord_id));
}

/** Who the roster's members were at an event's close: present, absent, or excused (away that day). */
export function closingRoll(
  roster: readonly { discord_id: string; away_until?: string }[],
  present: ReadonlySet<string>,
  day: string,
): { present: string[]; absent: string[]; excused: string[] } {
  const result = { present: [] as string[], absent: [] as string[], excused: [] as string[] };
  for (const m of roster) {
    if (present.has(m.discord_id)) result.present.push(m.discord_id);
    else if (isAway(m, day)) result.excused.push(m.discord_id);
    else result.absent.push(m.discord_id);
  }
  return result;
}

/**
 * A member's attendance after one closed event, and which stored entries leave (outside the window,
 * or past the caps): the member service writes exactly this.
 */
export function afterEvent(
  attendance: Attendance,
  event: { id: string; kind: EventKind; at: string },
  present: boolean,
  rules: AttendanceRules,
  now: Date,
): { attendance: Attendance; droppedAttended: string[]; droppedMissed: string[]; resetMisses: boolean } {
  const since = new Date(now.getTime() - Math.max(rules.windowDays, 1) * DAY_MS).toISOString();
  if (present) {
    const all = [...attendance.attended.filter((a) => a.event !== event.id), { event: event.id, kind: event.kind, at: event.at }].sort((a, b) => b.at.localeCompare(a.at));
    const kept = all.filter((a) => a.at >= since).slice(0, ATTENDED_KEPT);
    const keptIds = new Set(kept.map((a) => a.event));
    // An attendance older than the newest already applied does not end a later run of misses.
    const resetMisses = !attendance.lastAttendedAt || attendance.lastAttendedAt <= event.at;
    const missed = resetMisses ? attendance.missed.filter((m) => m.at > event.at) : attendance.missed;
    return {
      attendance: { attended: kept.reverse(), missed, lastAttendedAt: resetMisses ? event.at : attendance.lastAttendedAt },
      droppedAttended: attendance.attended.filter((a) => !keptIds.has(a.event)).map((a) => a.event),
      droppedMissed: attendance.missed.filter((m) => !missed.some((k) => k.event === m.event)).map((m) => m.event),
      resetMisses,
    };
  }
  // A miss before the last attendance is not part of the current run.
  if (attendance.lastAttendedAt && attendance.lastAttendedAt >= event.at) {
    return { attendance, droppedAttended: [], droppedMissed: [], resetMisses: false };
  }
  const all = [...attendance.missed.filter((m) => m.event !== event.id), { event: event.id, at: event.at }].sort((a, b) => a.at.localeCompare(b.at));
  const kept = all.slice(-MISSED_KEPT);
  const keptIds = new Set(kept.map((m) => m.event));
  const attended = attendance.attended.filter((a) => a.at >= since);
  return {
    attendance: { ...attendance, attended, missed: kept },
    droppedAttended: attendance.attended.filter((a) => a.at < since).map((a) => a.event),
    droppedMissed: attendance.missed.filter((m) => !keptIds.has(m.event)).map((m) => m.event),
    resetMisses: false,
  };
}

/** The previous system's attendance fields (its single table at 9abbdbc), when an item has them. */
export const LEGACY_ATTENDANCE_FIELDS = ['weekly_boss_participation', 'omni_participation_dates', 'omni_absence_count', 'last_omni_participation', 'compensation_owed'] as const;

/**
 * What the previous system's attendance fields stand for: `omni_participation_dates` as attended
 * `omni` events, `weekly_boss_participation: true` as a `boss` event attended at `updated_at`,
 * `omni_absence_count` as the current run of misses, and `compensation_owed` as a debt of any
 * quality (its data says none). `instant` reads a stored timestamp (ISO, or null when unreadable).
 */
export function legacyAttendance(item: Record<string, unknown>, instant: (value: unknown) => string | null): { attendance?: Attendance; debt?: Debt } {
  const has = LEGACY_ATTENDANCE_FIELDS.some((f) => item[f] !== undefined && item[f] !== null);
  if (!has) return {};
  const updated = instant(item.updated_at) ?? instant(item.created_at);
  const omni = (Array.isArray(item.omni_participation_dates) ? item.omni_participation_dates : [])
    .map((d) => instant(d))
    .filter((d): d is string => d !== null)
    .sort();
  const attended: AttendedEvent[] = omni.map((at) => ({ event: `legacy-omni#${at}`, kind: 'omni' as const, at }));
  if ((item.weekly_boss_participation === true || item.weekly_boss_participation === 'true') && updated) attended.push({ event: `legacy-boss#${updated}`, kind: 'boss', at: updated });
  const last = instant(item.last_omni_participation) ?? omni[omni.length - 1];
  const absences = Math.min(MISSED_KEPT, Math.max(0, Math.trunc(Number(item.omni_absence_count ?? 0)) || 0));
  // The misses' days were not kept: they follow the last attendance, in order.
  const base = Date.parse(last ?? updated ?? '1970-01-01T00:00:00.000Z');
  const missed = Array.from({ length: absences }, (_, i) => {
    const at = new Date(base + i + 1).toISOString();
    return { event: `legacy-omni-miss#${i + 1}`, at };
  });
  const attendance: Attendance = {
    attended: attended.sort((a, b) => a.at.localeCompare(b.at)).slice(-ATTENDED_KEPT),
    missed,
    ...(last ? { lastAttendedAt: last } : {}),
  };
  const owed = item.compensation_owed === true || item.compensation_owed === 'true';
  return {
    attendance,
    ...(owed ? { debt: { key: 'any' as const, reason: 'owed by the previous system (its data names no quality)', since: updated ?? '1970-01-01T00:00:00.000Z', by: 'migration' } } : {}),
  };
}
