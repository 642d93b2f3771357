/**
 * The distributions table: every draw and award, never deleted (SPEC §1). A record lives through
 * `status`: `drawn` (in no index) → `confirmed` (member_id + distributed_at: in both indexes) |
 * `cancelled` | `expired` (distribution_date + distributed_at of when they ended: in the
 * date-index only), and `confirmed` → `reverted`. Records the previous system wrote (no status,
 * no distribution_date, RFC 3339 times, any characters in their ids) are read as they are.
 */
import { BatchGetCommand, GetCommand, paginateScan, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock, type Clock } from '../domain/clock';
import { storedDay, storedInstant } from '../domain/dates';
import { DRAW_STATUSES, isDrawPolicy, type DrawPolicy, type DrawStatus } from '../domain/draw';
import { isQuality, QUALITIES, type Quality } from '../domain/ranks';
import { HistoryIndex, isMarkerId } from './history-index';
import { emptyCounters, RECENT_LINKS, type Counters, type RecentLink } from './members';
import { ReadCoalescer } from './coalesce';
import { decodeCursor, encodeCursor, InvalidCursorError, isPossibleKey, type Page, type ReadOptions } from './pagination';

export type DistributionStatus = DrawStatus;

/** Why a candidate was in or out, and their figures, as the draw saw them. */
export interface CandidateFigures {
  count: number;
  last?: string;
}

export interface Distribution {
  distribution_id: string;
  status: DistributionStatus;
  link_id: string;
  link_type: string;
  quality: Quality;
  bonus: string;
  method: 'discord' | 'web';
  /** The member awarded (confirmed and reverted records). */
  member_id?: string;
  member_username?: string;
  distributed_by?: string;
  /** ISO-8601 UTC (normalized from whatever form is stored). */
  distributed_at?: string;
  /** YYYY-MM-DD of distributed_at. */
  distribution_date?: string;
  notes?: string;
  list_id?: string;
  /** Every member id the draw could pick; empty for records written before draws were stored. */
  pool: string[];
  /** Undefined when not recorded (the previous system kept none). */
  pool_size?: number;
  drawn_before: string[];
  /** Each drawn_before's name when drawn, in order, so views read no roster (shorter on older records). */
  drawn_before_names: string[];
  policy?: DrawPolicy;
  delivered_at?: string;
  delivered_by?: string;
  reverted_by?: string;
  reverted_at?: string;
  // ---- the draw ----
  version: number;
  /** The member the draw currently shows (the winner, once confirmed). */
  winner_id?: string;
  winner_username?: string;
  named: boolean;
  drawn_by?: string;
  drawn_at?: string;
  expires_at?: string;
  /** Who pressed each reroll, in order (parallel to drawn_before). */
  rerolled_by: string[];
  channel_id?: string;
  message_id?: string;
  ended_by?: string;
  /** A confirm in progress (its award time, who pressed, when it was claimed). */
  confirm?: { at: string; by: string; startedAt: string };
  list_name?: string;
  /** How many the pool left out, and why. */
  left_out?: { away: number; too_new: number; unreadable: number };
  /** Those in the pool who wanted the link's type. */
  wanting: string[];
  /** The policy's figures for each candidate considered (fewest / longest). */
  figures: Map<string, CandidateFigures>;
  /** What the item stores, exactly, for conditions and index keys. */
  stored: { distributed_at?: unknown };
}

export interface HistoryFilter {
  quality?: Quality;
}

const MEMBER_INDEX = 'member-date-index';
const DATE_INDEX = 'date-index';
/** A guild-wide page reads at most this many days (plus 2 marker reads): ≤ 32 requests a page. */
const MAX_DAY_QUERIES = 30;
/** A member's whole history is read for counters and reverts; this bounds it (1 MB pages). */
const MAX_MEMBER_PAGES = 20;

interface GuildCursor {
  /** The day being read, and where in it (the index's LastEvaluatedKey), or the next day to read. */
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
    this.index = new HistoryIndex(db, tableName);
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
  async getMany(ids: string[], options: ReadOptions = {}): Promise<Distribution[]> {
    const found: Distribution[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = ids.slice(i, i + 100).map((id) => ({ distribution_id: id }));
      for (let attempt = 0; keys?.length && attempt < 5; attempt++) {
        const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }), { abortSignal: options.signal });
        found.push(...(out.Responses?.[this.tableName] ?? []).map(readDistribution));
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return found;
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
        { abortSignal: options.signal },
      );
      items.push(...(result.Items ?? []).map(readDistribution));
      startKey = result.LastEvaluatedKey;
      if (!startKey || items.length >= limit) break;
    }
    return { items, cursor: encodeCursor(startKey) };
  }

  /** Every award of a member (bounded), for counters derived from history and for reverts. */
  async memberRecords(memberId: string, options: ReadOptions = {}): Promise<Distribution[]> {
    const records: Distribution[] = [];
    let startKey: Record<string, unknown> | undefined;
    for (let page = 0; page < MAX_MEMBER_PAGES; page++) {
      const result = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: MEMBER_INDEX,
          KeyConditionExpression: 'member_id = :m',
          ExpressionAttributeValues: { ':m': memberId },
          ExclusiveStartKey: startKey,
        }),
        { abortSignal: options.signal },
      );
      records.push(...(result.Items ?? []).map(readDistribution));
      startKey = result.LastEvaluatedKey;
      if (!startKey) break;
    }
    return records;
  }

  /**
   * Guild-wide history, newest first: every status but open draws. The history markers say which
   * days hold records (and of which quality), so a page reads the top marker, the month markers
   * it needs (one batch), and at most MAX_DAY_QUERIES days: at most 32 requests, whatever the
   * gaps, and it goes on as long as older records exist. Callers asking for the same page at the
   * same time share one read (ReadCoalescer), unless they may give up on it (`signal`).
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
    const top = await this.index.top({ signal: options.signal });
    const months = top.months.filter((m) => !cursor || m <= cursor.day.slice(0, 7));
    const byMonth = await this.index.days(months, { signal: options.signal });
    const tag = (day: string) => (options.quality ? `${day}#${options.quality}` : day);
    const days = months
      .flatMap((m) => [...(byMonth.get(m) ?? [])].filter((d) => d.length === 10 && byMonth.get(m)!.has(tag(d))))
      .filter((d) => !cursor || (cursor.after ? d < cursor.day : d <= cursor.day))
      .sort()
      .reverse();

    const items: Distribution[] = [];
    let key = cursor && !cursor.after ? cursor.key : undefined;
    for (let i = 0; i < days.length && i < MAX_DAY_QUERIES; i++) {
      const day = days[i];
      const page = await this.readDay(day, limit - items.length, key, options);
      items.push(...page.items);
      key = undefined;
      if (page.lastKey) return { items, cursor: encodeCursor({ day, key: page.lastKey }) };
      if (items.length >= limit) return { items, cursor: i + 1 < days.length ? encodeCursor({ day, after: true }) : undefined };
    }
    // Out of queries for this page before it filled: the next page goes on from here.
    const next = days[Math.min(days.length, MAX_DAY_QUERIES) - 1];
    return { items, cursor: days.length > MAX_DAY_QUERIES ? encodeCursor({ day: next, after: true }) : undefined };
  }

  /** Up to `room` records of one day, newest first; `lastKey` when the day goes on. */
  private async readDay(day: string, room: number, startKey: Record<string, unknown> | undefined, options: HistoryFilter & ReadOptions) {
    const result = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: DATE_INDEX,
        KeyConditionExpression: 'distribution_date = :d',
        FilterExpression: options.quality ? 'quality = :q' : undefined,
        ExpressionAttributeValues: { ':d': day, ...(options.quality ? { ':q': options.quality } : {}) },
        ScanIndexForward: false,
        // Without a filter, exactly what the page has room for; with one, what a request reads.
        Limit: options.quality ? undefined : room,
        ExclusiveStartKey: startKey,
      }),
      { abortSignal: options.signal },
    );
    const items = (result.Items ?? []).map(readDistribution);
    if (items.length > room) {
      // A filtered day held more than the page has room for: resume after the last one taken.
      const last = items[room - 1];
      return { items: items.slice(0, room), lastKey: { distribution_id: last.distribution_id, distribution_date: day, distributed_at: last.stored.distributed_at } };
    }
    return { items, lastKey: result.LastEvaluatedKey };
  }

  /**
   * Every record, a page at a time (the only Scan of this table besides checks and backups): the
   * full CSV export reads it without holding DynamoDB's pages or blocking other interactions.
   */
  async *scanAll(options: ReadOptions = {}): AsyncGenerator<Distribution[]> {
    for await (const page of paginateScan({ client: this.db, pageSize: 1000 }, { TableName: this.tableName })) {
      if (options.signal?.aborted) return;
      yield (page.Items ?? []).filter((i) => !isMarkerId(String(i.distribution_id))).map(readDistribution);
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
      let cursor: string | undefined;
      for (let page = 0; page < 1_000; page++) {
        const result = await this.forMember(filter.memberId, { limit: 100, cursor, quality: filter.quality });
        rows.push(...result.items);
        cursor = result.cursor;
        if (!cursor) break;
      }
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

/**
 * Newest first by when the record was awarded or ended (or drawn, for an open draw); records of
 * the same instant by id, as a member item orders its newest links.
 */
export const newestFirst = (a: Distribution, b: Distribution) =>
  (b.distributed_at ?? b.drawn_at ?? '').localeCompare(a.distributed_at ?? a.drawn_at ?? '') || b.distribution_id.localeCompare(a.distribution_id);

/** Standing awards: confirmed, or written before statuses existed. */
export const isStanding = (d: Pick<Distribution, 'status'>) => d.status === 'confirmed';

/**
 * A member's counters as their history says: standing awards only, optionally without one being
 * reverted. Used for members the previous system wrote (no counters) and for every revert.
 */
export function countersFromHistory(records: Distribution[], without?: string): Counters {
  const counters = emptyCounters();
  for (const d of records) {
    if (!isStanding(d) || d.distribution_id === without || !d.distributed_at) continue;
    counters.links_received++;
    counters.awards[d.quality].push({ at: d.distributed_at, id: d.distribution_id });
    if (!counters.last_link_at || d.distributed_at > counters.last_link_at) counters.last_link_at = d.distributed_at;
  }
  for (const q of QUALITIES) counters.awards[q].sort((a, b) => a.at.localeCompare(b.at));
  return counters;
}

/** A member's newest links as their history says (awards, reverted ones marked), newest first. */
export function recentFromHistory(records: Distribution[]): RecentLink[] {
  return records
    .filter((d) => (isStanding(d) || d.status === 'reverted') && d.distributed_at)
    .sort(newestFirst)
    .slice(0, RECENT_LINKS)
    .map((d) => ({ id: d.distribution_id, at: d.distributed_at!, quality: d.quality, link_type: d.link_type, ...(d.status === 'reverted' ? { reverted: true } : {}) }));
}

/** A record as SPEC describes it, read from whatever the item holds. */
export function readDistribution(item: Record<string, unknown>): Distribution {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const ids = (v: unknown) => (v instanceof Set ? [...v] : Array.isArray(v) ? v : []).filter((x): x is string => typeof x === 'string');
  const status = DRAW_STATUSES.find((s) => s === item.status) ?? 'confirmed';
  const distributedAt = storedInstant(item.distributed_at) ?? undefined;
  const quality = String(item.quality ?? '').toLowerCase();
  const pool = ids(item.pool);
  const figures = new Map<string, CandidateFigures>();
  if (item.figures && typeof item.figures === 'object') {
    for (const [id, f] of Object.entries(item.figures as Record<string, { count?: unknown; last?: unknown }>)) {
      figures.set(id, { count: Number(f?.count ?? 0) || 0, ...(typeof f?.last === 'string' ? { last: f.last } : {}) });
    }
  }
  const leftOut = item.left_out as { away?: unknown; too_new?: unknown; unreadable?: unknown } | undefined;
  const confirm = item.confirm_at && item.confirm_started_at ? { at: String(item.confirm_at), by: String(item.confirm_by ?? ''), startedAt: String(item.confirm_started_at) } : undefined;
  return {
    distribution_id: String(item.distribution_id),
    status,
    link_id: String(item.link_id ?? ''),
    link_type: String(item.link_type ?? 'unknown'),
    quality: isQuality(quality) ? quality : 'bronze',
    bonus: String(item.bonus ?? ''),
    method: item.method === 'web' ? 'web' : 'discord',
    member_id: text(item.member_id),
    member_username: text(item.member_username),
    distributed_by: text(item.distributed_by),
    distributed_at: distributedAt,
    distribution_date: storedDay(item.distribution_date) ?? (distributedAt ? distributedAt.slice(0, 10) : undefined),
    notes: text(item.notes),
    list_id: text(item.list_id),
    pool,
    pool_size: item.pool_size !== undefined ? Number(item.pool_size) || 0 : pool.length || undefined,
    drawn_before: ids(item.drawn_before),
    drawn_before_names: ids(item.drawn_before_names),
    policy: typeof item.policy === 'string' && isDrawPolicy(item.policy) ? item.policy : undefined,
    delivered_at: storedInstant(item.delivered_at) ?? undefined,
    delivered_by: text(item.delivered_by),
    reverted_by: text(item.reverted_by),
    reverted_at: storedInstant(item.reverted_at) ?? undefined,
    version: Number(item.version ?? 0) || 0,
    winner_id: text(item.winner_id) ?? text(item.member_id),
    winner_username: text(item.winner_username) ?? text(item.member_username),
    named: item.named === true,
    drawn_by: text(item.drawn_by),
    drawn_at: storedInstant(item.drawn_at) ?? undefined,
    expires_at: storedInstant(item.expires_at) ?? undefined,
    rerolled_by: ids(item.rerolled_by),
    channel_id: text(item.channel_id),
    message_id: text(item.message_id),
    ended_by: text(item.ended_by),
    confirm,
    list_name: text(item.list_name),
    left_out: leftOut ? { away: Number(leftOut.away ?? 0) || 0, too_new: Number(leftOut.too_new ?? 0) || 0, unreadable: Number(leftOut.unreadable ?? 0) || 0 } : undefined,
    wanting: ids(item.wanting),
    figures,
    stored: { distributed_at: item.distributed_at },
  };
}
