/**
 * BatchGetItem and BatchWriteItem until every key and item is done. DynamoDB may hand back part
 * of a batch (UnprocessedKeys, UnprocessedItems) when a table or partition is busy; asking again
 * at once would meet the same throttle, so retries wait, doubling each time with full jitter
 * (a random wait up to the cap, so parallel writers spread out), and give up after a bound.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  type DynamoDBClient,
  type KeysAndAttributes,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { Item } from './format';

export interface RetryPolicy {
  /** Requests per batch, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 50, maxDelayMs: 5_000 };

export class BatchRetriesExhaustedError extends Error {
  override name = 'BatchRetriesExhaustedError';
}

/** Full jitter: uniformly up to min(cap, base·2^attempt). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

const wait = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());
const isEmpty = (requests: Record<string, unknown> | undefined) => !requests || Object.keys(requests).length === 0;

/** Every item found for these keys, by table; absent keys are simply not in the result. */
export async function batchGetAll(
  client: DynamoDBClient,
  keys: Record<string, Item[]>,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<Record<string, Item[]>> {
  const found: Record<string, Item[]> = {};
  let pending: Record<string, KeysAndAttributes> = Object.fromEntries(
    // Consistent: a write acknowledged before the read is seen, so "absent" means absent.
    Object.entries(keys).filter(([, k]) => k.length).map(([table, k]) => [table, { Keys: k, ConsistentRead: true }]),
  );
  for (let attempt = 1; !isEmpty(pending); attempt++) {
    const { Responses, UnprocessedKeys } = await client.send(new BatchGetItemCommand({ RequestItems: pending }));
    for (const [table, items] of Object.entries(Responses ?? {})) (found[table] ??= []).push(...items);
    if (isEmpty(UnprocessedKeys)) break;
    if (attempt >= policy.maxAttempts) throw new BatchRetriesExhaustedError(`DynamoDB left keys unread after ${attempt} attempts (throttled); run again later`);
    await wait(backoffDelay(attempt, policy));
    pending = UnprocessedKeys!;
  }
  return found;
}

/** Puts every item, by table. */
export async function batchPutAll(client: DynamoDBClient, items: Record<string, Item[]>, policy: RetryPolicy = DEFAULT_RETRY): Promise<void> {
  let pending: Record<string, WriteRequest[]> = Object.fromEntries(
    Object.entries(items).filter(([, i]) => i.length).map(([table, i]) => [table, i.map((Item) => ({ PutRequest: { Item } }))]),
  );
  for (let attempt = 1; !isEmpty(pending); attempt++) {
    const { UnprocessedItems } = await client.send(new BatchWriteItemCommand({ RequestItems: pending }));
    if (isEmpty(UnprocessedItems)) break;
    if (attempt >= policy.maxAttempts) throw new BatchRetriesExhaustedError(`DynamoDB left items unwritten after ${attempt} attempts (throttled); run again later`);
    await wait(backoffDelay(attempt, policy));
    pending = UnprocessedItems!;
  }
}
