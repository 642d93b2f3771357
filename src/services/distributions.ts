/**
 * The distributions table: every draw and award, never deleted (docs/architecture.md, "The four
 * tables"). A record lives through `status`: `drawn` (in no index) → `confirmed` (member_id +
 * distributed_at: in both indexes) | `cancelled` | `expired` (distribution_date + distributed_at of
 * when they ended: in the date-index only), and `confirmed` → `reverted`. Records the previous
 * system wrote (no status, no distribution_date, RFC 3339 times, any characters in their ids) are
 * read as they are.
 */
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, queryAll, queryPage, scanPages } from '../db/requests';
import { systemClock, type Clock } from '../domain/clock';
import { storedDay } from '../domain/dates';
import type { Quality } from '../domain/ranks';
import { isStanding, newestFirst, readDistribution, type Distribution } from './distribution-record';
import { addMonths, HistoryIndex, isMarkerId, RECENT_AWARDS } from './history-index';
import { ReadCoalescer } from './coalesce';
import { decodeCursor, encodeCursor, InvalidCursorError, isPossibleKey, type Page, type ReadOptions } from './pagination';
import { DATE_INDEX, MEMBER_DATE_INDEX } from '../db/schema';

export interface HistoryFilter {
  quality?: Quality;
}

/** A guild-wide page reads at most this many days (plus the top marker and a few month-marker batches). */
const MAX_DAY_QUERIES = 30;
/** /revert's suggestions read at most this many days. */
const MAX_RECENT_QUERIES = 10;
/** Days read at once when listing undelivered awards, and pages read of one day (1 MB each). */
const DAY_QUERIES_AT_ONCE = 6;
const MAX_DAY_PAGES = 10;
/** A member's whole history is read for counters and reverts; this bounds it (1 MB pages). */
const MAX_MEMBER_PAGES = 20;

interface GuildCursor {
  /** The day being read, and where in it (the key its last page goes on from), or the next day to read. */
  day: string;
  key?: Record<string, unknown>;
  /** When set, start at the day before `day`. */
  after?: boolean;
}

export class DistributionsService {
  readonly index: HistoryIndex;

  private readonly guildPages = new ReadCoalescer<Page<Distribution>>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {
    this.index = new HistoryIndex(db, tableName, clock);
  }

  async get(distributionId: string, consistent = false, { signal }: ReadOptions = {}): Promise<Distribution | undefined> {
    if (isMarkerId(distributionId) || !isPossibleKey(distributionId)) return undefined;
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { distribution_id: distributionId }, ConsistentRead: consistent }),
      { abortSignal: signal },
    );
    return Item ? readDistribution(Item) : undefined;
  }

  /** Several records by id (missing ones are left out), e.g. the open draws or undelivered awards. */
  async getMany(ids: string[], options: ReadOptions & { consistent?: boolean } = {}): Promise<Distribution[]> {
    // Never a silent gap (batchGetAll throws what it could not read): a caller may act on what is missing (the sweep, /deliveries).
    const keys = ids.map((id) => ({ distribution_id: id }));
    return (await batchGetAll(this.db, this.tableName, keys, { consistent: options.consistent, signal: options.signal, what: 'the records' })).map(readDistribution);
  }

  /** A member's history (confirmed and reverted awards), newest first, one page at a time. */
  async forMember(memberId: string, options: { limit?: number; cursor?: string } & HistoryFilter & ReadOptions = {}): Promise<Page<Distribution>> {
    const limit = options.limit ?? 10;
    const items: Distribution[] = [];
    let startKey = decodeCursor(options.cursor);
    // A cursor is a member-date-index key of this member's, or nothing this service wrote.
    if (startKey && !(Object.keys(startKey).length === 3 && startKey.member_id === memberId && typeof startKey.distribution_id === 'string' && typeof startKey.distributed_at === 'string')) {
      throw new InvalidCursorError('this page is no longer valid; start again from the first page');
    }
    // A filter can leave a page short; keep reading (bounded) until it is full or history ends.
    for (let round = 0; round < 20; round++) {
      const page = await queryPage(
        this.db,
        {
          TableName: this.tableName,
          IndexName: MEMBER_DATE_INDEX,
          KeyConditionExpression: 'member_id = :m',
          FilterExpression: options.quality ? 'quality = :q' : undefined,
          ExpressionAttributeValues: { ':m': memberId, ...(options.quality ? { ':q': options.quality } : {}) },
          ScanIndexForward: false,
          Limit: limit - items.length,
        },
        startKey,
        options.signal,
      );
      items.push(...page.items.map(readDistribution));
      startKey = page.next;
      if (!startKey || items.length >= limit) break;
    }
    return { items: await this.current(items, options), cursor: encodeCursor(startKey) };
  }

  /**
   * The records of a history page as they are now: the indexes may lag behind a revert or a
   * delivery made a moment ago (on AWS), so the page's records are read again consistently (one
   * BatchGet of at most a page). A record newer than the index is not on the page yet.
   */
  private async current(items: Distribution[], options: ReadOptions): Promise<Distribution[]> {
    if (!items.length) return items;
    const fresh = new Map((await this.getMany(items.map((d) => d.distribution_id), { signal: options.signal, consistent: true })).map((d) => [d.distribution_id, d]));
    return items.map((d) => fresh.get(d.distribution_id) ?? d);
  }

  /** Every award of a member (bounded), for counters derived from history and for reverts. */
  async memberRecords(memberId: string, options: ReadOptions = {}): Promise<Distribution[]> {
    const items = await queryAll(
      this.db,
      { TableName: this.tableName, IndexName: MEMBER_DATE_INDEX, KeyConditionExpression: 'member_id = :m', ExpressionAttributeValues: { ':m': memberId } },
      { maxPages: MAX_MEMBER_PAGES, signal: options.signal },
    );
    return items.map(readDistribution);
  }

  /**
   * Guild-wide history, newest first: every status but open draws. The history markers say which
   * days hold records (and of which quality), so a page reads the top marker, the month markers
   * it needs (a few BatchGets, whatever the years), and at most MAX_DAY_QUERIES days: a bounded
   * number of requests whatever the gaps, and it goes on as long as older records exist. The
   * markers are read consistently, so a record just written is on a day the page reads. Callers
   * asking for the same page at the same time share one read (ReadCoalescer), unless they may give
   * up on it (`signal`).
   */
  async guildWide(options: { limit?: number; cursor?: string } & HistoryFilter & ReadOptions = {}): Promise<Page<Distribution>> {
    if (options.signal) return this.readGuildWide(options);
    const page = await this.guildPages.read(JSON.stringify([options.limit, options.cursor, options.quality]), () => this.readGuildWide(options));
    return { items: [...page.items], cursor: page.cursor };
  }

  private async readGuildWide(options: { limit?: number; cursor?: string } & HistoryFilter & ReadOptions): Promise<Page<Distribution>> {
    const limit = options.limit ?? 10;
    const cursor = decodeCursor<GuildCursor>(options.cursor);
    if (cursor && !isGuildCursor(cursor)) throw new InvalidCursorError('this page is no longer valid; start again from the first page');
    const { days, more } = await this.index.daysNewestFirst(cursor ? cursor.day.slice(0, 7) : this.latestMonth(), MAX_DAY_QUERIES, {
      quality: options.quality,
      signal: options.signal,
      ...(cursor ? (cursor.after ? { before: cursor.day } : { through: cursor.day }) : {}),
    });

    const items: Distribution[] = [];
    let key = cursor && !cursor.after ? cursor.key : undefined;
    for (let i = 0; i < days.length; i++) {
      const day = days[i];
      const page = await this.readDay(day, limit - items.length, key, options);
      items.push(...page.items);
      key = undefined;
      if (page.lastKey) return { items: await this.current(items, options), cursor: encodeCursor({ day, key: page.lastKey }) };
      if (items.length >= limit) return { items: await this.current(items, options), cursor: i + 1 < days.length || more ? encodeCursor({ day, after: true }) : undefined };
    }
    // Out of queries for this page before it filled: the next page goes on from here.
    return { items: await this.current(items, options), cursor: more ? encodeCursor({ day: days[days.length - 1], after: true }) : undefined };
  }

  /** The month after this one: the newest a record can be in (a clock a little behind another process's). */
  private latestMonth(): string {
    return addMonths(this.clock.now().toISOString().slice(0, 7), 1);
  }

  /**
   * The newest standing awards (for /revert's suggestions), newest first: the newest days that
   * hold records, one query each, until `limit` are found or MAX_RECENT_QUERIES days were read.
   * A revert leaves them at once (a record reverted is no longer standing) and older awards fill
   * the place; nothing is kept to refill.
   */
  async recentAwards(limit = RECENT_AWARDS, options: ReadOptions = {}): Promise<Distribution[]> {
    const { days } = await this.index.daysNewestFirst(this.latestMonth(), MAX_RECENT_QUERIES, { signal: options.signal });
    const found: Distribution[] = [];
    for (const day of days) {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: DATE_INDEX,
          KeyConditionExpression: 'distribution_date = :d',
          FilterExpression: 'attribute_exists(member_id) AND (#s = :c OR attribute_not_exists(#s))',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':d': day, ':c': 'confirmed' },
          ScanIndexForward: false,
        }),
        { abortSignal: options.signal },
      );
      found.push(...(result.Items ?? []).map(readDistribution).filter(isStanding));
      if (found.length >= limit) break;
    }
    return found.sort(newestFirst).slice(0, limit);
  }

  /**
   * Awards FlavaFlav made on these days that are not marked delivered, oldest first: one query a
   * day (a few at a time), then the records found read again consistently, so an award delivered
   * or reverted a moment ago is not listed. Awards the previous system made are never listed
   * (delivery was not tracked then): they carry no draw `version`.
   */
  async undeliveredOn(days: string[], options: ReadOptions = {}): Promise<Distribution[]> {
    const candidates: string[] = [];
    for (let i = 0; i < days.length; i += DAY_QUERIES_AT_ONCE) {
      const pages = await Promise.all(
        days.slice(i, i + DAY_QUERIES_AT_ONCE).map(async (day) => {
          const items = await queryAll(
            this.db,
            {
              TableName: this.tableName,
              IndexName: DATE_INDEX,
              KeyConditionExpression: 'distribution_date = :d',
              FilterExpression: '#s = :c AND attribute_not_exists(delivered_at) AND attribute_exists(#v)',
              ProjectionExpression: 'distribution_id',
              ExpressionAttributeNames: { '#s': 'status', '#v': 'version' },
              ExpressionAttributeValues: { ':d': day, ':c': 'confirmed' },
            },
            { maxPages: MAX_DAY_PAGES, signal: options.signal },
          );
          return items.map((item) => String(item.distribution_id));
        }),
      );
      candidates.push(...pages.flat());
    }
    const records = await this.getMany(candidates, { ...options, consistent: true });
    return records.filter((d) => isStanding(d) && !d.delivered_at).sort((a, b) => (a.distributed_at ?? '').localeCompare(b.distributed_at ?? '') || a.distribution_id.localeCompare(b.distribution_id));
  }

  /** Up to `room` records of one day, newest first; `lastKey` when the day goes on. */
  private async readDay(day: string, room: number, startKey: Record<string, unknown> | undefined, options: HistoryFilter & ReadOptions) {
    const result = await queryPage(
      this.db,
      {
        TableName: this.tableName,
        IndexName: DATE_INDEX,
        KeyConditionExpression: 'distribution_date = :d',
        FilterExpression: options.quality ? 'quality = :q' : undefined,
        ExpressionAttributeValues: { ':d': day, ...(options.quality ? { ':q': options.quality } : {}) },
        ScanIndexForward: false,
        // Without a filter, exactly what the page has room for; with one, what a request reads.
        Limit: options.quality ? undefined : room,
      },
      startKey,
      options.signal,
    );
    const items = result.items.map(readDistribution);
    if (items.length > room) {
      // A filtered day held more than the page has room for: resume after the last one taken.
      const last = items[room - 1];
      return { items: items.slice(0, room), lastKey: { distribution_id: last.distribution_id, distribution_date: day, distributed_at: last.stored.distributed_at } };
    }
    return { items, lastKey: result.next };
  }

  /**
   * Every record, a page at a time (the only Scan of this table besides checks and backups): the
   * full CSV export reads it without holding DynamoDB's pages or blocking other interactions.
   */
  async *scanAll(options: ReadOptions = {}): AsyncGenerator<Distribution[]> {
    // Unbounded by design: the export is of every record, one page in memory at a time.
    for await (const page of scanPages(this.db, { TableName: this.tableName, Limit: 1000 }, { maxPages: Number.POSITIVE_INFINITY, signal: options.signal })) {
      if (options.signal?.aborted) return;
      yield page.items.filter((i) => !isMarkerId(String(i.distribution_id))).map(readDistribution);
    }
  }

  /**
   * What a history export holds, newest first: a member's awards, or the whole guild's records
   * but open draws (read a page at a time), optionally of one quality.
   */
  async exportRecords(filter: { memberId?: string; quality?: Quality } = {}): Promise<Distribution[]> {
    const rows: Distribution[] = [];
    const keep = (d: Distribution) => d.status !== 'drawn' && (!filter.quality || d.quality === filter.quality);
    if (!filter.memberId) {
      for await (const page of this.scanAll()) rows.push(...page.filter(keep));
    } else {
      const items = await queryAll(
        this.db,
        {
          TableName: this.tableName,
          IndexName: MEMBER_DATE_INDEX,
          KeyConditionExpression: 'member_id = :m',
          FilterExpression: filter.quality ? 'quality = :q' : undefined,
          ExpressionAttributeValues: { ':m': filter.memberId, ...(filter.quality ? { ':q': filter.quality } : {}) },
          ScanIndexForward: false,
          Limit: 100,
        },
        { maxPages: 1_000 },
      );
      rows.push(...items.map(readDistribution));
    }
    return rows.sort(newestFirst);
  }

  /** Every record, newest first (tests and small tables; the export streams through scanAll). */
  async exportAll(): Promise<Distribution[]> {
    const items: Distribution[] = [];
    for await (const page of this.scanAll()) items.push(...page);
    return items.sort(newestFirst);
  }

  /** Today by the service's clock. */
  now(): Date {
    return this.clock.now();
  }
}

/** A cursor this service wrote: a day, and a position inside it that is a date-index key of that day. */
function isGuildCursor(cursor: GuildCursor): boolean {
  if (typeof cursor.day !== 'string' || cursor.day.length !== 10 || !storedDay(cursor.day)) return false;
  if (cursor.key === undefined) return true;
  const key = cursor.key as Record<string, unknown>;
  return Object.keys(key).length === 3 && typeof key.distribution_id === 'string' && key.distribution_date === cursor.day && typeof key.distributed_at === 'string';
}
