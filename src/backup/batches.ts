/**
 * BatchGetItem and BatchWriteItem until every key and item is done, with the low-level client
 * (items stay in AttributeValue form) and several tables a request. The retries are
 * src/db/requests.ts's (untilProcessed): unprocessed keys and items sent again after a wait
 * doubling each time with full jitter, bounded; what is still left then is an
 * UnprocessedBatchError. The restore's policy is more patient than the bot's.
 */
import { BatchGetItemCommand, BatchWriteItemCommand, type DynamoDBClient, type KeysAndAttributes, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { untilProcessed, UnprocessedBatchError, type RetryPolicy } from '../db/requests';
import type { Item } from './format';

export type { RetryPolicy };

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 50, maxDelayMs: 5_000 };

/** What a restore throws when DynamoDB kept leaving keys or items unprocessed. */
export { UnprocessedBatchError as BatchRetriesExhaustedError };

const what = 'the restore';

/** Every item found for these keys, by table; absent keys are simply not in the result. */
export async function batchGetAll(client: DynamoDBClient, keys: Record<string, Item[]>, policy: RetryPolicy = DEFAULT_RETRY): Promise<Record<string, Item[]>> {
  const found: Record<string, Item[]> = {};
  // Consistent: a write acknowledged before the read is seen, so "absent" means absent.
  const requests = Object.fromEntries(Object.entries(keys).map(([table, k]): [string, KeysAndAttributes] => [table, { Keys: k, ConsistentRead: true }]));
  await untilProcessed(
    'BatchGetItem',
    requests,
    (r) => r.Keys?.length ?? 0,
    async (pending) => {
      const { Responses, UnprocessedKeys } = await client.send(new BatchGetItemCommand({ RequestItems: pending }));
      for (const [table, items] of Object.entries(Responses ?? {})) (found[table] ??= []).push(...items);
      return UnprocessedKeys;
    },
    { retry: policy, what },
  );
  return found;
}

/** Puts every item, by table. */
export async function batchPutAll(client: DynamoDBClient, items: Record<string, Item[]>, policy: RetryPolicy = DEFAULT_RETRY): Promise<void> {
  const requests = Object.fromEntries(Object.entries(items).map(([table, i]): [string, WriteRequest[]] => [table, i.map((Item) => ({ PutRequest: { Item } }))]));
  await untilProcessed(
    'BatchWriteItem',
    requests,
    (r) => r.length,
    async (pending) => (await client.send(new BatchWriteItemCommand({ RequestItems: pending }))).UnprocessedItems,
    { retry: policy, what },
  );
}
