/**
 * What a draw writes once and never changes: its pool (SPEC's `pool`: every member id the draw
 * could pick, in the order drawn from), those in it wanting the link's type, and each candidate's
 * policy figures. They are kept beside the record, on pool items of the distributions table
 * `#pool#<record id>#<n>` (n = 0, 1, …; the record's `pool_chunks` says how many), each holding
 * at most POOL_CHUNK members of the pool in order, with their wants and figures. Pool items carry
 * no index keys (in no index) and are written by /distribute alone, before the record: Reroll,
 * Cancel and Confirm read them at most and never rewrite them, so a press costs the small record,
 * not the pool. Bound: the roster (POOL_CHUNK members, about 110 KB, an item).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, batchWriteAll } from '../db/requests';
import type { CandidateStats } from '../domain/draw';

import { POOL_CHUNK, POOL_ITEM, readItem, writeItem, type Read } from '../db/schema';

export { POOL_CHUNK };

export const poolItemId = (drawId: string, chunk: number) => `#pool#${drawId}#${chunk}`;
export const isPoolItemId = (id: string) => id.startsWith('#pool#');
/** The record a pool item belongs to. */
export const poolItemDraw = (id: string) => id.slice('#pool#'.length, id.lastIndexOf('#'));

export interface DrawPool {
  pool: string[];
  wanting: string[];
  figures: Map<string, CandidateStats>;
}

export class DrawPools {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** How many pool items a pool of this size takes. */
  static chunks(poolSize: number): number {
    return Math.max(1, Math.ceil(poolSize / POOL_CHUNK));
  }

  /** The pool items of a draw, as written. */
  items(drawId: string, pool: DrawPool): Record<string, unknown>[] {
    const wanting = new Set(pool.wanting);
    return Array.from({ length: DrawPools.chunks(pool.pool.length) }, (_, n) => {
      const ids = pool.pool.slice(n * POOL_CHUNK, (n + 1) * POOL_CHUNK);
      const figures = ids.filter((id) => pool.figures.has(id)).map((id) => [id, pool.figures.get(id)!] as const);
      return writeItem(POOL_ITEM, {
        distribution_id: poolItemId(drawId, n),
        draw_id: drawId,
        chunk: n,
        pool: ids,
        wanting: ids.filter((id) => wanting.has(id)),
        ...(figures.length ? { figures: Object.fromEntries(figures) } : {}),
      });
    });
  }

  /**
   * Writes the pool items (before the record: a record never points at a pool that is not
   * there). Plain puts, one write unit per KB: written once, never in a transaction.
   */
  async write(drawId: string, pool: DrawPool): Promise<void> {
    await batchWriteAll(this.db, this.tableName, this.items(drawId, pool).map((Item) => ({ PutRequest: { Item } })), { what: 'the draw pool' });
  }

  /** A draw's pool, read strongly consistently (it decides who a reroll may draw). */
  /** Deletes the pool items of a draw whose record was never written (its start was refused). */
  async discard(drawId: string, chunks: number): Promise<void> {
    const keys = Array.from({ length: chunks }, (_, n) => ({ distribution_id: poolItemId(drawId, n) }));
    await batchWriteAll(this.db, this.tableName, keys.map((Key) => ({ DeleteRequest: { Key } })), { what: 'the pool of a draw not started' });
  }

  async read(drawId: string, chunks: number): Promise<DrawPool> {
    const keys = Array.from({ length: chunks }, (_, n) => ({ distribution_id: poolItemId(drawId, n) }));
    const byChunk = new Map<number, Read<typeof POOL_ITEM>>();
    for (const item of await batchGetAll(this.db, this.tableName, keys, { consistent: true, what: 'the draw pool' })) {
      const stored = readItem(POOL_ITEM, item);
      byChunk.set(stored.chunk ?? NaN, stored);
    }
    return readPool([...byChunk.entries()].sort(([a], [b]) => a - b).map(([, item]) => item));
  }
}

/** What holds a pool: pool items, or a record that kept it whole (before pool items), as read through their declarations. */
export interface PoolHolder {
  pool?: Iterable<string>;
  wanting?: Iterable<string>;
  figures?: Record<string, unknown>;
}

/** A pool from its items (in chunk order), or from a record that kept it whole. A figure without a readable count counts 0. */
export function readPool(items: PoolHolder[]): DrawPool {
  const figures = new Map<string, CandidateStats>();
  for (const item of items) {
    for (const [id, value] of Object.entries(item.figures ?? {})) {
      const f = (value ?? {}) as { count?: unknown; last?: unknown };
      figures.set(id, { count: Number(f.count ?? 0) || 0, ...(typeof f.last === 'string' ? { last: f.last } : {}) });
    }
  }
  return { pool: items.flatMap((i) => [...(i.pool ?? [])]), wanting: items.flatMap((i) => [...(i.wanting ?? [])]), figures };
}
