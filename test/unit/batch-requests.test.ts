/**
 * The retry logic of src/db/requests.ts's batches, against a tiny fake client: a plain object
 * whose send answers as DynamoDB does under throttling (part of a batch unprocessed, or the whole
 * request refused). What a real BatchGetItem or BatchWriteItem does is for the storage suites.
 */
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { backoffDelay, BATCH_RETRY, batchGetAll, batchWriteAll, UnprocessedBatchError, type BatchSender, type RetryPolicy } from '../../src/db/requests';
import { isDynamoRefusal, isDynamoUnavailable } from '../../src/services/errors';
import { isRaceRefusal } from '../../src/services/retrying';

type Key = { id: string };
const TABLE = 'things';
const keys = (n: number): Key[] => Array.from({ length: n }, (_, i) => ({ id: `k${i}` }));

/**
 * A fake client over a table of items `{ id, value }`: for the first `throttled` requests it
 * processes only `served` keys (or items) of each and hands the rest back unprocessed.
 */
function fakeClient(options: { throttled: number; served?: number; refuseWhole?: boolean }) {
  const stored = new Map<string, Record<string, unknown>>();
  const requests: { input: any; signal?: AbortSignal }[] = [];
  const client = {
    async send(command: BatchGetCommand | BatchWriteCommand, sendOptions?: { abortSignal?: AbortSignal }): Promise<any> {
      requests.push({ input: structuredClone(command.input), signal: sendOptions?.abortSignal });
      const throttled = requests.length <= options.throttled;
      if (throttled && options.refuseWhole) throw Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } });
      const served = throttled ? (options.served ?? 1) : Number.POSITIVE_INFINITY;
      if (command instanceof BatchGetCommand) {
        const { Keys, ...shape } = command.input.RequestItems![TABLE];
        const now = Keys!.slice(0, served);
        const later = Keys!.slice(served);
        return {
          Responses: { [TABLE]: now.map((k) => stored.get(String(k.id))).filter(Boolean) },
          UnprocessedKeys: later.length ? { [TABLE]: { ...shape, Keys: later } } : {},
        };
      }
      const writes = command.input.RequestItems![TABLE];
      for (const w of writes.slice(0, served)) stored.set(String(w.PutRequest!.Item!.id), w.PutRequest!.Item!);
      const later = writes.slice(served);
      return { UnprocessedItems: later.length ? { [TABLE]: later } : {} };
    },
  };
  return { client: client as BatchSender, stored, requests };
}

const noWait = { sleep: async () => {} };

describe('batch reads and writes (src/db/requests.ts)', () => {
  it('sends unprocessed keys again until every one is read, keeping consistency and projection', async () => {
    const { client, stored, requests } = fakeClient({ throttled: 3, served: 2 });
    for (const k of keys(10)) stored.set(k.id, { id: k.id, value: 1 });
    const items = await batchGetAll(client, TABLE, keys(10), { consistent: true, projection: '#i, value', names: { '#i': 'id' }, ...noWait });
    expect(items.map((i) => i.id).sort()).toEqual(keys(10).map((k) => k.id).sort());
    // 2 + 2 + 2 keys while throttled, then the 4 left in one request.
    expect(requests.map((r) => r.input.RequestItems[TABLE].Keys.length)).toEqual([10, 8, 6, 4]);
    for (const { input } of requests) {
      expect(input.RequestItems[TABLE]).toMatchObject({ ConsistentRead: true, ProjectionExpression: '#i, value', ExpressionAttributeNames: { '#i': 'id' } });
    }
  });

  it('reads 100 keys a request, and leaves absent keys out', async () => {
    const { client, stored, requests } = fakeClient({ throttled: 0 });
    stored.set('k7', { id: 'k7' });
    stored.set('k234', { id: 'k234' });
    const items = await batchGetAll(client, TABLE, keys(250), noWait);
    expect(items.map((i) => i.id).sort()).toEqual(['k234', 'k7']);
    expect(requests.map((r) => r.input.RequestItems[TABLE].Keys.length)).toEqual([100, 100, 50]);
    // No consistency asked for: DynamoDB's default, nothing sent.
    expect(requests[0].input.RequestItems[TABLE].ConsistentRead).toBeUndefined();
  });

  it('writes 25 requests a batch, unprocessed ones sent again', async () => {
    const { client, stored, requests } = fakeClient({ throttled: 2, served: 5 });
    const puts = keys(60).map(({ id }) => ({ PutRequest: { Item: { id, value: 2 } } }));
    await batchWriteAll(client, TABLE, puts, noWait);
    expect(stored.size).toBe(60);
    // First chunk: 5, 5 while throttled, then the 15 left; the other chunks at once.
    expect(requests.map((r) => r.input.RequestItems[TABLE].length)).toEqual([25, 20, 15, 25, 10]);
  });

  it('waits before each retry, doubling with full jitter up to the cap', async () => {
    const waits: number[] = [];
    const { client } = fakeClient({ throttled: 7, served: 1 });
    const retry: RetryPolicy = { maxAttempts: 8, baseDelayMs: 10, maxDelayMs: 300 };
    await batchGetAll(client, TABLE, keys(10), { retry, random: () => 0.999999, sleep: async (ms) => void waits.push(ms) });
    expect(waits).toEqual([19, 39, 79, 159, 299, 299, 299]);
    expect(backoffDelay(3, retry, () => 0)).toBe(0);
    expect(backoffDelay(3, retry, () => 0.5)).toBe(40);
    // The default bounds the whole wait: at most 3.55 s over 8 attempts.
    const worst = Array.from({ length: BATCH_RETRY.maxAttempts - 1 }, (_, i) => backoffDelay(i + 1, BATCH_RETRY, () => 1)).reduce((a, b) => a + b, 0);
    expect(worst).toBe(3_550);
  });

  it('gives up after maxAttempts with a throttling error naming the table and what was left', async () => {
    const { client, requests } = fakeClient({ throttled: Number.POSITIVE_INFINITY, served: 1 });
    const failure = await batchGetAll(client, TABLE, keys(12), { ...noWait, what: 'the draw pool' }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(UnprocessedBatchError);
    const error = failure as UnprocessedBatchError;
    expect(requests).toHaveLength(BATCH_RETRY.maxAttempts);
    expect(error.operation).toBe('BatchGetItem');
    expect(error.unprocessed).toEqual({ [TABLE]: 12 - BATCH_RETRY.maxAttempts });
    expect(error.count).toBe(4);
    expect(error.attempts).toBe(8);
    expect(error.message).toBe('the draw pool: BatchGetItem left 4 keys of things unprocessed after 8 attempts (throttled); try again later');
    // Handled as DynamoDB's own throttling is: the user is asked to try again.
    expect(error.name).toBe('ThrottlingException');
    expect(isDynamoUnavailable(error)).toBe(true);
    expect(isDynamoRefusal(error)).toBe(true);
    expect(isRaceRefusal(error)).toBe(true);
  });

  it('gives up on writes too, and honours a smaller bound', async () => {
    const { client, requests } = fakeClient({ throttled: Number.POSITIVE_INFINITY, served: 0 });
    const puts = keys(3).map(({ id }) => ({ PutRequest: { Item: { id } } }));
    const error = (await batchWriteAll(client, TABLE, puts, { ...noWait, retry: { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 } }).catch((e: unknown) => e)) as UnprocessedBatchError;
    expect(requests).toHaveLength(3);
    expect(error.message).toBe('BatchWriteItem left 3 items of things unprocessed after 3 attempts (throttled); try again later');
  });

  it('counts a request refused whole (throttled) as every key unprocessed', async () => {
    const { client, stored, requests } = fakeClient({ throttled: 2, refuseWhole: true });
    stored.set('k1', { id: 'k1' });
    expect(await batchGetAll(client, TABLE, keys(3), noWait)).toEqual([{ id: 'k1' }]);
    expect(requests).toHaveLength(3);

    const always = fakeClient({ throttled: Number.POSITIVE_INFINITY, refuseWhole: true });
    const error = (await batchGetAll(always.client, TABLE, keys(3), noWait).catch((e: unknown) => e)) as UnprocessedBatchError;
    expect(error).toBeInstanceOf(UnprocessedBatchError);
    expect(error.unprocessed).toEqual({ [TABLE]: 3 });
    expect((error.cause as Error).name).toBe('ProvisionedThroughputExceededException');
  });

  it('does not retry other failures', async () => {
    let sent = 0;
    const client = {
      send: async () => {
        sent++;
        throw Object.assign(new Error('One or more parameter values were invalid'), { name: 'ValidationException' });
      },
    } as unknown as BatchSender;
    await expect(batchGetAll(client, TABLE, keys(2), noWait)).rejects.toMatchObject({ name: 'ValidationException' });
    expect(sent).toBe(1);
  });

  it('passes the abort signal to every request, and stops waiting when it fires', async () => {
    const { client, requests } = fakeClient({ throttled: Number.POSITIVE_INFINITY, served: 1 });
    const controller = new AbortController();
    const read = batchGetAll(client, TABLE, keys(5), { signal: controller.signal, retry: { maxAttempts: 8, baseDelayMs: 60_000, maxDelayMs: 60_000 }, random: () => 1 });
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await expect(read).rejects.toMatchObject({ name: 'AbortError' });
    expect(requests).toHaveLength(1);
    expect(requests[0].signal).toBe(controller.signal);
  });

  it('sends nothing for no keys', async () => {
    const { client, requests } = fakeClient({ throttled: 0 });
    expect(await batchGetAll(client, TABLE, [], noWait)).toEqual([]);
    await batchWriteAll(client, TABLE, [], noWait);
    expect(requests).toHaveLength(0);
  });
});
