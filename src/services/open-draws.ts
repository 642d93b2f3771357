/**
 * Where the draws still needing the bot are found: draws still `drawn` (for the expiry sweep and
 * the dashboard's open draws) and awards not yet announced (for the sweep to announce). They are
 * kept on OPEN_SHARDS small marker items of the distributions table, `#open#00` … `#open#15`,
 * each a string set `open_draws` of at most OPEN_PER_SHARD record ids. So no item is written by
 * every draw, each item stays under 2 KB, and the sweep reads them all with one strongly
 * consistent BatchGet: a draw started a moment before the sweep is always seen.
 *
 * - A draw joins one shard (its record's `open_shard`) in the transaction that writes the record.
 * - Cancel and expiry leave the shard in the transaction that ends the record.
 * - Confirm does not: the award stays listed until it has been announced (the record's
 *   `announced_at`), so an award whose process died before announcing is announced by the sweep.
 * - The sweep removes only ids whose records it read (consistently) as ended and announced.
 *
 * At most OPEN_SHARDS × OPEN_PER_SHARD = 400 draws can be open or unannounced at once; a draw
 * beyond that is refused (confirm or cancel open draws first).
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../db/requests';
import { randomInt } from 'node:crypto';
import { retrying } from './retrying';
import type { TransactWriteItem } from './transactions';
import { OPEN_DRAWS, OPEN_PER_SHARD, readItem } from '../db/schema';

/** How many shard items (constant). */
export const OPEN_SHARDS = 16;

export { OPEN_PER_SHARD };

export const openShardId = (shard: number) => `#open#${String(shard).padStart(2, '0')}`;
export const isOpenShardId = (id: string) => /^#open#\d{2}$/.test(id);

export interface OpenEntry {
  id: string;
  shard: number;
}

export class OpenDraws {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  /** The shards to try for a new draw, in order: random ones first, then the rest. */
  static shardOrder(): number[] {
    const first = randomInt(OPEN_SHARDS);
    return Array.from({ length: OPEN_SHARDS }, (_, i) => (first + i) % OPEN_SHARDS);
  }

  /** Transaction part: the draw joins a shard that still has room. */
  joinItem(id: string, shard: number): TransactWriteItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: { distribution_id: openShardId(shard) },
        UpdateExpression: 'ADD open_draws :id',
        // The shard's bound: a full shard refuses, and the draw tries another.
        ConditionExpression: 'attribute_not_exists(open_draws) OR size(open_draws) < :cap',
        ExpressionAttributeValues: { ':id': new Set([id]), ':cap': OPEN_PER_SHARD },
      },
    };
  }

  /** Transaction part: the draw leaves its shard (no condition: leaving twice is harmless). */
  leaveItem(id: string, shard: number): TransactWriteItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: { distribution_id: openShardId(shard) },
        UpdateExpression: 'DELETE open_draws :id',
        ExpressionAttributeValues: { ':id': new Set([id]) },
      },
    };
  }

  /** Removes one id from its shard (the sweep, once it read the record ended and announced). */
  async leave(id: string, shard: number): Promise<void> {
    await retrying(() => this.db.send(new UpdateCommand(this.leaveItem(id, shard).Update as never)));
  }

  /** Every listed id, read strongly consistently (a read that decides what the sweep removes). */
  async list(options: { consistent?: boolean } = { consistent: true }): Promise<OpenEntry[]> {
    const entries: OpenEntry[] = [];
    const keys = Array.from({ length: OPEN_SHARDS }, (_, s) => ({ distribution_id: openShardId(s) }));
    for (const item of await batchGetAll(this.db, this.tableName, keys, { consistent: options.consistent ?? true, what: 'the open draws' })) {
      const stored = readItem(OPEN_DRAWS, item);
      const shard = Number(String(stored.distribution_id).slice('#open#'.length));
      for (const id of stored.open_draws ?? []) entries.push({ id, shard });
    }
    return entries;
  }
}
