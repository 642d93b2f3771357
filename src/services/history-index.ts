/**
 * Where the distributions table's history is, kept on small marker items of that table (they
 * carry no member_id or distribution_date, so they are in no index and no history read sees them):
 *
 * - `#history` (the top marker): `months` with any record (YYYY-MM), `recent` (the newest
 *   confirmed awards, for /revert's suggestions) and `undelivered` (confirmed awards not yet
 *   handed over, for /deliveries). Open draws are not here: see src/services/open-draws.ts.
 * - `#history#YYYY-MM` (one per month): `days` with any record in the date-index, both as
 *   `YYYY-MM-DD` and as `YYYY-MM-DD#<quality>`.
 *
 * Every write that puts a record into the date-index (confirm, cancel, expire) updates these in the same transaction, so guild-wide history can go straight to the
 * days that hold something — whatever the gaps — at a bounded cost per page. `check:data --fix`
 * adds what records written by other systems need.
 */
import { BatchGetCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Quality } from '../domain/ranks';
import type { ReadOptions } from './pagination';
import type { TransactWriteItem } from './transactions';
import { UpdateBuilder } from './update-builder';

export const TOP_MARKER = '#history';
/** How many members want each link type (kept with each /want change, read by /inventory add). */
export const WANTS_MARKER = '#wants';
export const monthMarker = (month: string) => `#history#${month}`;
/** Marker ids start with '#'; no record id does (ids from elsewhere starting so are refused on import). */
export const isMarkerId = (id: string) => id.startsWith('#');

/** How many newest awards /revert suggests. */
export const RECENT_AWARDS = 25;

export interface RecentAward {
  id: string;
  member_id: string;
  member_username: string;
  link_type: string;
  quality: Quality;
  distributed_at: string;
}

export interface TopMarker {
  /** Newest first. */
  months: string[];
  /** Newest first. */
  recent: RecentAward[];
  undelivered: string[];
}

/** One change to the top marker, composed into a single update with whatever else a write needs. */
export interface TopChange {
  month?: string;
  addRecent?: RecentAward;
  /** Recent entries to drop (beyond the newest RECENT_AWARDS, or reverted). */
  dropRecent?: string[];
  addUndelivered?: string;
  dropUndelivered?: string;
}

export class HistoryIndex {
  private ensured: Promise<void> | undefined;
  private wantsEnsured: Promise<void> | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** The top marker as stored (empty when the table has never held a record). */
  async top(options: ReadOptions & { consistent?: boolean } = {}): Promise<TopMarker> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { distribution_id: TOP_MARKER }, ConsistentRead: options.consistent }), {
      abortSignal: options.signal,
    });
    const strings = (v: unknown) => (v instanceof Set ? [...v] : Array.isArray(v) ? v : []).filter((s): s is string => typeof s === 'string');
    const recent = Object.entries((Item?.recent as Record<string, RecentAward> | undefined) ?? {}).map(([id, r]) => ({ ...r, id }));
    return {
      months: strings(Item?.months).sort().reverse(),
      recent: recent.sort((a, b) => b.distributed_at.localeCompare(a.distributed_at)),
      undelivered: strings(Item?.undelivered),
    };
  }

  /** The days (and day#quality tags) of these months, by month; months without a marker are empty. */
  async days(months: string[], options: ReadOptions = {}): Promise<Map<string, Set<string>>> {
    const result = new Map<string, Set<string>>(months.map((m) => [m, new Set()]));
    for (let i = 0; i < months.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = months.slice(i, i + 100).map((m) => ({ distribution_id: monthMarker(m) }));
      // Unprocessed keys are read again (bounded); the markers are small, so this is rare.
      for (let attempt = 0; keys?.length && attempt < 5; attempt++) {
        const out = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }), { abortSignal: options.signal });
        for (const item of out.Responses?.[this.tableName] ?? []) {
          const month = String(item.distribution_id).slice(monthMarker('').length);
          const days = item.days instanceof Set ? item.days : new Set<string>();
          result.set(month, new Set([...days].map(String)));
        }
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
      if (keys?.length) throw Object.assign(new Error('history markers could not be read'), { name: 'ThrottlingException' });
    }
    return result;
  }

  /**
   * Makes sure the top marker exists with its `recent` map (a nested SET needs the map). Once per
   * process; idempotent.
   */
  ensure(): Promise<void> {
    this.ensured ??= this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { distribution_id: TOP_MARKER },
          UpdateExpression: 'SET recent = if_not_exists(recent, :empty)',
          ExpressionAttributeValues: { ':empty': {} },
        }),
      )
      .then(() => undefined)
      .catch((error) => {
        this.ensured = undefined;
        throw error;
      });
    return this.ensured;
  }

  /** How many members want each of these link types. */
  async wantCounts(linkTypes: string[], options: ReadOptions = {}): Promise<Map<string, number>> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { distribution_id: WANTS_MARKER } }), { abortSignal: options.signal });
    const counts = (Item?.counts ?? {}) as Record<string, unknown>;
    return new Map(linkTypes.map((t) => [t, Math.max(0, Number(Object.hasOwn(counts, t) ? counts[t] : 0) || 0)]));
  }

  /** Makes sure the wants marker has its `counts` map (a nested ADD needs it). Once per process. */
  ensureWants(): Promise<void> {
    this.wantsEnsured ??= this.db
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { distribution_id: WANTS_MARKER },
          UpdateExpression: 'SET counts = if_not_exists(counts, :empty)',
          ExpressionAttributeValues: { ':empty': {} },
        }),
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

  /** Transaction part: a record of this quality entered the date-index on this day. */
  dayItem(day: string, quality: Quality): TransactWriteItem {
    return {
      Update: new UpdateBuilder().add('days', new Set([day, `${day}#${quality}`])).build(this.tableName, { distribution_id: monthMarker(day.slice(0, 7)) }),
    };
  }

  /** Transaction part: the top marker's changes for one write. */
  topItem(change: TopChange): TransactWriteItem {
    const update = new UpdateBuilder();
    if (change.month) update.add('months', new Set([change.month]));
    if (change.addRecent) {
      const { id, ...summary } = change.addRecent;
      update.set(['recent', id], summary);
    }
    for (const id of change.dropRecent ?? []) if (id !== change.addRecent?.id) update.remove(['recent', id]);
    if (change.addUndelivered) update.add('undelivered', new Set([change.addUndelivered]));
    if (change.dropUndelivered) update.delete('undelivered', new Set([change.dropUndelivered]));
    return { Update: update.build(this.tableName, { distribution_id: TOP_MARKER }) };
  }

  /** The recent entries to drop so that, with one more, at most RECENT_AWARDS remain. */
  static overflow(top: TopMarker): string[] {
    return top.recent.slice(RECENT_AWARDS - 1).map((r) => r.id);
  }

  /**
   * Which awards `recent` would gain, and which it would then drop, to hold the newest
   * RECENT_AWARDS of what it holds and `candidates` (entries already there win over candidates).
   * Nothing is dropped when nothing is added.
   */
  static mergeRecent(current: RecentAward[], candidates: RecentAward[]): { add: RecentAward[]; drop: string[] } {
    const held = new Set(current.map((r) => r.id));
    const union = [...current, ...candidates.filter((c, i) => !held.has(c.id) && candidates.findIndex((o) => o.id === c.id) === i)];
    const newest = union.sort((a, b) => b.distributed_at.localeCompare(a.distributed_at) || a.id.localeCompare(b.id)).slice(0, RECENT_AWARDS);
    const keep = new Set(newest.map((r) => r.id));
    const add = newest.filter((r) => !held.has(r.id));
    return { add, drop: add.length ? current.filter((r) => !keep.has(r.id)).map((r) => r.id) : [] };
  }

  /**
   * Puts awards other systems wrote into `recent` (for /revert's suggestions) where absent, and
   * drops what falls beyond the newest RECENT_AWARDS; an entry already there is never rewritten.
   * For check:data --fix. Returns the ids added.
   */
  async addRecent(candidates: RecentAward[]): Promise<string[]> {
    await this.ensure();
    const { add, drop } = HistoryIndex.mergeRecent((await this.top({ consistent: true })).recent, candidates);
    if (!add.length) return [];
    const names: Record<string, string> = { '#recent': 'recent' };
    const values: Record<string, unknown> = {};
    const sets = add.map(({ id, ...summary }, i) => {
      names[`#a${i}`] = id;
      values[`:a${i}`] = summary;
      // if_not_exists: an entry the bot wrote meanwhile stays as the bot wrote it.
      return `#recent.#a${i} = if_not_exists(#recent.#a${i}, :a${i})`;
    });
    const removes = drop.map((id, i) => {
      names[`#d${i}`] = id;
      return `#recent.#d${i}`;
    });
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { distribution_id: TOP_MARKER },
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return add.map((r) => r.id);
  }

  /** Adds days and months without touching anything else (check:data --fix, the migration). */
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
    if (byMonth.size) {
      await this.db.send(new UpdateCommand(new UpdateBuilder().add('months', new Set(byMonth.keys())).setIfAbsent('recent', {}).build(this.tableName, { distribution_id: TOP_MARKER })));
    }
  }
}
