/** The inventory table: every link the guild holds or has handed out. */
import { systemClock, type Clock } from '../domain/clock';
import { DeleteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { keyedLinkId, newLinkId } from '../domain/link-ids';
import type { Quality } from '../domain/ranks';
import type { TransactWriteItem } from './transactions';
import { failedConditionItem, isConditionalCheckFailed, isDynamoUnavailable } from './errors';
import { runTransaction, transactionToken } from './transactions';
import { ReadCoalescer } from './coalesce';
import { isPossibleKey, type ReadOptions } from './pagination';
import { AVAILABILITY_QUALITY_INDEX, LINK, readItem, writeItem, type Stored } from '../db/schema';
import { queryAll } from '../db/requests';

/**
 * A link as the inventory table holds it (src/db/entities.ts, LINK): `is_available` is "true" or
 * "false" (an index key, so a string). Its quality is one of the three wherever FlavaFlav or the
 * previous system wrote it; check:data reports any other.
 */
export type Link = Omit<Stored<typeof LINK>, 'quality'> & { quality: Quality };

/**
 * A stored link's declared attributes (a wrong-typed one reads as absent). A projection reads
 * only some of them; an item missing one check:data reports.
 */
export const readLink = (item: Record<string, unknown>): Link => readItem(LINK, item) as Link;

export interface NewLinks {
  link_type: string;
  quality: Quality;
  category: string;
  bonus: string;
  count: number;
  added_by: string;
  notes?: string;
}

export interface StockLine {
  quality: Quality;
  link_type: string;
  category: string;
  bonus: string;
  count: number;
}

export const MAX_LINKS_PER_ADD = 50;

/** A write whose answer was lost and whose effect could not be found yet: it may still land. */
export class UnknownOutcomeError extends Error {
  override name = 'UnknownOutcomeError';
}

/** Links the oldest-available pick reads back before it gives up (each taken a moment ago). */
const OLDEST_CHECKED = 5;

export class InventoryService {
  private readonly stockReads = new ReadCoalescer<Link[]>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async get(linkId: string, consistent = false): Promise<Link | undefined> {
    if (!isPossibleKey(linkId)) return undefined;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { link_id: linkId }, ConsistentRead: consistent }));
    return Item ? readLink(Item) : undefined;
  }

  /**
   * Adds 1–50 links of one type in one transaction: all of them are added, or none. With a `key`
   * (the interaction that asked), the ids are derived from it, so a retry of the same request finds
   * its links already there (`repeated`) instead of adding them twice; when DynamoDB's answer is
   * lost, the links are looked for before anything is said.
   */
  async add(input: NewLinks, options: { key?: string; now?: Date } = {}): Promise<{ links: Link[]; repeated: boolean }> {
    if (!Number.isInteger(input.count) || input.count < 1 || input.count > MAX_LINKS_PER_ADD) {
      throw new RangeError(`count must be 1–${MAX_LINKS_PER_ADD}`);
    }
    const now = options.now ?? this.clock.now();
    const addedDate = now.toISOString();
    const links: Link[] = Array.from({ length: input.count }, (_, i) => ({
      link_id: options.key ? keyedLinkId(input.quality, input.link_type, options.key, i) : newLinkId(input.quality, input.link_type, now.getTime()),
      link_type: input.link_type,
      quality: input.quality,
      category: input.category,
      bonus: input.bonus,
      is_available: 'true',
      added_by: input.added_by,
      added_date: addedDate,
      ...(input.notes ? { notes: input.notes } : {}),
    }));
    const parts = links.map((link) => ({
      // A colliding id must never overwrite a link (and its history) that already exists.
      item: { Put: { TableName: this.tableName, Item: writeItem(LINK, link), ConditionExpression: 'attribute_not_exists(link_id)' } },
      reason: 'exists' as const,
    }));
    try {
      const outcome = await runTransaction(this.db, parts, { token: options.key ? transactionToken(parts) : undefined });
      if (outcome.ok) return { links, repeated: false };
      if (!options.key || !('failed' in outcome)) throw Object.assign(new Error('links could not be added: their ids were taken or writes kept conflicting'), { name: 'ThrottlingException' });
    } catch (error) {
      if (!options.key || !isDynamoUnavailable(error)) throw error;
    }
    // A retry, or a lost answer: the keyed links are there, or nothing was added.
    const found = await this.get(links[0].link_id, true);
    if (!found) throw new UnknownOutcomeError();
    const stored = await Promise.all(links.map((l) => this.get(l.link_id, true)));
    return { links: stored.filter((l): l is Link => l !== undefined), repeated: true };
  }

  /** Available links, oldest first, from the availability index (optionally of one quality and type). */
  async listAvailable(filter: { quality?: Quality; linkType?: string } = {}, options: ReadOptions & { maxPages?: number } = {}): Promise<Link[]> {
    return (await this.queryAvailable(filter, options)).sort(byAge);
  }

  private async queryAvailable(
    filter: { quality?: Quality; linkType?: string },
    { signal, maxPages = 50, fields }: ReadOptions & { maxPages?: number; fields?: readonly string[] },
  ): Promise<Link[]> {
    const items = await queryAll(
      this.db,
      {
        TableName: this.tableName,
        IndexName: AVAILABILITY_QUALITY_INDEX,
        KeyConditionExpression: filter.quality ? '#a = :yes AND #q = :q' : '#a = :yes',
        FilterExpression: filter.linkType ? '#t = :t' : undefined,
        ProjectionExpression: fields?.map((_, i) => `#f${i}`).join(', '),
        ExpressionAttributeNames: {
          '#a': 'is_available',
          ...(filter.quality ? { '#q': 'quality' } : {}),
          ...(filter.linkType ? { '#t': 'link_type' } : {}),
          ...Object.fromEntries((fields ?? []).map((f, i) => [`#f${i}`, f])),
        },
        ExpressionAttributeValues: {
          ':yes': 'true',
          ...(filter.quality ? { ':q': filter.quality } : {}),
          ...(filter.linkType ? { ':t': filter.linkType } : {}),
        },
      },
      { maxPages, signal },
    );
    return items.map(readLink);
  }

  /** The link `/distribute` hands out: the oldest available one of that quality (and type). */
  /**
   * The oldest link of a quality (and type) still available. The availability index may lag behind
   * an award made a moment ago (on AWS), so the index's oldest are read back consistently, a few at
   * most, and the first still available is taken.
   */
  async oldestAvailable(quality: Quality, linkType?: string): Promise<Link | undefined> {
    const candidates = await this.listAvailable({ quality, linkType });
    for (const candidate of candidates.slice(0, OLDEST_CHECKED)) {
      const link = await this.get(candidate.link_id, true);
      if (link?.is_available === 'true') return link;
    }
    return undefined;
  }

  /**
   * Available stock grouped by quality and type, with counts. Reads only what a line shows, and
   * callers asking the same at the same time share one read (ReadCoalescer); an autocomplete,
   * which may give up (`signal`), reads alone.
   */
  async stock(filter: { quality?: Quality; linkType?: string } = {}, options: ReadOptions & { maxPages?: number } = {}): Promise<StockLine[]> {
    const read = () => this.queryAvailable(filter, { ...options, fields: STOCK_FIELDS });
    const links = options.signal ? await read() : await this.stockReads.read(JSON.stringify([filter.quality, filter.linkType, options.maxPages]), read);
    const lines = new Map<string, StockLine>();
    for (const link of links) {
      const key = `${link.quality}\u0000${link.link_type}`;
      const line = lines.get(key);
      if (line) line.count++;
      else lines.set(key, { quality: link.quality, link_type: link.link_type, category: link.category, bonus: link.bonus, count: 1 });
    }
    const order: Quality[] = ['gold', 'silver', 'bronze'];
    return [...lines.values()].sort(
      (a, b) => order.indexOf(a.quality) - order.indexOf(b.quality) || a.link_type.localeCompare(b.link_type),
    );
  }

  /**
   * How many links of one quality and type are available, counting `added` (just written) whether
   * or not the availability index shows them yet: it lags behind the table on AWS, and an officer
   * must see what they just added.
   */
  async countAvailableWith(quality: Quality, linkType: string, added: Link[]): Promise<number> {
    const seen = await this.queryAvailable({ quality, linkType }, { fields: ['link_id'] });
    return new Set([...seen.map((l) => l.link_id), ...added.filter((l) => l.quality === quality && l.link_type === linkType).map((l) => l.link_id)]).size;
  }

  /** Removes an available link; a handed-out link is history and is never removed. */
  async remove(linkId: string): Promise<{ ok: true; link: Link } | { ok: false; reason: 'not_found' | 'handed_out' }> {
    if (!isPossibleKey(linkId)) return { ok: false, reason: 'not_found' };
    try {
      const { Attributes } = await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { link_id: linkId },
          // Checked at write time, so a link awarded a moment ago is not removed.
          ConditionExpression: 'is_available = :yes',
          ExpressionAttributeValues: { ':yes': 'true' },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { ok: true, link: readLink(Attributes ?? {}) };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const item = failedConditionItem(error as { Item?: Record<string, unknown> });
      return { ok: false, reason: item ? 'handed_out' : 'not_found' };
    }
  }

  /** Transaction part of an award: the link flips from available to handed out, only if still available. */
  awardItem(linkId: string, distributionId: string): TransactWriteItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: { link_id: linkId },
        UpdateExpression: 'SET is_available = :no, distribution_id = :d',
        ConditionExpression: 'is_available = :yes',
        ExpressionAttributeValues: { ':yes': 'true', ':no': 'false', ':d': distributionId },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  /** Transaction part of a revert: the link is available again, only if this distribution holds it. */
  revertItem(linkId: string, distributionId: string): TransactWriteItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: { link_id: linkId },
        UpdateExpression: 'SET is_available = :yes REMOVE distribution_id',
        // Only if this award still holds it. The previous system marked handed-out links without
        // saying by which award; such a link is taken back when it is still handed out.
        ConditionExpression: 'distribution_id = :d OR (attribute_not_exists(distribution_id) AND is_available = :no)',
        ExpressionAttributeValues: { ':yes': 'true', ':no': 'false', ':d': distributionId },
      },
    };
  }
}

/** What a stock line shows: the rest of each link is not read. */
const STOCK_FIELDS = ['quality', 'link_type', 'category', 'bonus'] as const;

function byAge(a: Link, b: Link): number {
  return a.added_date.localeCompare(b.added_date) || a.link_id.localeCompare(b.link_id);
}
