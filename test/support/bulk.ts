/**
 * Many award records at once, in the form the draws service writes a confirmed award, for tests
 * that need a large history (the full draw flow would take minutes for tens of thousands).
 * Records only: no markers or member counters (use seedAward for that).
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { TestStorage } from './dynamo';

export async function seedAwardRecords(storage: Pick<TestStorage, 'seedClients' | 'tables'>, count: number, options: { members: string[]; from: Date }): Promise<void> {
  const items = Array.from({ length: count }, (_, i) => {
    const at = new Date(options.from.getTime() - i * 60_000).toISOString();
    const member = options.members[i % options.members.length];
    return {
      distribution_id: `dist_bulk_${String(i).padStart(7, '0')}`,
      status: 'confirmed',
      version: 2,
      member_id: member,
      member_username: `member ${member.slice(-4)}`,
      winner_id: member,
      link_id: `gold_Damage_on_Ships_bulk${i}`,
      link_type: 'Damage on Ships',
      quality: i % 3 === 0 ? 'bronze' : 'gold',
      bonus: '4.50%',
      method: 'discord',
      distributed_by: 'bulk-officer',
      distributed_at: at,
      distribution_date: at.slice(0, 10),
      pool: [member],
      pool_size: 1,
      drawn_before: [],
      rerolled_by: [],
    };
  });
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    for (let b = next++; b < batches.length; b = next++) {
      // The past: straight into every copy of the table (AWS-rules mode: the replica's too).
      for (const db of storage.seedClients) {
        let pending = batches[b].map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; pending.length && attempt < 10; attempt++) {
          const out = await db.send(new BatchWriteCommand({ RequestItems: { [storage.tables.distributions]: pending } }));
          pending = (out.UnprocessedItems?.[storage.tables.distributions] ?? []) as typeof pending;
        }
        if (pending.length) throw new Error('seedAwardRecords: DynamoDB kept items unprocessed');
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}
