/** Open draws seeded in bulk beside a seeded guild (bench/seed.ts), in the forms the services write. */
import { randomUUID } from 'node:crypto';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableKind } from '../src/db/schema';
import { DRAW_TTL_MS } from '../src/domain/draw';
import type { Quality } from '../src/domain/ranks';
import { DrawPools } from '../src/services/draw-pools';
import { OPEN_SHARDS, openShardId } from '../src/services/open-draws';
import { putAll, type SeededMember } from './seed';

/** Open draws as DrawsService.start writes them (pool items, record, its place among the open draws). */
export async function seedOpenDraws(
  db: DynamoDBDocumentClient,
  tables: Record<TableKind, string>,
  draws: { winner: SeededMember; pool: SeededMember[]; linkId: string; linkType: string; quality: Quality; bonus: string }[],
  officerId: string,
  now: Date,
): Promise<string[]> {
  const items = draws.map((d, i) => ({
    distribution_id: `dist_${randomUUID()}`,
    status: 'drawn',
    version: 1,
    method: 'discord',
    link_id: d.linkId,
    link_type: d.linkType,
    quality: d.quality,
    bonus: d.bonus,
    pool_chunks: DrawPools.chunks(d.pool.length),
    pool_size: d.pool.length,
    left_out: { away: 0, too_new: 0, unreadable: 0 },
    policy: 'uniform',
    wanting_count: 0,
    left_to_draw: Math.max(0, d.pool.length - 1),
    winner_id: d.winner.id,
    winner_username: d.winner.username,
    named: false,
    drawn_before: [],
    drawn_before_names: [],
    rerolled_by: [],
    open_shard: i % OPEN_SHARDS,
    drawn_by: officerId,
    drawn_at: now.toISOString(),
    expires_at: new Date(now.getTime() + DRAW_TTL_MS).toISOString(),
  }));
  const pools = new DrawPools(db, tables.distributions);
  await putAll(db, tables.distributions, draws.flatMap((d, i) => pools.items(items[i].distribution_id, { pool: d.pool.map((m) => m.id), wanting: [], figures: new Map() })));
  await putAll(db, tables.distributions, items);
  const ids = items.map((i) => i.distribution_id);
  for (let shard = 0; shard < OPEN_SHARDS; shard++) {
    const inShard = items.filter((i) => i.open_shard === shard).map((i) => i.distribution_id);
    if (inShard.length) await db.send(new UpdateCommand({ TableName: tables.distributions, Key: { distribution_id: openShardId(shard) }, UpdateExpression: 'ADD open_draws :ids', ExpressionAttributeValues: { ':ids': new Set(inShard) } }));
  }
  return ids;
}
