/** The members table: the guild roster, keyed by Discord user id. */
import { systemClock, type Clock } from '../domain/clock';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { TransactWriteItem } from './transactions';
import { isConditionalCheckFailed } from './errors';
import { decodeCursor, encodeCursor, type Page } from './pagination';

export interface Member {
  discord_id: string;
  username: string;
  /** YYYY-MM-DD */
  join_date: string;
  is_officer: boolean;
  added_by: string;
  added_date: string;
  updated_at: string;
  links_received: number;
  last_link_at?: string;
  /** YYYY-MM-DD: skipped by random picks through this day. */
  away_until?: string;
}

export type NewMember = Pick<Member, 'discord_id' | 'username' | 'join_date' | 'is_officer' | 'added_by'>;

export class MembersService {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(discordId: string, consistent = false): Promise<Member | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { discord_id: discordId }, ConsistentRead: consistent }),
    );
    return Item ? normalizeMember(Item) : undefined;
  }

  async add(input: NewMember, now = this.clock.now()): Promise<{ ok: true; member: Member } | { ok: false; reason: 'exists' }> {
    const at = now.toISOString();
    const member: Member = { ...input, added_date: at, updated_at: at, links_received: 0 };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: member,
          // Two officers adding the same person at once: the second is told they exist.
          ConditionExpression: 'attribute_not_exists(discord_id)',
        }),
      );
      return { ok: true, member };
    } catch (error) {
      if (isConditionalCheckFailed(error)) return { ok: false, reason: 'exists' };
      throw error;
    }
  }

  /**
   * One page of the roster. The members table has no index (its shape is fixed), so the roster is
   * a paginated Scan: the whole table is the answer here, and guild rosters are small.
   */
  async list(options: { limit?: number; cursor?: string } = {}): Promise<Page<Member>> {
    const { Items, LastEvaluatedKey } = await this.db.send(
      new ScanCommand({
        TableName: this.tableName,
        Limit: options.limit ?? 100,
        ExclusiveStartKey: decodeCursor(options.cursor),
      }),
    );
    return { items: (Items ?? []).filter(isMemberItem).map(normalizeMember), cursor: encodeCursor(LastEvaluatedKey) };
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

  async setUsername(discordId: string, username: string, now = this.clock.now()): Promise<Member | undefined> {
    return this.updateExisting(discordId, 'SET username = :v, updated_at = :now', { ':v': username, ':now': now.toISOString() });
  }

  /** Removes a member from the roster; their distribution history is kept. */
  async remove(discordId: string): Promise<Member | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { discord_id: discordId },
          ConditionExpression: 'attribute_exists(discord_id)',
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes ? normalizeMember(Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  /** Transaction part of an award: count the link; fails if the member was removed meanwhile. */
  awardItem(discordId: string, awardedAt: string): TransactWriteItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: { discord_id: discordId },
        UpdateExpression: 'SET last_link_at = :at, updated_at = :at ADD links_received :one',
        ConditionExpression: 'attribute_exists(discord_id)',
        ExpressionAttributeValues: { ':at': awardedAt, ':one': 1 },
      },
    };
  }

  /** Transaction part of a revert: uncount the link and restore the previous last-link time. */
  revertItem(discordId: string, previousLastLinkAt: string | undefined, now: string): TransactWriteItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: { discord_id: discordId },
        UpdateExpression: previousLastLinkAt
          ? 'SET last_link_at = :prev, updated_at = :now ADD links_received :minus'
          : 'SET updated_at = :now REMOVE last_link_at ADD links_received :minus',
        // Never below zero, even if a legacy count was already wrong.
        ConditionExpression: 'attribute_exists(discord_id) AND links_received > :zero',
        ExpressionAttributeValues: {
          ':minus': -1,
          ':zero': 0,
          ':now': now,
          ...(previousLastLinkAt ? { ':prev': previousLastLinkAt } : {}),
        },
      },
    };
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
      return Attributes ? normalizeMember(Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }
}

/** The legacy single table may hold other items beside members; a member has a join date. */
function isMemberItem(item: Record<string, unknown>): boolean {
  return typeof item.discord_id === 'string' && typeof item.join_date === 'string';
}

/** Fills defaults for items written by older versions of the bot. */
function normalizeMember(item: Record<string, unknown>): Member {
  return {
    ...(item as unknown as Member),
    username: String(item.username ?? item.discord_id),
    is_officer: item.is_officer === true || item.is_officer === 'true',
    links_received: Number(item.links_received ?? 0),
  };
}
