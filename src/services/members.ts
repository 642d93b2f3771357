/**
 * The members table: the guild roster, keyed by Discord user id. It reads members as whoever
 * wrote them left them: FlavaFlav's form, the previous system's (RFC 3339 join dates, stale rank and
 * eligibility, no counters) and the old single table's (`discord_username`, `guild_join_date`,
 * `role`). It writes FlavaFlav's form and only adds what an item lacks.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterEvent, type Attendance, type AttendanceRules, type Debt, type EventKind } from '../domain/attendance';
import { systemClock, type Clock } from '../domain/clock';
import { QUALITIES, type Quality } from '../domain/ranks';
import { scanAll, scanPage } from '../db/requests';
import { MEMBER, writeItem } from '../db/schema';
import { ReadCoalescer } from './coalesce';
import { isConditionalCheckFailed } from './errors';
import * as awards from './member-awards';
import type { MemberAward } from './member-awards';
import { AWARDS_ATTRIBUTE, awardLog, debtMap, emptyCounters, isMemberItem, MAX_WANTS, newestLinks, readMember, recentMap, sameAttendance, type CountedMember, type Counters, type Member, type NewMember, type RecentLink } from './member-items';
import { decodeCursor, encodeCursor, isPossibleKey, type Page, type ReadOptions } from './pagination';
import type { TransactionPart, TransactWriteItem } from './transactions';

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
    const item = writeItem(MEMBER, {
      ...input,
      added_date: at,
      updated_at: at,
      recent_links: recentMap(newestLinks(history.recent)),
      links_received: counters.links_received,
      ...(counters.last_link_at ? { last_link_at: counters.last_link_at } : {}),
      ...Object.fromEntries(QUALITIES.filter((q) => counters.awards[q].length).map((q) => [AWARDS_ATTRIBUTE[q], awardLog(counters.awards[q])])),
    });
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

  /** Transaction part of an award (src/services/member-awards.ts, `awardItem`). */
  awardItem(member: Member, award: MemberAward, derived?: { counters: Counters; recent: RecentLink[] }): TransactWriteItem {
    return awards.awardItem(this.tableName, member, award, derived);
  }

  /** Transaction part of a revert (src/services/member-awards.ts, `revertItem`). */
  revertItem(member: Member, after: Counters, now: string, reverted: string, recentHistory: RecentLink[]): TransactWriteItem {
    return awards.revertItem(this.tableName, member, after, now, reverted, recentHistory);
  }

  /** Adds the counters and newest links an item lacks (src/services/member-awards.ts). */
  addMissingCounters(member: Member, history: { counters: Counters; recent: RecentLink[] }, dryRun: boolean): Promise<boolean> {
    return awards.addMissingCounters(this.db, this.tableName, member, history, dryRun);
  }

  /** The qualities whose award log an item keeping counters lacks (src/services/member-awards.ts). */
  static missingAwardLogs(member: Member, derived: Counters): Quality[] {
    return awards.missingAwardLogs(member, derived);
  }

  /** Adds the award logs an item keeping counters lacks (src/services/member-awards.ts). */
  addMissingAwardLogs(member: Member, derived: Counters): Promise<Quality[]> {
    return awards.addMissingAwardLogs(this.db, this.tableName, member, derived);
  }

  /** Adds the newest links an item lacks (src/services/member-awards.ts). */
  addMissingRecent(member: Member, recent: RecentLink[]): Promise<boolean> {
    return awards.addMissingRecent(this.db, this.tableName, member, recent);
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

