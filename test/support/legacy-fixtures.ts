/**
 * Items exactly as the previous system (outlawprecision/CtSLinkDistro, a Go Lambda) left them, in
 * DynamoDB's own typed form, so a test seeds what aws-sdk-go-v2's `attributevalue.MarshalMap`
 * wrote and nothing the JavaScript marshaller would have changed: `time.Time` as RFC 3339 with
 * nanoseconds (trailing zeros trimmed, `Z` or the time's own offset), Go's zero time for a time
 * never set, `bool` as BOOL, `int` as N, `[]string` as L (a nil slice as NULL), `string` fields
 * always present (empty when unset) unless tagged `omitempty`.
 *
 * - `headTables`: its four tables at HEAD (members without counters and with stale rank and
 *   eligibility; links `{quality}_{sanitized}_{unixnano}` marked handed out without a
 *   distribution id; distributions `dist_<yyyymmddhhmmss>_<one rune>` without status or pool
 *   size, most without distribution_date). Its list writes always failed, so no lists.
 * - `singleTable`: its single table at 9abbdbc (key `discord_id` only): members in that older
 *   shape, and link-history items that replaced the member item of whoever received them.
 */
import { PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoProxy } from './dynamo-proxy';
import { findLinkType } from '../../src/domain/catalog';
import { sanitizeLinkType } from '../../src/domain/link-ids';
import type { Quality } from '../../src/domain/ranks';

export type RawItem = Record<string, AttributeValue>;

const S = (value: string): AttributeValue => ({ S: value });
const N = (value: number): AttributeValue => ({ N: String(value) });
const BOOL = (value: boolean): AttributeValue => ({ BOOL: value });
const L = (values: string[]): AttributeValue => ({ L: values.map(S) });
const NULL: AttributeValue = { NULL: true };

const DAY_MS = 86_400_000;
/** What Go's `time.Time{}` marshals to: FlavaFlav reads it as "never set". */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** A moment as Go holds it: an instant, nanoseconds below the millisecond, and the zone it is in. */
export interface GoTime {
  ms: number;
  /** 0–999 999: the nanoseconds a JavaScript Date cannot hold. */
  subMsNanos?: number;
  /** The time's zone offset, in minutes east of UTC (0 prints as Z). */
  offsetMinutes?: number;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The wall clock of a Go time in its own zone. */
function wallClock(t: GoTime): Date {
  return new Date(t.ms + (t.offsetMinutes ?? 0) * 60_000);
}

/** `time.RFC3339Nano`, as attributevalue writes a time.Time. */
export function goRfc3339Nano(t: GoTime): string {
  const wall = wallClock(t);
  const nanos = (((t.ms % 1000) + 1000) % 1000) * 1_000_000 + (t.subMsNanos ?? 0);
  const fraction = nanos ? `.${pad(nanos, 9).replace(/0+$/, '')}` : '';
  const offset = t.offsetMinutes ?? 0;
  const zone = offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
  return (
    `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}` +
    `T${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}${fraction}${zone}`
  );
}

/** `t.Format("2006-01-02")`: the day on the time's own wall clock (not necessarily UTC's). */
function goDay(t: GoTime): string {
  return wallClock(t).toISOString().slice(0, 10);
}

/** `"dist_" + Format("20060102150405") + "_" + string(rune(UnixNano() % 1000))`. */
export function goDistributionId(t: GoTime, rune: number): string {
  const wall = wallClock(t).toISOString();
  return `dist_${wall.slice(0, 19).replace(/[-T:]/g, '')}_${String.fromCodePoint(rune)}`;
}

/** `{quality}_{sanitized type}_{UnixNano()}`. */
function goLinkId(quality: Quality, linkType: string, t: GoTime): string {
  return `${quality}_${sanitizeLinkType(linkType)}_${BigInt(t.ms) * 1_000_000n + BigInt(t.subMsNanos ?? 0)}`;
}

/**
 * A time `days` before `now`'s UTC day, at `hour`:`minute`:17.123 on the wall clock of the zone
 * `offsetMinutes` east of UTC, with nanoseconds below the millisecond.
 */
function daysBefore(now: Date, days: number, hour: number, minute: number, subMsNanos = 0, offsetMinutes = 0): GoTime {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - days * DAY_MS;
  return { ms: midnight + hour * 3_600_000 + minute * 60_000 + 17_123 - offsetMinutes * 60_000, subMsNanos, offsetMinutes };
}

// ---------------------------------------------------------------------------------------------
// The four tables at HEAD

export interface HeadPeople {
  /** A Sage (400 days) whose stored rank and eligibility went stale; three awards. */
  anna: string;
  /** An officer, join date with a +02:00 offset; one award. */
  ben: string;
  /** A Scholar: joined at 01:30 +02:00, the evening before in UTC; one award. */
  cara: string;
  /** A Book Worm (10 days); nothing received. */
  dan: string;
  /** Added without a join date: Go's zero time, which the previous system ranked a Sage. */
  eve: string;
}

export interface HeadAward {
  id: string;
  member: keyof HeadPeople;
  memberId: string;
  quality: Quality;
  linkType: string;
  linkId: string;
  /** distributed_at as stored. */
  stored: string;
  /** The instant it stands for, ISO-8601 UTC. */
  at: string;
  /** distribution_date when HEAD's CreateDistribution wrote one (the day on the time's wall clock). */
  distributionDate?: string;
}

export interface HeadTables {
  members: RawItem[];
  inventory: RawItem[];
  distributions: RawItem[];
  /** The awards, oldest first. */
  awards: HeadAward[];
  /** Links still in stock: quality and type, how many. */
  stock: { quality: Quality; linkType: string; count: number }[];
}

function headMember(id: string, username: string, join: string, stale: { rank: string; officer: boolean; silver: boolean; gold: boolean; days: number }, added: GoTime): RawItem {
  return {
    discord_id: S(id),
    username: S(username),
    join_date: S(join),
    rank: S(stale.rank),
    is_officer: BOOL(stale.officer),
    silver_eligible: BOOL(stale.silver),
    gold_eligible: BOOL(stale.gold),
    days_in_guild: N(stale.days),
    added_by: S('web-admin'),
    added_date: S(goRfc3339Nano(added)),
    updated_at: S(goRfc3339Nano({ ...added, ms: added.ms + 3_600_000 })),
  };
}

function headLink(quality: Quality, linkType: string, added: GoTime, available: boolean): RawItem {
  const type = findLinkType(linkType);
  if (!type) throw new Error(`no link type ${linkType} in the catalog`);
  return {
    link_id: S(goLinkId(quality, type.name, added)),
    link_type: S(type.name),
    quality: S(quality),
    // GetLinkCategory at HEAD: one category for everything.
    category: S('Mastery Links'),
    bonus: S(type.bonus[quality]),
    is_available: S(available ? 'true' : 'false'),
    added_by: S('web-admin'),
    added_date: S(goRfc3339Nano(added)),
    notes: S(''),
  };
}

/** The previous system's four tables for these people, dated back from `now`. */
export function headTables(people: HeadPeople, now: Date): HeadTables {
  const members = [
    headMember(people.anna, 'anna', goRfc3339Nano(daysBefore(now, 400, 14, 3, 456_789)), { rank: 'Scholar', officer: false, silver: true, gold: false, days: 60 }, daysBefore(now, 400, 15, 0, 1)),
    headMember(people.ben, 'ben', goRfc3339Nano(daysBefore(now, 700, 8, 0, 0, 120)), { rank: 'Maester', officer: true, silver: true, gold: true, days: 500 }, daysBefore(now, 600, 9, 30, 999_999, 120)),
    // 01:30 on the wall clock at +02:00 is 23:30 UTC the evening before: 45 days in the guild.
    headMember(people.cara, 'cara', goRfc3339Nano(daysBefore(now, 44, 1, 30, 250, 120)), { rank: 'Book Worm', officer: false, silver: false, gold: false, days: 2 }, daysBefore(now, 43, 10, 0)),
    headMember(people.dan, 'dan', goRfc3339Nano(daysBefore(now, 10, 20, 45, 5)), { rank: 'Book Worm', officer: false, silver: false, gold: false, days: 0 }, daysBefore(now, 10, 21, 0)),
    headMember(people.eve, 'eve', GO_ZERO_TIME, { rank: 'Sage', officer: false, silver: true, gold: true, days: 739_000 }, daysBefore(now, 30, 12, 0)),
  ];

  const awardsSpec: { member: keyof HeadPeople; quality: Quality; linkType: string; time: GoTime; rune: number; method: 'web' | 'discord'; withDate: boolean }[] = [
    { member: 'anna', quality: 'gold', linkType: 'Damage on Ships', time: daysBefore(now, 200, 18, 5, 123_456), rune: 0x0000, method: 'web', withDate: false },
    // At +02:00 just after midnight: HEAD wrote the wall clock's day, a day after UTC's.
    { member: 'anna', quality: 'silver', linkType: 'Melee Accuracy/Defense', time: daysBefore(now, 150, 0, 40, 7, 120), rune: 0x0007, method: 'discord', withDate: true },
    { member: 'ben', quality: 'bronze', linkType: 'Barding Effect Durations', time: daysBefore(now, 60, 9, 15, 0), rune: 0x03e7, method: 'discord', withDate: false },
    { member: 'anna', quality: 'gold', linkType: 'Damage on Ships', time: daysBefore(now, 20, 19, 45, 999_001), rune: 0x001f, method: 'discord', withDate: true },
    { member: 'cara', quality: 'silver', linkType: 'Melee Accuracy/Defense', time: daysBefore(now, 5, 11, 0, 42), rune: 0x0041, method: 'web', withDate: false },
  ];

  const inventory: RawItem[] = [];
  const distributions: RawItem[] = [];
  const awards: HeadAward[] = [];
  for (const [i, spec] of awardsSpec.entries()) {
    // Each link was added a while before it was handed out; MarkDistributed only flipped the flag.
    const link = headLink(spec.quality, spec.linkType, { ...spec.time, ms: spec.time.ms - (30 + i) * DAY_MS }, false);
    inventory.push(link);
    const type = findLinkType(spec.linkType)!;
    const stored = goRfc3339Nano(spec.time);
    const id = goDistributionId(spec.time, spec.rune);
    const distributionDate = spec.withDate ? goDay(spec.time) : undefined;
    distributions.push({
      distribution_id: S(id),
      member_id: S(people[spec.member]),
      member_username: S(spec.member),
      link_id: link.link_id,
      link_type: S(type.name),
      quality: S(spec.quality),
      bonus: S(type.bonus[spec.quality]),
      method: S(spec.method),
      distributed_by: S(spec.method === 'web' ? 'web-admin' : people.ben),
      distributed_at: S(stored),
      notes: S(''),
      ...(distributionDate ? { distribution_date: S(distributionDate) } : {}),
    });
    awards.push({
      id,
      member: spec.member,
      memberId: people[spec.member],
      quality: spec.quality,
      linkType: type.name,
      linkId: link.link_id.S!,
      stored,
      at: new Date(spec.time.ms).toISOString(),
      distributionDate,
    });
  }

  const stockSpec: { quality: Quality; linkType: string; count: number }[] = [
    { quality: 'gold', linkType: 'Damage on Ships', count: 2 },
    { quality: 'silver', linkType: 'Melee Accuracy/Defense', count: 1 },
    { quality: 'bronze', linkType: 'Barding Effect Durations', count: 1 },
  ];
  let n = 0;
  for (const { quality, linkType, count } of stockSpec) {
    for (let i = 0; i < count; i++) inventory.push(headLink(quality, linkType, daysBefore(now, 90 - n++, 16, 20, 31_337 + i, n % 2 ? 120 : 0), true));
  }
  return { members, inventory, distributions, awards, stock: stockSpec };
}

// ---------------------------------------------------------------------------------------------
// The single table at 9abbdbc

export interface SingleTablePeople {
  /** role admin, 300 days, two characters, attended two omni events. */
  fiona: string;
  /** role officer, join date at +02:00, owed compensation. */
  gus: string;
  /** role user, 40 days, never attended (a nil slice: NULL). */
  hana: string;
  /** Received a gold link, whose history item replaced ivan's member item. */
  ivan: string;
  /** Received a silver link as compensation (no notes), which replaced juno's member item. */
  juno: string;
}

export interface LinkHistoryAward {
  discordId: string;
  username: string;
  quality: Quality;
  /** date_received as stored, and the instant it stands for. */
  stored: string;
  at: string;
  /** The catalog name its notes give, if any. */
  linkType?: string;
}

export interface SingleTable {
  items: RawItem[];
  /** Members whose own item is in the table. */
  members: string[];
  linkHistory: LinkHistoryAward[];
}

function singleMember(
  id: string,
  username: string,
  join: GoTime,
  role: 'admin' | 'officer' | 'user',
  attendance: { characters: string[]; weeklyBoss: boolean; omni: GoTime[] | null; absences: number; owed: boolean; last?: GoTime },
  created: GoTime,
): RawItem {
  return {
    discord_id: S(id),
    discord_username: S(username),
    character_names: L(attendance.characters),
    guild_join_date: S(goRfc3339Nano(join)),
    role: S(role),
    weekly_boss_participation: BOOL(attendance.weeklyBoss),
    omni_participation_dates: attendance.omni ? L(attendance.omni.map(goRfc3339Nano)) : NULL,
    omni_absence_count: N(attendance.absences),
    compensation_owed: BOOL(attendance.owed),
    // A *time.Time tagged omitempty: absent when nil.
    ...(attendance.last ? { last_omni_participation: S(goRfc3339Nano(attendance.last)) } : {}),
    created_at: S(goRfc3339Nano(created)),
    updated_at: S(goRfc3339Nano({ ...created, ms: created.ms + 86_400_000 })),
  };
}

function linkHistory(id: string, username: string, quality: Quality, received: GoTime, omniEvent: GoTime, compensation: boolean, notes: string): RawItem {
  const wall = wallClock(received).toISOString();
  return {
    // generateLinkID at 9abbdbc: a timestamp, then "-000" (Go reads "000" there as literal text).
    link_id: S(`${wall.slice(0, 19).replace(/[-T:]/g, '')}-000`),
    discord_id: S(id),
    discord_username: S(username),
    link_type: S(quality),
    date_received: S(goRfc3339Nano(received)),
    omni_event_date: S(goRfc3339Nano(omniEvent)),
    is_compensation: BOOL(compensation),
    // `notes,omitempty`: absent when empty.
    ...(notes ? { notes: S(notes) } : {}),
    timestamp: S(goRfc3339Nano(received)),
  };
}

/** The previous system's single table at 9abbdbc for these people, dated back from `now`. */
export function singleTable(people: SingleTablePeople, now: Date): SingleTable {
  const ivanReceived = daysBefore(now, 50, 20, 0, 123_456);
  const junoReceived = daysBefore(now, 10, 22, 30, 1, 120);
  const items = [
    singleMember(
      people.fiona,
      'fiona',
      daysBefore(now, 300, 12, 0, 5),
      'admin',
      { characters: ['Fiona the Bold', 'Fi'], weeklyBoss: true, omni: [daysBefore(now, 14, 20, 0), daysBefore(now, 7, 20, 0, 900)], absences: 1, owed: false, last: daysBefore(now, 7, 20, 0, 900) },
      daysBefore(now, 300, 12, 5, 77),
    ),
    singleMember(
      people.gus,
      'gus',
      daysBefore(now, 120, 6, 0, 0, 120),
      'officer',
      { characters: ['Gus'], weeklyBoss: false, omni: [], absences: 3, owed: true },
      daysBefore(now, 119, 6, 0, 0, 120),
    ),
    singleMember(people.hana, 'hana', daysBefore(now, 40, 9, 9, 9), 'user', { characters: [], weeklyBoss: true, omni: null, absences: 0, owed: false }, daysBefore(now, 40, 9, 10)),
    linkHistory(people.ivan, 'ivan', 'gold', ivanReceived, daysBefore(now, 51, 20, 0), false, 'Damage on Ships'),
    linkHistory(people.juno, 'juno', 'silver', junoReceived, daysBefore(now, 11, 20, 0), true, ''),
  ];
  return {
    items,
    members: [people.fiona, people.gus, people.hana],
    linkHistory: [
      { discordId: people.ivan, username: 'ivan', quality: 'gold', stored: goRfc3339Nano(ivanReceived), at: new Date(ivanReceived.ms).toISOString(), linkType: 'Damage on Ships' },
      { discordId: people.juno, username: 'juno', quality: 'silver', stored: goRfc3339Nano(junoReceived), at: new Date(junoReceived.ms).toISOString() },
    ],
  };
}

/**
 * Puts items as they are (typed), with the low-level client: nothing is converted on the way.
 * They are the past (another system wrote them): with AWS's rules on, the lagging reads see them too.
 */
export async function putRaw(client: DynamoDBClient, table: string, items: RawItem[]): Promise<void> {
  for (const item of items) await client.send(new PutItemCommand({ TableName: table, Item: item }));
  await DynamoProxy.catchUpAll();
}
