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
import { storedDay, storedInstant } from '../domain/dates';
import { candidatesFor, DRAW_STATUSES, isDrawPolicy, type DrawPolicy, type DrawStatus } from '../domain/draw';
import { readPool } from './draw-pools';
import { isQuality, QUALITIES, type Quality } from '../domain/ranks';
import { addMonths, HistoryIndex, isMarkerId, RECENT_AWARDS } from './history-index';
import { emptyCounters, RECENT_LINKS, type Counters, type RecentLink } from './member-items';
import { ReadCoalescer } from './coalesce';
import { decodeCursor, encodeCursor, InvalidCursorError, isPossibleKey, type Page, type ReadOptions } from './pagination';
import { DATE_INDEX, MEMBER_DATE_INDEX } from '../db/schema';

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
  /**
   * Every member id the draw could pick, when the record itself holds it (records written before
   * pool items; empty otherwise: the pool is on the draw's pool items, src/services/draw-pools.ts).
   */
  pool: string[];
  /** How many pool items hold the pool; undefined when the record holds it (or none was kept). */
  pool_chunks?: number;
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
  left_out?: { away: number; too_new: number; unreadable: number; attendance?: number; inactive?: number };
  /** The award pays a debt (docs/attendance.md): why it was owed, and which debt (a quality or "any"). */
  compensation?: string;
  compensation_debt?: string;
  /** How many in the pool wanted the link's type. */
  wanting_count: number;
  /** The policy's figures for the winner shown (fewest / longest), and their range over the pool. */
  winner_figures?: CandidateFigures;
  figures_range?: { min: number; max: number };
  /** How many in the pool a reroll could still draw (neither drawn before nor the winner). */
  left_to_draw: number;
  /** Which open-draws shard lists the record while it is open or unannounced (src/services/open-draws.ts). */
  open_shard?: number;
  /** When the award's announcement (channel post and message edit) was done. */
  announced_at?: string;
  /** An announcement in progress: when it was claimed. */
  announce_claimed_at?: string;
  /** What the item stores, exactly, for conditions and index keys. */
  stored: { distributed_at?: unknown };
}

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

/** A record in FlavaFlav's form, read from whatever the item holds. */
export function readDistribution(item: Record<string, unknown>): Distribution {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const ids = (v: unknown) => (v instanceof Set ? [...v] : Array.isArray(v) ? v : []).filter((x): x is string => typeof x === 'string');
  const status = DRAW_STATUSES.find((s) => s === item.status) ?? 'confirmed';
  const distributedAt = storedInstant(item.distributed_at) ?? undefined;
  const quality = String(item.quality ?? '').toLowerCase();
  const pool = ids(item.pool);
  // Records written before pool items kept the wants and figures whole: their summaries are derived.
  const whole = readPool([item]);
  const winnerId = text(item.winner_id) ?? text(item.member_id);
  const drawnBefore = ids(item.drawn_before);
  const figure = (v: unknown): CandidateFigures | undefined => {
    if (!v || typeof v !== 'object') return undefined;
    const f = v as { count?: unknown; last?: unknown };
    return { count: Number(f.count ?? 0) || 0, ...(typeof f.last === 'string' ? { last: f.last } : {}) };
  };
  const counts = [...whole.figures.values()].map((f) => f.count);
  const range = item.figures_range as { min?: unknown; max?: unknown } | undefined;
  const leftToDraw =
    item.left_to_draw !== undefined
      ? Number(item.left_to_draw) || 0
      : candidatesFor({ pool, wanting: new Set(), policy: 'uniform', stats: new Map(), exclude: new Set([...drawnBefore, ...(winnerId ? [winnerId] : [])]) }).among.length;
  const leftOut = item.left_out as { away?: unknown; too_new?: unknown; unreadable?: unknown; attendance?: unknown; inactive?: unknown } | undefined;
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
    pool_chunks: item.pool_chunks !== undefined ? Number(item.pool_chunks) || 0 : undefined,
    pool_size: item.pool_size !== undefined ? Number(item.pool_size) || 0 : pool.length || undefined,
    drawn_before: drawnBefore,
    drawn_before_names: ids(item.drawn_before_names),
    policy: typeof item.policy === 'string' && isDrawPolicy(item.policy) ? item.policy : undefined,
    delivered_at: storedInstant(item.delivered_at) ?? undefined,
    delivered_by: text(item.delivered_by),
    reverted_by: text(item.reverted_by),
    reverted_at: storedInstant(item.reverted_at) ?? undefined,
    version: Number(item.version ?? 0) || 0,
    winner_id: winnerId,
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
    left_out: leftOut
      ? {
          away: Number(leftOut.away ?? 0) || 0,
          too_new: Number(leftOut.too_new ?? 0) || 0,
          unreadable: Number(leftOut.unreadable ?? 0) || 0,
          ...(leftOut.attendance !== undefined ? { attendance: Number(leftOut.attendance) || 0 } : {}),
          ...(leftOut.inactive !== undefined ? { inactive: Number(leftOut.inactive) || 0 } : {}),
        }
      : undefined,
    ...(typeof item.compensation === 'string' ? { compensation: item.compensation } : {}),
    ...(typeof item.compensation_debt === 'string' ? { compensation_debt: item.compensation_debt } : {}),
    wanting_count: item.wanting_count !== undefined ? Number(item.wanting_count) || 0 : whole.wanting.length,
    winner_figures: figure(item.winner_figures) ?? (winnerId ? whole.figures.get(winnerId) : undefined),
    figures_range: range ? { min: Number(range.min ?? 0) || 0, max: Number(range.max ?? 0) || 0 } : counts.length ? { min: Math.min(...counts), max: Math.max(...counts) } : undefined,
    left_to_draw: leftToDraw,
    open_shard: item.open_shard !== undefined ? Number(item.open_shard) : undefined,
    announced_at: text(item.announced_at),
    announce_claimed_at: text(item.announce_claimed_at),
    stored: { distributed_at: item.distributed_at },
  };
}
