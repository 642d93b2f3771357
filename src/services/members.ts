/**
 * The members table: the guild roster, keyed by Discord user id. It reads members as whoever
 * wrote them left them: FlavaFlav's form, the previous system's (RFC 3339 join dates, stale rank and
 * eligibility, no counters) and the old single table's (`discord_username`, `guild_join_date`,
 * `role`). It writes FlavaFlav's form and only adds what an item lacks.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEvent, DEBT_KEYS, EVENT_KINDS, legacyAttendance, NO_ATTENDANCE, type Attendance, type AttendanceRules, type Debt, type DebtKey, type EventKind } from '../domain/attendance';
import { systemClock, type Clock } from '../domain/clock';
import { storedDay, storedInstant } from '../domain/dates';
import { QUALITIES, type Quality } from '../domain/ranks';
import { scanAll, scanPage } from '../db/requests';
import { ReadCoalescer } from './coalesce';
import { isConditionalCheckFailed } from './errors';
import { decodeCursor, encodeCursor, isPossibleKey, type Page, type ReadOptions } from './pagination';
import type { TransactionPart, TransactWriteItem } from './transactions';

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

/** How many of the newest links a member item keeps. */
export const RECENT_LINKS = 5;

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

export const MAX_WANTS = 10;
const AWARDS_ATTRIBUTE: Record<Quality, string> = { bronze: 'awards_bronze', silver: 'awards_silver', gold: 'awards_gold' };
/**
 * Award entries a member item keeps per quality (about 70 bytes each): those in the fairness
 * window (what `fewest` counts) and always the newest (what `longest` reads), at most this many
 * (so at most about 21 KB for the three). An award drops the entries that have left the window,
 * so the item stays the size of the member's recent awards, in year 10 as in year 1.
 * `links_received` counts every award.
 */
export const AWARDS_KEPT = 100;

/** The award log as written: the newest AWARDS_KEPT entries. */
function awardLog(entries: readonly AwardEntry[]): Set<string> {
  return new Set([...entries].sort((a, b) => b.at.localeCompare(a.at) || b.id.localeCompare(a.id)).slice(0, AWARDS_KEPT).map(encodeEntry));
}

export class MembersService {
  /** Roster reads under way: at most one per `maxPages` asked (one in practice). */
  private readonly rosterReads = new ReadCoalescer<Member[]>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(discordId: string, consistent = false, { signal }: ReadOptions = {}): Promise<Member | undefined> {
    if (!isPossibleKey(discordId)) return undefined;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { discord_id: discordId }, ConsistentRead: consistent }), {
      abortSignal: signal,
    });
    return Item && isMemberItem(Item) ? readMember(Item) : undefined;
  }

  /**
   * Puts a member on the roster, with the counters and newest links their history gives (someone
   * added back keeps what they received), or none: without `history`, they have received nothing.
   */
  async add(input: NewMember, history: { counters: Counters; recent: RecentLink[] } = { counters: emptyCounters(), recent: [] }, now = this.clock.now()): Promise<{ ok: true; member: CountedMember } | { ok: false; reason: 'exists' }> {
    const at = now.toISOString();
    const { counters } = history;
    const item = {
      ...input,
      added_date: at,
      updated_at: at,
      recent_links: recentMap(newestLinks(history.recent)),
      links_received: counters.links_received,
      ...(counters.last_link_at ? { last_link_at: counters.last_link_at } : {}),
      ...Object.fromEntries(QUALITIES.filter((q) => counters.awards[q].length).map((q) => [AWARDS_ATTRIBUTE[q], awardLog(counters.awards[q])])),
    };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          // Two officers adding the same person at once: the second is told they exist.
          ConditionExpression: 'attribute_not_exists(discord_id)',
        }),
      );
      return { ok: true, member: readMember(item) as CountedMember };
    } catch (error) {
      if (isConditionalCheckFailed(error)) return { ok: false, reason: 'exists' };
      throw error;
    }
  }

  /**
   * One page of the roster. The members table has no index (its shape is fixed), so the roster is
   * a paginated Scan: the whole table is the answer here, and guild rosters are small.
   */
  async list(options: { limit?: number; cursor?: string; consistent?: boolean } & ReadOptions = {}): Promise<Page<Member>> {
    const page = await scanPage(this.db, { TableName: this.tableName, Limit: options.limit ?? 100, ...(options.consistent ? { ConsistentRead: true } : {}) }, decodeCursor(options.cursor), options.signal);
    return { items: page.items.filter(isMemberItem).map(readMember), cursor: encodeCursor(page.next) };
  }

  /**
   * The whole roster (bounded), for draws and the paginated roster display. Callers asking at the
   * same time share one Scan (ReadCoalescer, as the stock and guild-wide history reads do): a burst
   * of 100 `/member list` reads and parses the roster about twice, not 100 times. The array and
   * its members are shared: callers read them and never change them. A consistent read is shared
   * only with other consistent reads.
   */
  listAll(maxPages = 100, consistent = false): Promise<readonly Member[]> {
    return this.rosterReads.read(`${maxPages}:${consistent}`, () => this.scanRoster(maxPages, consistent));
  }

  private async scanRoster(maxPages: number, consistent: boolean): Promise<Member[]> {
    const items = await scanAll(this.db, { TableName: this.tableName, Limit: 500, ...(consistent ? { ConsistentRead: true } : {}) }, { maxPages });
    return items.filter(isMemberItem).map(readMember);
  }

  async setOfficer(discordId: string, isOfficer: boolean, now = this.clock.now()): Promise<Member | undefined> {
    return this.updateExisting(discordId, 'SET is_officer = :v, updated_at = :now', { ':v': isOfficer, ':now': now.toISOString() });
  }

  /** `until` null clears the away date. */
  async setAway(discordId: string, until: string | null, now = this.clock.now()): Promise<Member | undefined> {
    return until
      ? this.updateExisting(discordId, 'SET away_until = :v, updated_at = :now', { ':v': until, ':now': now.toISOString() })
      : this.updateExisting(discordId, 'REMOVE away_until SET updated_at = :now', { ':now': now.toISOString() });
  }

  /**
   * Sets a join date the item holds in an unreadable form, only if it still holds exactly what was
   * read (`stored`), so a date set meanwhile is not overwritten.
   */
  async setJoinDate(discordId: string, day: string, stored: unknown, now = this.clock.now()): Promise<Member | undefined> {
    const seen = stored === undefined ? {} : { ':seen': stored };
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { discord_id: discordId },
          UpdateExpression: 'SET join_date = :day, updated_at = :now',
          ConditionExpression: `attribute_exists(discord_id) AND (attribute_not_exists(join_date)${stored === undefined ? '' : ' OR join_date = :seen'})`,
          ExpressionAttributeValues: { ':day': day, ':now': now.toISOString(), ...seen },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? readMember(Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  async setUsername(discordId: string, username: string, now = this.clock.now()): Promise<Member | undefined> {
    return this.updateExisting(discordId, 'SET username = :v, updated_at = :now', { ':v': username, ':now': now.toISOString() });
  }

  /**
   * Transaction part: `linkType` joins the member's wants. The cap is checked in the write (size
   * of the set), so two adds at once cannot pass it together; on failure the item as it was comes
   * back to say why.
   */
  addWantItem(discordId: string, linkType: string, now: string): TransactionPart<'want_refused'> {
    return {
      item: {
        Update: {
          TableName: this.tableName,
          Key: { discord_id: discordId },
          UpdateExpression: 'ADD wants :t SET updated_at = :now',
          ConditionExpression: 'attribute_exists(discord_id) AND (attribute_not_exists(wants) OR (NOT contains(wants, :type) AND size(wants) < :max))',
          ExpressionAttributeValues: { ':t': new Set([linkType]), ':type': linkType, ':max': MAX_WANTS, ':now': now },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      reason: 'want_refused',
    };
  }

  /** Transaction part: `linkType` leaves the member's wants (it must be there). */
  removeWantItem(discordId: string, linkType: string, now: string): TransactionPart<'want_refused'> {
    return {
      item: {
        Update: {
          TableName: this.tableName,
          Key: { discord_id: discordId },
          UpdateExpression: 'DELETE wants :t SET updated_at = :now',
          ConditionExpression: 'attribute_exists(discord_id) AND contains(wants, :type)',
          ExpressionAttributeValues: { ':t': new Set([linkType]), ':type': linkType, ':now': now },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      reason: 'want_refused',
    };
  }

  /** Transaction part: the member leaves the roster, as read (their wants are uncounted with it). */
  removeItem(member: Member): TransactionPart<'changed'> {
    return {
      item: {
        Delete: {
          TableName: this.tableName,
          Key: { discord_id: member.discord_id },
          // Changed since it was read (e.g. a want added): read again, so the counts stay true.
          ConditionExpression: member.storedUpdatedAt !== undefined ? 'attribute_exists(discord_id) AND updated_at = :seen' : 'attribute_exists(discord_id) AND attribute_not_exists(updated_at)',
          ...(member.storedUpdatedAt !== undefined ? { ExpressionAttributeValues: { ':seen': member.storedUpdatedAt } } : {}),
        },
      },
      reason: 'changed',
    };
  }

  /**
   * Transaction part of an award. A member whose item keeps counters gets them incremented. One
   * the previous system wrote (no counters) gets them written whole, from `derived` (their
   * history) plus this award, only while the item still has none, so a concurrent first award
   * cannot count twice. Either way the member must still be on the roster and not away. The award
   * joins the newest links the item keeps (recentUpdate), started from `derived` history where the
   * item keeps none.
   */
  awardItem(
    member: Member,
    award: { id: string; at: string; quality: Quality; linkType: string; today: string; skipIfAway: boolean; clearDebt?: DebtKey; logSince?: string },
    derived?: { counters: Counters; recent: RecentLink[] },
  ): TransactWriteItem {
    return withDebtCleared(this.awardUpdate(member, award, derived), award.clearDebt, member.debtsStored);
  }

  private awardUpdate(
    member: Member,
    award: { id: string; at: string; quality: Quality; linkType: string; today: string; skipIfAway: boolean; logSince?: string },
    derived?: { counters: Counters; recent: RecentLink[] },
  ): TransactWriteItem {
    const entry = encodeEntry({ at: award.at, id: award.id });
    const link: RecentLink = { id: award.id, at: award.at, quality: award.quality, link_type: award.linkType };
    // Away members are skipped by random picks only; an officer may still name one.
    const notAway = award.skipIfAway ? '(attribute_not_exists(away_until) OR away_until < :today)' : 'attribute_exists(discord_id)';
    // Eligibility was checked on this read: the join date (and officer flag) it was checked on must still stand.
    const standing = `${member.storedJoinDate === undefined ? 'attribute_not_exists(join_date)' : '(join_date = :joined OR guild_join_date = :joined)'}${member.is_officer ? ' AND is_officer = :officer' : ''}`;
    const standingValues = { ...(member.storedJoinDate === undefined ? {} : { ':joined': member.storedJoinDate }), ...(member.is_officer ? { ':officer': true } : {}) };
    const want = wantFulfilled(member, award.linkType);
    if (member.counters) {
      const recent = this.recentUpdate(member, link, derived?.recent);
      // last_link_at never moves back (a late retried award): set only when this award is newer
      // than what the item holds, and the condition says the item still holds what was read.
      const known = member.counters.last_link_at;
      const newer = !known || known <= award.at;
      // A full log is written whole, its oldest entry out, while the count is still as read (another
      // award at once is then retried on a fresh read); otherwise the entry is added.
      const log = member.counters.awards[award.quality];
      // Entries gone past the window leave with this award (the newest stays, whenever it was).
      const newest = log.reduce<string | undefined>((n, a) => (n === undefined || a.at > n ? a.at : n), undefined);
      const stale = award.logSince ? log.filter((a) => a.at < award.logSince! && a.at !== newest) : [];
      const full = log.length >= AWARDS_KEPT || stale.length > 0;
      // (The count and updated_at both as read: an award and a revert in between leave the count as it was, not updated_at.)
      const unchanged = ` AND links_received = :seen AND ${member.storedUpdatedAt !== undefined ? 'updated_at = :seenAt' : 'attribute_not_exists(updated_at)'}`;
      const logUpdate = full ? { set: `, ${AWARDS_ATTRIBUTE[award.quality]} = :log`, add: '', condition: unchanged } : { set: '', add: `, ${AWARDS_ATTRIBUTE[award.quality]} :entry`, condition: '' };
      const logValues = full
        ? { ':log': awardLog([...log.filter((a) => a.id !== award.id && !stale.includes(a)), { at: award.at, id: award.id }]), ':seen': member.counters.links_received, ...(member.storedUpdatedAt !== undefined ? { ':seenAt': member.storedUpdatedAt } : {}) }
        : { ':entry': new Set([entry]) };
      return {
        Update: {
          TableName: this.tableName,
          Key: { discord_id: member.discord_id },
          UpdateExpression: `SET ${newer ? 'last_link_at = :at, ' : ''}updated_at = :at${recent.set}${logUpdate.set} ADD links_received :one${logUpdate.add}${recent.remove}${want.update}`,
          ConditionExpression: `attribute_exists(links_received) AND ${notAway} AND ${standing} AND ${newer ? '(attribute_not_exists(last_link_at) OR last_link_at <= :at)' : 'last_link_at > :at'}${recent.condition}${want.condition}${logUpdate.condition}`,
          ...(Object.keys(recent.names).length ? { ExpressionAttributeNames: recent.names } : {}),
          ExpressionAttributeValues: { ':at': award.at, ':one': 1, ...logValues, ...recent.values, ...want.values, ...standingValues, ...(award.skipIfAway ? { ':today': award.today } : {}) },
        },
      };
    }
    const counters = derived?.counters ?? emptyCounters();
    const awards = { ...counters.awards, [award.quality]: [...counters.awards[award.quality], { at: award.at, id: award.id }] };
    const sets = QUALITIES.filter((q) => awards[q].length > 0);
    // The newest of this award and the history it is counted from: never an older one.
    const last = [award.at, counters.last_link_at ?? ''].sort().pop()!;
    return {
      Update: {
        TableName: this.tableName,
        Key: { discord_id: member.discord_id },
        UpdateExpression: `SET links_received = :n, last_link_at = :last, updated_at = :at, recent_links = :recent ADD ${sets.map((q) => `${AWARDS_ATTRIBUTE[q]} :${q}`).join(', ')}${want.update}`,
        ConditionExpression: `attribute_exists(discord_id) AND attribute_not_exists(links_received) AND ${notAway} AND ${standing} AND (attribute_not_exists(last_link_at) OR last_link_at <= :last)${want.condition}`,
        ExpressionAttributeValues: {
          ...want.values,
          ':n': counters.links_received + 1,
          ':at': award.at,
          ':last': last,
          ':recent': recentMap(newestLinks([link, ...(derived?.recent ?? []).filter((l) => l.id !== link.id)])),
          ...standingValues,
          ...(award.skipIfAway ? { ':today': award.today } : {}),
          ...Object.fromEntries(sets.map((q) => [`:${q}`, awardLog(awards[q])])),
        },
      },
    };
  }

  /**
   * How an award changes the newest links an item keeps. Kept ones: the award joins them if it is
   * among the RECENT_LINKS newest (a retried award may be older than all), and those it pushes out
   * leave; the map must still be there. None kept: the map is started whole from the member's
   * history (`fromHistory`), only while there is still none, so two first awards cannot overwrite
   * each other (the loser is retried on a fresh read). None kept and no history: it stays so.
   */
  private recentUpdate(member: Member, link: RecentLink, fromHistory: RecentLink[] | undefined) {
    const none = { set: '', remove: '', condition: '', names: {} as Record<string, string>, values: {} as Record<string, unknown> };
    if (member.recent) {
      const keep = new Set(newestLinks([link, ...member.recent.filter((l) => l.id !== link.id)]).map((l) => l.id));
      const leaving = member.recent.filter((l) => !keep.has(l.id));
      const names: Record<string, string> = { '#recent': 'recent_links', ...Object.fromEntries(leaving.map((l, i) => [`#old${i}`, l.id])) };
      if (keep.has(link.id)) names['#new'] = link.id;
      return {
        set: keep.has(link.id) ? ', #recent.#new = :link' : '',
        remove: leaving.length ? ` REMOVE ${leaving.map((_, i) => `#recent.#old${i}`).join(', ')}` : '',
        condition: ' AND attribute_exists(#recent)',
        names,
        values: keep.has(link.id) ? { ':link': recentValue(link) } : {},
      };
    }
    if (!fromHistory) return none;
    return {
      ...none,
      set: ', #recent = :recent',
      condition: ' AND attribute_not_exists(#recent)',
      names: { '#recent': 'recent_links' },
      values: { ':recent': recentMap(newestLinks([link, ...fromHistory.filter((l) => l.id !== link.id)])) },
    };
  }

  /**
   * Transaction part of a revert: the counters rewritten from the member's history without the
   * reverted award (so a count the previous system never kept, or one that drifted, comes out
   * right), only if the count is still what was read. The newest links the item keeps show the
   * award reverted if they hold it; an item that keeps none gets them from `recentHistory` (their
   * history's newest, the reverted one marked), only while it still has none.
   */
  revertItem(member: Member, after: Counters, now: string, reverted: string, recentHistory: RecentLink[]): TransactWriteItem {
    const set = ['links_received = :n', 'updated_at = :now'];
    const remove: string[] = [];
    const values: Record<string, unknown> = { ':n': after.links_received, ':now': now };
    const names: Record<string, string> = {};
    const conditions = ['attribute_exists(discord_id)'];
    if (member.recent?.some((r) => r.id === reverted)) {
      set.push('#recent.#reverted.reverted = :true');
      conditions.push('attribute_exists(#recent.#reverted)');
      Object.assign(names, { '#recent': 'recent_links', '#reverted': reverted });
      values[':true'] = true;
    } else if (!member.recent) {
      set.push('#recent = :recent');
      conditions.push('attribute_not_exists(#recent)');
      names['#recent'] = 'recent_links';
      values[':recent'] = recentMap(newestLinks(recentHistory).map((l) => (l.id === reverted ? { ...l, reverted: true } : l)));
    }
    if (after.last_link_at) {
      set.push('last_link_at = :last');
      values[':last'] = after.last_link_at;
    } else remove.push('last_link_at');
    for (const q of QUALITIES) {
      if (after.awards[q].length) {
        set.push(`${AWARDS_ATTRIBUTE[q]} = :${q}`);
        values[`:${q}`] = awardLog(after.awards[q]);
      } else remove.push(AWARDS_ATTRIBUTE[q]);
    }
    if (member.counters) {
      // The logs are written whole: only over the item as read (an award and a revert in between leave the count, not updated_at).
      conditions.push('links_received = :seen');
      values[':seen'] = member.counters.links_received;
      if (member.storedUpdatedAt !== undefined) {
        conditions.push('updated_at = :seenAt');
        values[':seenAt'] = member.storedUpdatedAt;
      } else conditions.push('attribute_not_exists(updated_at)');
    } else conditions.push('attribute_not_exists(links_received)');
    return {
      Update: {
        TableName: this.tableName,
        Key: { discord_id: member.discord_id },
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: conditions.join(' AND '),
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
      },
    };
  }

  /**
   * Adds the counters an item lacks (the previous system kept none), and its newest links, leaving
   * every attribute it has untouched: for `check:data --fix`, while the previous system may still
   * read the table.
   */
  async addMissingCounters(member: Member, history: { counters: Counters; recent: RecentLink[] }, dryRun: boolean): Promise<boolean> {
    if (member.counters) return false;
    if (dryRun) return true;
    const derived = history.counters;
    const sets = QUALITIES.filter((q) => derived.awards[q].length > 0);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { discord_id: member.discord_id },
          UpdateExpression: [
            `SET links_received = :n, recent_links = if_not_exists(recent_links, :recent)${derived.last_link_at ? ', last_link_at = if_not_exists(last_link_at, :last)' : ''}`,
            sets.length ? `ADD ${sets.map((q) => `${AWARDS_ATTRIBUTE[q]} :${q}`).join(', ')}` : '',
          ].join(' '),
          ConditionExpression: 'attribute_exists(discord_id) AND attribute_not_exists(links_received)',
          ExpressionAttributeValues: {
            ':n': derived.links_received,
            ':recent': recentMap(newestLinks(history.recent)),
            ...(derived.last_link_at ? { ':last': derived.last_link_at } : {}),
            ...Object.fromEntries(sets.map((q) => [`:${q}`, awardLog(derived.awards[q])])),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /**
   * The qualities whose award log a member item keeping counters lacks although their history
   * holds awards of it (a member copied by migrate:legacy kept a count but no logs): without the
   * log, `fewest` and `longest` count them as never served.
   */
  static missingAwardLogs(member: Member, derived: Counters): Quality[] {
    if (!member.counters) return [];
    return QUALITIES.filter((q) => derived.awards[q].length > 0 && member.counters!.awards[q].length === 0);
  }

  /**
   * Adds the award logs (and last link) a member item keeping counters lacks, from their history
   * (`derived`), only where absent and only while no award or revert changed the item since it
   * was read (its count is as read): for `check:data --fix` and the migration. Returns the
   * qualities added.
   */
  async addMissingAwardLogs(member: Member, derived: Counters): Promise<Quality[]> {
    const absent = MembersService.missingAwardLogs(member, derived);
    if (!absent.length || !member.counters) return [];
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { discord_id: member.discord_id },
          UpdateExpression: `${derived.last_link_at ? 'SET last_link_at = if_not_exists(last_link_at, :last) ' : ''}ADD ${absent.map((q) => `${AWARDS_ATTRIBUTE[q]} :${q}`).join(', ')}`,
          ConditionExpression: `links_received = :seen AND ${absent.map((q) => `attribute_not_exists(${AWARDS_ATTRIBUTE[q]})`).join(' AND ')}`,
          ExpressionAttributeValues: {
            ':seen': member.counters.links_received,
            ...(derived.last_link_at ? { ':last': derived.last_link_at } : {}),
            ...Object.fromEntries(absent.map((q) => [`:${q}`, awardLog(derived.awards[q])])),
          },
        }),
      );
      return absent;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return [];
      throw error;
    }
  }

  /** Adds the newest links an item lacks, from its history, unless something wrote them first (`check:data --fix`). */
  async addMissingRecent(member: Member, recent: RecentLink[]): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { discord_id: member.discord_id },
          UpdateExpression: 'SET recent_links = :recent',
          ConditionExpression: 'attribute_exists(discord_id) AND attribute_not_exists(recent_links)',
          ExpressionAttributeValues: { ':recent': recentMap(newestLinks(recent)) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /**
   * Records one closed event on a member (attended or missed), as `afterEvent` says, only if the
   * item is still as read (`updated_at`): a concurrent change makes the caller read again. The
   * same event applied twice changes nothing (so a close that stopped half-way is finished later).
   * Returns 'unchanged' when there was nothing to write, 'changed' when the item moved meanwhile.
   */
  async applyEvent(member: Member, event: { id: string; kind: EventKind; at: string }, present: boolean, rules: AttendanceRules, now = this.clock.now()): Promise<'written' | 'unchanged' | 'changed' | 'gone'> {
    const next = afterEvent(member.attendance, event, present, rules, now).attendance;
    if (sameAttendance(next, member.attendance)) return 'unchanged';
    return this.writeAttendance(member, next, now);
  }

  /** Writes a member's attendance whole (bounded maps), only if the item is still as read. */
  async writeAttendance(member: Member, next: Attendance, now = this.clock.now()): Promise<'written' | 'changed' | 'gone'> {
    const seen = member.storedUpdatedAt;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { discord_id: member.discord_id },
          UpdateExpression: `SET attended = :attended, missed = :missed, updated_at = :now${next.lastAttendedAt ? ', last_attended_at = :last' : ' REMOVE last_attended_at'}`,
          ConditionExpression: seen !== undefined ? 'attribute_exists(discord_id) AND updated_at = :seen' : 'attribute_exists(discord_id) AND attribute_not_exists(updated_at)',
          ExpressionAttributeValues: {
            ':attended': Object.fromEntries(next.attended.map((a) => [a.event, { kind: a.kind, at: a.at }])),
            ':missed': Object.fromEntries(next.missed.map((m) => [m.event, m.at])),
            ':now': now.toISOString(),
            ...(next.lastAttendedAt ? { ':last': next.lastAttendedAt } : {}),
            ...(seen !== undefined ? { ':seen': seen } : {}),
          },
        }),
      );
      return 'written';
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return (await this.get(member.discord_id, true)) ? 'changed' : 'gone';
    }
  }

  /** Records a link owed to a member (one per quality, or of any quality: a new reason replaces the old). */
  async owe(discordId: string, debt: Debt, now = this.clock.now()): Promise<Member | undefined> {
    // The whole map of at most four debts is written if it is still as read, so two officers owing at once both count.
    for (let attempt = 0; attempt < 3; attempt++) {
      const member = await this.get(discordId, true);
      if (!member) return undefined;
      const debts = [...member.debts.filter((d) => d.key !== debt.key), debt];
      const seen = member.storedUpdatedAt;
      try {
        const { Attributes } = await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { discord_id: discordId },
            UpdateExpression: 'SET debts = :debts, updated_at = :now',
            ConditionExpression: seen !== undefined ? 'attribute_exists(discord_id) AND updated_at = :seen' : 'attribute_exists(discord_id) AND attribute_not_exists(updated_at)',
            ExpressionAttributeValues: { ':debts': debtMap(debts), ':now': now.toISOString(), ...(seen !== undefined ? { ':seen': seen } : {}) },
            ReturnValues: 'ALL_NEW',
          }),
        );
        return Attributes ? readMember(Attributes) : undefined;
      } catch (error) {
        if (!isConditionalCheckFailed(error)) throw error;
      }
    }
    throw Object.assign(new Error('the member kept changing while a debt was recorded'), { name: 'ThrottlingException' });
  }

  /** Clears every link owed to a member. */
  async forgive(discordId: string, now = this.clock.now()): Promise<Member | undefined> {
    // An empty map, not none: an item without `debts` is read from the previous system's `compensation_owed`.
    return this.updateExisting(discordId, 'SET debts = :none, updated_at = :now', { ':none': {}, ':now': now.toISOString() });
  }

  /** The attendance and debt the previous system's fields stand for, added where the item has none (migration and `check:data --fix`). */
  async addLegacyAttendance(discordId: string, legacy: { attendance?: Attendance; debt?: Debt }, dryRun: boolean): Promise<boolean> {
    const set: string[] = [];
    const values: Record<string, unknown> = {};
    const conditions = ['attribute_exists(discord_id)'];
    if (legacy.attendance) {
      set.push('attended = :attended', 'missed = :missed');
      values[':attended'] = Object.fromEntries(legacy.attendance.attended.map((a) => [a.event, { kind: a.kind, at: a.at }]));
      values[':missed'] = Object.fromEntries(legacy.attendance.missed.map((m) => [m.event, m.at]));
      conditions.push('attribute_not_exists(attended)', 'attribute_not_exists(missed)');
      if (legacy.attendance.lastAttendedAt) {
        set.push('last_attended_at = :last');
        values[':last'] = legacy.attendance.lastAttendedAt;
      }
    }
    if (legacy.debt) {
      set.push('debts = :debts');
      values[':debts'] = debtMap([legacy.debt]);
      conditions.push('attribute_not_exists(debts)');
    }
    if (!set.length) return false;
    if (dryRun) return true;
    try {
      await this.db.send(
        new UpdateCommand({ TableName: this.tableName, Key: { discord_id: discordId }, UpdateExpression: `SET ${set.join(', ')}`, ConditionExpression: conditions.join(' AND '), ExpressionAttributeValues: values }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  private async updateExisting(discordId: string, expression: string, values: Record<string, unknown>): Promise<Member | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { discord_id: discordId },
          UpdateExpression: expression,
          ConditionExpression: 'attribute_exists(discord_id)',
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? readMember(Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }
}

/**
 * An award fulfils the winner's want of its type (docs: wants): the type leaves `wants` in the
 * award's update. Conditioned on `wants` still being as read, so the wants counts kept beside it
 * (`fulfilled`: one fewer) never drift when a /want change races the award.
 */
export function wantFulfilled(member: Member, linkType: string): { fulfilled: boolean; update: string; condition: string; values: Record<string, unknown> } {
  const fulfilled = member.wants.includes(linkType);
  return fulfilled
    ? { fulfilled, update: ' DELETE wants :want', condition: ' AND contains(wants, :wantType)', values: { ':want': new Set([linkType]), ':wantType': linkType } }
    : { fulfilled, update: '', condition: ' AND NOT contains(wants, :wantType)', values: { ':wantType': linkType } };
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

/** A member in FlavaFlav's form, read from any form the tables hold. Stale rank, eligibility and day counts are ignored. */
export function readMember(item: Record<string, unknown>): Member {
  const id = String(item.discord_id ?? '');
  const storedJoinDate = item.join_date ?? item.guild_join_date;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v : undefined);
  const member: Member = {
    discord_id: id,
    username: text(item.username) ?? text(item.discord_username) ?? id,
    join_date: storedDay(storedJoinDate) ?? undefined,
    storedJoinDate,
    storedUpdatedAt: item.updated_at,
    // The old single table said who was an officer with a role; FlavaFlav's is_officer flag, once written, decides.
    is_officer: item.is_officer !== undefined ? item.is_officer === true || item.is_officer === 'true' : item.role === 'admin' || item.role === 'officer',
    added_by: text(item.added_by),
    added_date: storedInstant(item.added_date ?? item.created_at) ?? undefined,
    updated_at: storedInstant(item.updated_at) ?? undefined,
    away_until: storedDay(item.away_until) ?? undefined,
    wants: readWants(item.wants),
    recent: readRecent(item.recent_links),
    ...readAttendanceAndDebts(item),
  };
  if (item.links_received !== undefined && item.links_received !== null) {
    const awards = emptyCounters().awards;
    for (const q of QUALITIES) awards[q] = readEntries(item[AWARDS_ATTRIBUTE[q]]);
    member.counters = {
      links_received: Math.max(0, Math.trunc(Number(item.links_received)) || 0),
      last_link_at: storedInstant(item.last_link_at) ?? undefined,
      awards,
    };
  }
  return member;
}

/**
 * An award's member update that also pays a debt: the debt leaves in the same write, and must still
 * be there (two draws paying one debt at once: the second is refused, nothing written).
 */
function withDebtCleared(item: TransactWriteItem, key: DebtKey | undefined, stored: boolean): TransactWriteItem {
  if (!key || !item.Update) return item;
  const update = item.Update;
  const expression = update.UpdateExpression ?? '';
  if (!stored) {
    // The debt is the previous system's `compensation_owed` (left as it is): paid, the item keeps
    // an empty `debts`, so it is no longer read as owed; only while it still has none.
    return {
      Update: {
        ...update,
        UpdateExpression: expression.replace(/^SET /, 'SET #debts = :nodebts, '),
        ConditionExpression: `${update.ConditionExpression} AND attribute_not_exists(#debts)`,
        ExpressionAttributeNames: { ...(update.ExpressionAttributeNames ?? {}), '#debts': 'debts' },
        ExpressionAttributeValues: { ...(update.ExpressionAttributeValues ?? {}), ':nodebts': {} },
      },
    };
  }
  const remove = '#debts.#debt';
  // One REMOVE clause per expression: join the award's own, if it has one.
  const merged = / REMOVE /.test(expression) ? expression.replace(' REMOVE ', ` REMOVE ${remove}, `) : `${expression} REMOVE ${remove}`;
  return {
    Update: {
      ...update,
      UpdateExpression: merged,
      ConditionExpression: `${update.ConditionExpression} AND attribute_exists(#debts.#debt)`,
      ExpressionAttributeNames: { ...(update.ExpressionAttributeNames ?? {}), '#debts': 'debts', '#debt': key },
    },
  };
}

/** Attendance and debts as FlavaFlav keeps them, else as the previous system's fields say (never rewritten). */
function readAttendanceAndDebts(item: Record<string, unknown>): { attendance: Attendance; debts: Debt[]; debtsStored: boolean } {
  const keepsAttendance = item.attended !== undefined || item.missed !== undefined || item.last_attended_at !== undefined;
  const keepsDebts = item.debts !== undefined;
  const legacy = keepsAttendance && keepsDebts ? {} : legacyAttendance(item, storedInstant);
  return {
    attendance: keepsAttendance ? readAttendance(item) : (legacy.attendance ?? NO_ATTENDANCE),
    debts: keepsDebts ? readDebts(item.debts) : legacy.debt ? [legacy.debt] : [],
    debtsStored: keepsDebts || !legacy.debt,
  };
}

function readAttendance(item: Record<string, unknown>): Attendance {
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

function sameAttendance(a: Attendance, b: Attendance): boolean {
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

function debtMap(debts: Debt[]): Record<string, Record<string, string>> {
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

function recentValue(link: RecentLink): Record<string, unknown> {
  return { at: link.at, quality: link.quality, link_type: link.link_type, ...(link.reverted ? { reverted: true } : {}) };
}

function readWants(value: unknown): string[] {
  const items = value instanceof Set ? [...value] : Array.isArray(value) ? value : [];
  return items.filter((v): v is string => typeof v === 'string').sort((a, b) => a.localeCompare(b));
}

/** An award log entry: `<ISO time>|<record id>` (ids may hold any character but the time never holds "|"). */
function encodeEntry(entry: AwardEntry): string {
  return `${entry.at}|${entry.id}`;
}

function readEntries(value: unknown): AwardEntry[] {
  const items = value instanceof Set ? [...value] : Array.isArray(value) ? value : [];
  return items
    .filter((v): v is string => typeof v === 'string' && v.includes('|'))
    .map((v) => ({ at: v.slice(0, v.indexOf('|')), id: v.slice(v.indexOf('|') + 1) }))
    .sort((a, b) => a.at.localeCompare(b.at));
}
