/**
 * The members table: the guild roster, keyed by Discord user id. It reads members as whoever
 * wrote them left them: SPEC's form, the previous system's (RFC 3339 join dates, stale rank and
 * eligibility, no counters) and the old single table's (`discord_username`, `guild_join_date`,
 * `role`). It writes SPEC's form and only adds what an item lacks.
 */
import { GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock, type Clock } from '../domain/clock';
import { storedDay, storedInstant } from '../domain/dates';
import { QUALITIES, type Quality } from '../domain/ranks';
import { isConditionalCheckFailed } from './errors';
import { decodeCursor, encodeCursor, isPossibleKey, type Page, type ReadOptions } from './pagination';
import type { TransactionPart, TransactWriteItem } from './transactions';

/** One award in a member's own log: when, and which record. */
export interface AwardEntry {
  at: string;
  id: string;
}

export type AwardLog = Record<Quality, AwardEntry[]>;

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

export class MembersService {
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
   * Puts a member on the roster, with the counters their history gives (someone added back keeps
   * what they received), or none.
   */
  async add(input: NewMember, counters: Counters = emptyCounters(), now = this.clock.now()): Promise<{ ok: true; member: CountedMember } | { ok: false; reason: 'exists' }> {
    const at = now.toISOString();
    const item = {
      ...input,
      added_date: at,
      updated_at: at,
      links_received: counters.links_received,
      ...(counters.last_link_at ? { last_link_at: counters.last_link_at } : {}),
      ...Object.fromEntries(QUALITIES.filter((q) => counters.awards[q].length).map((q) => [AWARDS_ATTRIBUTE[q], new Set(counters.awards[q].map(encodeEntry))])),
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
  async list(options: { limit?: number; cursor?: string } & ReadOptions = {}): Promise<Page<Member>> {
    const { Items, LastEvaluatedKey } = await this.db.send(
      new ScanCommand({ TableName: this.tableName, Limit: options.limit ?? 100, ExclusiveStartKey: decodeCursor(options.cursor) }),
      { abortSignal: options.signal },
    );
    return { items: (Items ?? []).filter(isMemberItem).map(readMember), cursor: encodeCursor(LastEvaluatedKey) };
  }

  /** The whole roster (bounded), for draws and the paginated roster display. */
  async listAll(maxPages = 100): Promise<Member[]> {
    const members: Member[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const result = await this.list({ limit: 500, cursor });
      members.push(...result.items);
      cursor = result.cursor;
      if (!cursor) break;
    }
    return members;
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
   * cannot count twice. Either way the member must still be on the roster and not away.
   */
  awardItem(member: Member, award: { id: string; at: string; quality: Quality; today: string; skipIfAway: boolean }, derived?: Counters): TransactWriteItem {
    const entry = encodeEntry({ at: award.at, id: award.id });
    // Away members are skipped by random picks only; an officer may still name one.
    const notAway = award.skipIfAway ? '(attribute_not_exists(away_until) OR away_until < :today)' : 'attribute_exists(discord_id)';
    if (member.counters) {
      return {
        Update: {
          TableName: this.tableName,
          Key: { discord_id: member.discord_id },
          UpdateExpression: `SET last_link_at = :at, updated_at = :at ADD links_received :one, ${AWARDS_ATTRIBUTE[award.quality]} :entry`,
          ConditionExpression: `attribute_exists(links_received) AND ${notAway}`,
          ExpressionAttributeValues: { ':at': award.at, ':one': 1, ':entry': new Set([entry]), ...(award.skipIfAway ? { ':today': award.today } : {}) },
        },
      };
    }
    const counters = derived ?? emptyCounters();
    const awards = { ...counters.awards, [award.quality]: [...counters.awards[award.quality], { at: award.at, id: award.id }] };
    const sets = QUALITIES.filter((q) => awards[q].length > 0);
    return {
      Update: {
        TableName: this.tableName,
        Key: { discord_id: member.discord_id },
        UpdateExpression: `SET links_received = :n, last_link_at = :at, updated_at = :at ADD ${sets.map((q) => `${AWARDS_ATTRIBUTE[q]} :${q}`).join(', ')}`,
        ConditionExpression: `attribute_exists(discord_id) AND attribute_not_exists(links_received) AND ${notAway}`,
        ExpressionAttributeValues: {
          ':n': counters.links_received + 1,
          ':at': award.at,
          ...(award.skipIfAway ? { ':today': award.today } : {}),
          ...Object.fromEntries(sets.map((q) => [`:${q}`, new Set(awards[q].map(encodeEntry))])),
        },
      },
    };
  }

  /**
   * Transaction part of a revert: the counters rewritten from the member's history without the
   * reverted award (so a count the previous system never kept, or one that drifted, comes out
   * right), only if the count is still what was read.
   */
  revertItem(member: Member, after: Counters, now: string): TransactWriteItem {
    const set = ['links_received = :n', 'updated_at = :now'];
    const remove: string[] = [];
    const values: Record<string, unknown> = { ':n': after.links_received, ':now': now };
    if (after.last_link_at) {
      set.push('last_link_at = :last');
      values[':last'] = after.last_link_at;
    } else remove.push('last_link_at');
    for (const q of QUALITIES) {
      if (after.awards[q].length) {
        set.push(`${AWARDS_ATTRIBUTE[q]} = :${q}`);
        values[`:${q}`] = new Set(after.awards[q].map(encodeEntry));
      } else remove.push(AWARDS_ATTRIBUTE[q]);
    }
    let condition = 'attribute_not_exists(links_received)';
    if (member.counters) {
      condition = 'links_received = :seen';
      values[':seen'] = member.counters.links_received;
    }
    return {
      Update: {
        TableName: this.tableName,
        Key: { discord_id: member.discord_id },
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: `attribute_exists(discord_id) AND ${condition}`,
        ExpressionAttributeValues: values,
      },
    };
  }

  /**
   * Adds the counters an item lacks (the previous system kept none), leaving every attribute it
   * has untouched: for `check:data --fix`, while the previous system may still read the table.
   */
  async addMissingCounters(member: Member, derived: Counters, dryRun: boolean): Promise<boolean> {
    if (member.counters) return false;
    if (dryRun) return true;
    const sets = QUALITIES.filter((q) => derived.awards[q].length > 0);
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { discord_id: member.discord_id },
          UpdateExpression: [
            `SET links_received = :n${derived.last_link_at ? ', last_link_at = if_not_exists(last_link_at, :last)' : ''}`,
            sets.length ? `ADD ${sets.map((q) => `${AWARDS_ATTRIBUTE[q]} :${q}`).join(', ')}` : '',
          ].join(' '),
          ConditionExpression: 'attribute_exists(discord_id) AND attribute_not_exists(links_received)',
          ExpressionAttributeValues: {
            ':n': derived.links_received,
            ...(derived.last_link_at ? { ':last': derived.last_link_at } : {}),
            ...Object.fromEntries(sets.map((q) => [`:${q}`, new Set(derived.awards[q].map(encodeEntry))])),
          },
        }),
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

/** A member as SPEC describes it, read from any form the tables hold. Stale rank, eligibility and day counts are ignored. */
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
    // The old single table said who was an officer with a role; SPEC's flag, once written, decides.
    is_officer: item.is_officer !== undefined ? item.is_officer === true || item.is_officer === 'true' : item.role === 'admin' || item.role === 'officer',
    added_by: text(item.added_by),
    added_date: storedInstant(item.added_date ?? item.created_at) ?? undefined,
    updated_at: storedInstant(item.updated_at) ?? undefined,
    away_until: storedDay(item.away_until) ?? undefined,
    wants: readWants(item.wants),
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
