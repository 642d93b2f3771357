/** The distributions table: the never-deleted history of who got which link. */
import { systemClock, type Clock } from '../domain/clock';
import { GetCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { addDays, utcDay } from '../domain/dates';
import type { Quality } from '../domain/ranks';
import type { TransactWriteItem } from './transactions';
import { decodeCursor, encodeCursor, type Page } from './pagination';

export type DistributionStatus = 'confirmed' | 'reverted';

export interface Distribution {
  distribution_id: string;
  member_id: string;
  member_username: string;
  link_id: string;
  link_type: string;
  quality: Quality;
  bonus: string;
  method: 'discord';
  distributed_by: string;
  /** ISO-8601 UTC timestamp */
  distributed_at: string;
  /** YYYY-MM-DD of distributed_at: the date-index partition. */
  distribution_date: string;
  notes?: string;
  list_id?: string;
  pool_size: number;
  /** Members drawn and rerolled before the winner, in order. */
  drawn_before: string[];
  status: DistributionStatus;
  /** The member's last_link_at before this award, restored by a revert. */
  previous_last_link_at?: string;
  reverted_by?: string;
  reverted_at?: string;
}

export interface HistoryFilter {
  quality?: Quality;
}

const MEMBER_INDEX = 'member-date-index';
const DATE_INDEX = 'date-index';
/** Days of the date-index read at once when walking guild-wide history backwards. */
const DAYS_PER_ROUND = 31;
/**
 * The guild-wide walk stops after this many consecutive days with no distribution at all, so an
 * empty or short history costs a handful of parallel queries, not a query per day forever.
 * (A member's own history is always complete: it reads the member-date-index.)
 */
const MAX_EMPTY_DAYS = 366;

interface GuildCursor {
  /** Day being read, and where in it (the index's LastEvaluatedKey), or the next day to read. */
  day: string;
  key?: Record<string, unknown>;
}

export class DistributionsService {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(distributionId: string, consistent = false): Promise<Distribution | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { distribution_id: distributionId }, ConsistentRead: consistent }),
    );
    return Item ? normalizeDistribution(Item) : undefined;
  }

  /** A member's history, newest first, one page at a time. */
  async forMember(memberId: string, options: { limit?: number; cursor?: string } & HistoryFilter = {}): Promise<Page<Distribution>> {
    const limit = options.limit ?? 10;
    const items: Distribution[] = [];
    let startKey = decodeCursor(options.cursor);
    // A filter can leave a page short; keep reading (bounded) until it is full or history ends.
    for (let round = 0; round < 20; round++) {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: MEMBER_INDEX,
          KeyConditionExpression: 'member_id = :m',
          FilterExpression: options.quality ? 'quality = :q' : undefined,
          ExpressionAttributeValues: { ':m': memberId, ...(options.quality ? { ':q': options.quality } : {}) },
          ScanIndexForward: false,
          Limit: limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(result.Items ?? []).map(normalizeDistribution));
      startKey = result.LastEvaluatedKey;
      if (!startKey || items.length >= limit) break;
    }
    return { items, cursor: encodeCursor(startKey) };
  }

  /**
   * Guild-wide history, newest first. The date-index is partitioned by day, so this reads up to
   * a month of days in parallel per round, stops as soon as the page is full, and resumes from the
   * cursor (the day and the position inside it).
   */
  async guildWide(options: { limit?: number; cursor?: string; today?: string } & HistoryFilter = {}): Promise<Page<Distribution>> {
    const limit = options.limit ?? 10;
    const start = decodeCursor<GuildCursor>(options.cursor) ?? { day: options.today ?? utcDay(this.clock.now()) };
    const items: Distribution[] = [];
    let day = start.day;
    let key = start.key;
    let emptyDays = 0;

    while (items.length < limit && emptyDays < MAX_EMPTY_DAYS) {
      const days = Array.from({ length: DAYS_PER_ROUND }, (_, i) => addDays(day, -i));
      const pages = await Promise.all(
        days.map((d, i) => this.readDay(d, limit, i === 0 ? key : undefined, options.quality)),
      );
      for (let i = 0; i < days.length; i++) {
        const page = pages[i];
        const room = limit - items.length;
        if (page.items.length > room) {
          // Page full inside this day: resume after the last item taken.
          const last = page.items[room - 1];
          items.push(...page.items.slice(0, room));
          return { items, cursor: encodeCursor({ day: days[i], key: indexKey(last) }) };
        }
        items.push(...page.items);
        emptyDays = page.items.length === 0 && !page.more ? emptyDays + 1 : 0;
        if (page.more) {
          return { items, cursor: encodeCursor({ day: days[i], key: page.lastKey }) };
        }
        if (items.length >= limit) {
          return { items, cursor: encodeCursor({ day: addDays(days[i], -1) }) };
        }
        if (emptyDays >= MAX_EMPTY_DAYS) break;
      }
      day = addDays(days[days.length - 1], -1);
      key = undefined;
    }
    return { items, cursor: undefined };
  }

  /** Reads up to `limit` items of one day, newest first (filtered reads may need several requests). */
  private async readDay(
    day: string,
    limit: number,
    startKey: Record<string, unknown> | undefined,
    quality: Quality | undefined,
  ): Promise<{ items: Distribution[]; more: boolean; lastKey?: Record<string, unknown> }> {
    const items: Distribution[] = [];
    let key = startKey;
    for (let round = 0; round < 20; round++) {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: DATE_INDEX,
          KeyConditionExpression: 'distribution_date = :d',
          FilterExpression: quality ? 'quality = :q' : undefined,
          ExpressionAttributeValues: { ':d': day, ...(quality ? { ':q': quality } : {}) },
          ScanIndexForward: false,
          // One more than asked, so a full page knows whether the day goes on.
          Limit: limit + 1 - items.length,
          ExclusiveStartKey: key,
        }),
      );
      items.push(...(result.Items ?? []).map(normalizeDistribution));
      key = result.LastEvaluatedKey;
      if (!key || items.length > limit) break;
    }
    if (items.length > limit) return { items, more: false };
    return { items, more: Boolean(key), lastKey: key };
  }

  /** Recent distributions for autocomplete (guild-wide, newest first). */
  async recent(limit = 25): Promise<Distribution[]> {
    return (await this.guildWide({ limit })).items;
  }

  /** Every record, for the full CSV export (the only Scan of this table). */
  async exportAll(maxPages = 200): Promise<Distribution[]> {
    const items: Distribution[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < maxPages; page++) {
      const result = await this.db.send(new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: startKey }));
      items.push(...(result.Items ?? []).map(normalizeDistribution));
      startKey = result.LastEvaluatedKey;
      if (!startKey) break;
    }
    return items.sort((a, b) => b.distributed_at.localeCompare(a.distributed_at));
  }

  /** Transaction part of an award: the record is written once; a retried award cannot duplicate it. */
  awardItem(record: Distribution): TransactWriteItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: record,
        ConditionExpression: 'attribute_not_exists(distribution_id)',
      },
    };
  }

  /** Transaction part of a revert: the record is kept and marked reverted, only once. */
  revertItem(distributionId: string, revertedBy: string, revertedAt: string): TransactWriteItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: { distribution_id: distributionId },
        UpdateExpression: 'SET #status = :reverted, reverted_by = :by, reverted_at = :at',
        // Two officers reverting at once: only the first changes anything.
        ConditionExpression: 'attribute_exists(distribution_id) AND (#status = :confirmed OR attribute_not_exists(#status))',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':reverted': 'reverted', ':confirmed': 'confirmed', ':by': revertedBy, ':at': revertedAt },
      },
    };
  }
}

function indexKey(item: Distribution): Record<string, unknown> {
  return { distribution_id: item.distribution_id, distribution_date: item.distribution_date, distributed_at: item.distributed_at };
}

function normalizeDistribution(item: Record<string, unknown>): Distribution {
  return {
    ...(item as unknown as Distribution),
    status: item.status === 'reverted' ? 'reverted' : 'confirmed',
    pool_size: Number(item.pool_size ?? 0),
    drawn_before: Array.isArray(item.drawn_before) ? (item.drawn_before as string[]) : [],
  };
}
