/**
 * Where the distributions table's history is, kept on small marker items of that table (they
 * carry no member_id or distribution_date, so they are in no index and no history read sees them).
 * Each has a bound that does not grow with the number of awards, draws, months or years:
 *
 * - `#history` (the top marker): `first_month` (YYYY-MM: no record is older; one value),
 *   and `reminded_on` (the day of the last delivery reminder; one value). No draw, award, revert
 *   or delivery writes it. Open draws are not here: see src/services/open-draws.ts.
 * - `#history#YYYY-MM` (one per month): `days` with any record in the date-index, both as
 *   `YYYY-MM-DD` and as `YYYY-MM-DD#<quality>`: at most 31 × 4 entries (about 2 KB). Written by
 *   the first award, cancel or expiry of each day and quality (a plain idempotent update made
 *   before the record enters the date-index, never inside a transaction), so no transaction
 *   writes it and it holds every day whose records a read can see.
 * - `#wants`: how many members want each link type: at most one entry per catalog type (~95).
 *
 * Guild-wide history, /revert's suggestions and /deliveries go from the markers to the days that
 * hold something, newest (or oldest) first, whatever the gaps, at a bounded cost per read: the
 * month markers are read by BatchGet from `first_month` on, and each day by one date-index query.
 * `check:data --fix` and the migration add what records written by other systems need.
 */
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../db/requests';
import { HISTORY_MONTH, HISTORY_TOP, readItem, WANTS_COUNTS } from '../db/schema';
import { systemClock, type Clock } from '../domain/clock';
import type { Quality } from '../domain/ranks';
import { isConditionalCheckFailed } from './errors';
import { retrying } from './retrying';
import type { ReadOptions } from './pagination';
import type { TransactWriteItem } from './transactions';
import { UpdateBuilder } from './update-builder';

export const TOP_MARKER = '#history';
/** How many members want each link type (kept with each /want change and each award of a wanted type, read by /inventory add). */
export const WANTS_MARKER = '#wants';
export const monthMarker = (month: string) => `#history#${month}`;
/** Marker ids start with '#'; no record id does (ids from elsewhere starting so are refused on import). */
export const isMarkerId = (id: string) => id.startsWith('#');

/** How many newest awards /revert suggests. */
export const RECENT_AWARDS = 25;

/** The top marker's attributes an older FlavaFlav kept there, each growing with history; `check:data --fix` removes them. */
export const OBSOLETE_TOP_ATTRIBUTES = ['months', 'recent', 'undelivered'] as const;

export interface TopMarker {
  /** YYYY-MM: no record is in an older month; undefined when the table has never held one. */
  firstMonth?: string;
  /** What an older FlavaFlav left on the marker (OBSOLETE_TOP_ATTRIBUTES), for check:data. */
  obsolete: string[];
}

/** YYYY-MM of a month `delta` months after `month` (negative: before). */
export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + delta;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Month marker reads per BatchGet as a walk goes further back: the first few months cheaply, then 100 at a time. */
const MONTH_CHUNKS = [3, 24];
const MAX_MONTH_CHUNK = 100;
/** Day#quality entries a process remembers having written: two days of three qualities. */
const MARKED_KEPT = 6;

export class HistoryIndex {
  private ensured: Promise<void> | undefined;
  private wantsEnsured: Promise<void> | undefined;
  /** The day#quality entries this process has written to month markers lately (at most MARKED_KEPT). */
  private marked = new Set<string>();
  /** The first month as this process last wrote or read it. */
  private firstMonth: string | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The top marker as stored (empty when the table has never held a record). */
  async top(options: ReadOptions & { consistent?: boolean } = {}): Promise<TopMarker> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { distribution_id: TOP_MARKER }, ConsistentRead: options.consistent }), {
      abortSignal: options.signal,
    });
    const stored = readItem(HISTORY_TOP, Item);
    // A marker an older FlavaFlav kept lists its months instead: the first of them is the first month.
    const firstMonth = stored.first_month ?? [...(stored.months ?? [])].sort()[0];
    return {
      ...(firstMonth ? { firstMonth } : {}),
      obsolete: OBSOLETE_TOP_ATTRIBUTES.filter((a) => Item?.[a] !== undefined),
    };
  }

  /** The days (and day#quality tags) of these months, by month; months without a marker are empty. */
  async days(months: string[], options: ReadOptions & { consistent?: boolean } = {}): Promise<Map<string, Set<string>>> {
    const result = new Map<string, Set<string>>(months.map((m) => [m, new Set()]));
    const keys = months.map((m) => ({ distribution_id: monthMarker(m) }));
    for (const item of await batchGetAll(this.db, this.tableName, keys, { consistent: options.consistent, signal: options.signal, what: 'the history markers' })) {
      const stored = readItem(HISTORY_MONTH, item);
      result.set(String(stored.distribution_id).slice(monthMarker('').length), new Set(stored.days));
    }
    return result;
  }

  /**
   * The days holding records (or records of `quality`), newest first, from `fromMonth` back to the
   * first month, until more than `want` days are found: month markers read consistently, a few at
   * a time, so a read costs what it needs whatever the gaps. `more` says older days exist beyond
   * those returned; `since` (a day) stops the walk there.
   */
  async daysNewestFirst(fromMonth: string, want: number, options: ReadOptions & { quality?: Quality; before?: string; through?: string; since?: string } = {}): Promise<{ days: string[]; more: boolean }> {
    const top = await this.top({ consistent: true, signal: options.signal });
    const firstMonth = top.firstMonth && options.since && options.since.slice(0, 7) > top.firstMonth ? options.since.slice(0, 7) : top.firstMonth;
    if (!firstMonth || fromMonth < firstMonth) return { days: [], more: false };
    const found: string[] = [];
    let month = fromMonth;
    for (let round = 0; month >= firstMonth; round++) {
      const size = MONTH_CHUNKS[round] ?? MAX_MONTH_CHUNK;
      const months = Array.from({ length: size }, (_, i) => addMonths(month, -i)).filter((m) => m >= firstMonth);
      const byMonth = await this.days(months, { consistent: true, signal: options.signal });
      for (const m of months) {
        const tags = byMonth.get(m) ?? new Set<string>();
        const tag = (day: string) => (options.quality ? `${day}#${options.quality}` : day);
        found.push(
          ...[...tags]
            .filter((d) => d.length === 10 && tags.has(tag(d)) && (!options.before || d < options.before) && (!options.through || d <= options.through) && (!options.since || d >= options.since))
            .sort()
            .reverse(),
        );
      }
      if (found.length > want) return { days: found.slice(0, want), more: true };
      month = addMonths(month, -size);
    }
    return { days: found, more: false };
  }

  /**
   * Makes sure the top marker says where history starts: the first month of a marker an older
   * FlavaFlav kept, else the month before this one (a claim made just before a month's end may
   * be awarded after it). Once per process; idempotent; an earlier month stays.
   */
  ensure(): Promise<void> {
    this.ensured ??= (async () => {
      const { firstMonth } = await this.top({ consistent: true });
      const candidate = addMonths(this.clock.now().toISOString().slice(0, 7), -1);
      this.firstMonth = firstMonth && firstMonth < candidate ? firstMonth : candidate;
      await this.lowerFirstMonth(this.firstMonth);
    })().catch((error) => {
      this.ensured = undefined;
      throw error;
    });
    return this.ensured;
  }

  /** Sets `first_month` to `month` unless it already holds that month or an earlier one. */
  private async lowerFirstMonth(month: string): Promise<void> {
    const update = new UpdateBuilder().set(['first_month'], month);
    update.condition(`attribute_not_exists(${update.name('first_month')}) OR ${update.name('first_month')} > ${update.value(month)}`);
    try {
      await this.db.send(new UpdateCommand(update.build(this.tableName, { distribution_id: TOP_MARKER })));
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /**
   * Lists a day (and the day with a quality) on its month marker before a record of that quality
   * enters the date-index on that day: a plain idempotent update, outside the record's
   * transaction, so concurrent awards never conflict on the marker. A day listed whose record
   * then failed to be written costs a read one empty query, nothing else. Once per day, quality
   * and process.
   */
  async markDay(day: string, quality: Quality): Promise<void> {
    const entry = `${day}#${quality}`;
    if (this.marked.has(entry)) return;
    await this.ensure();
    // A day older than where history starts (a clock set back, a late claim): history starts there now.
    if (this.firstMonth && day.slice(0, 7) < this.firstMonth) {
      await this.lowerFirstMonth(day.slice(0, 7));
      this.firstMonth = day.slice(0, 7);
    }
    await this.db.send(new UpdateCommand(new UpdateBuilder().add('days', new Set([day, entry])).build(this.tableName, { distribution_id: monthMarker(day.slice(0, 7)) })));
    this.marked.add(entry);
    // The newest entries only: a day's awards, cancels and expiries need no second write.
    if (this.marked.size > MARKED_KEPT) this.marked = new Set([...this.marked].sort().slice(-MARKED_KEPT));
  }

  /** How many members want each of these link types. */
  async wantCounts(linkTypes: string[], options: ReadOptions = {}): Promise<Map<string, number>> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { distribution_id: WANTS_MARKER }, ConsistentRead: true }), { abortSignal: options.signal });
    const counts = readItem(WANTS_COUNTS, Item).counts ?? {};
    return new Map(linkTypes.map((t) => [t, Math.max(0, Number(Object.hasOwn(counts, t) ? counts[t] : 0) || 0)]));
  }

  /**
   * Makes sure the wants marker has its `counts` map (a nested ADD needs it). Once per process;
   * retried while an award or want transaction holds the marker.
   */
  ensureWants(): Promise<void> {
    this.wantsEnsured ??= retrying(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { distribution_id: WANTS_MARKER },
          UpdateExpression: 'SET counts = if_not_exists(counts, :empty)',
          ExpressionAttributeValues: { ':empty': {} },
        }),
      ),
    )
      .then(() => undefined)
      .catch((error) => {
        this.wantsEnsured = undefined;
        throw error;
      });
    return this.wantsEnsured;
  }

  /** Transaction part: members started (+1) or stopped (-1) wanting these link types. */
  wantsItem(changes: [linkType: string, delta: number][]): TransactWriteItem {
    const update = new UpdateBuilder();
    for (const [type, delta] of changes) update.addPath(['counts', type], delta);
    return { Update: update.build(this.tableName, { distribution_id: WANTS_MARKER }) };
  }

  /** Adds days, and moves the first month back where needed, touching nothing else (check:data --fix, the migration). */
  async addDays(entries: { day: string; quality: Quality }[]): Promise<void> {
    const byMonth = new Map<string, Set<string>>();
    for (const { day, quality } of entries) {
      const month = day.slice(0, 7);
      const set = byMonth.get(month) ?? new Set<string>();
      set.add(day).add(`${day}#${quality}`);
      byMonth.set(month, set);
    }
    for (const [month, days] of byMonth) {
      await this.db.send(new UpdateCommand(new UpdateBuilder().add('days', days).build(this.tableName, { distribution_id: monthMarker(month) })));
    }
    if (byMonth.size) await this.lowerFirstMonth([...byMonth.keys()].sort()[0]);
  }

  /** Removes what an older FlavaFlav kept on the top marker (growing with history), once `first_month` stands in for it (check:data --fix). */
  async removeObsolete(): Promise<string[]> {
    const top = await this.top({ consistent: true });
    if (!top.obsolete.length) return [];
    if (top.firstMonth) await this.lowerFirstMonth(top.firstMonth);
    const update = new UpdateBuilder();
    for (const a of top.obsolete) update.remove([a]);
    await this.db.send(new UpdateCommand(update.build(this.tableName, { distribution_id: TOP_MARKER })));
    return top.obsolete;
  }
}
