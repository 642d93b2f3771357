/**
 * The one way FlavaFlav reads many pages and sends many keys: every multi-page Query or Scan and
 * every BatchGet or BatchWrite goes through here, so paging, bounds, retries and failures behave
 * the same everywhere.
 *
 * - Pages: lib-dynamodb's paginators (`paginateQuery`, `paginateScan`), always bounded by a
 *   number of pages (and optionally of items), the caller's AbortSignal passed to every request.
 *   A read that hands one page and a cursor back to its caller (a UI page) is one request and
 *   does not come here.
 * - Batches: chunked (100 keys a BatchGetItem, 25 requests a BatchWriteItem, DynamoDB's limits).
 *   DynamoDB may leave part of a batch unprocessed (UnprocessedKeys, UnprocessedItems) when a
 *   table or partition is busy, or refuse all of it (a throttling error); asking again at once
 *   would meet the same throttle, so the rest is sent again after a wait that doubles each time
 *   with full jitter (a random wait up to the cap, so parallel callers spread out), a bounded
 *   number of times: at most maxAttempts requests per chunk, so at most
 *   Σ min(maxDelayMs, baseDelayMs·2^attempt) of waiting. What is still left then is an
 *   UnprocessedBatchError: never a silent gap, since a caller may act on what is missing.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  paginateQuery,
  paginateScan,
  QueryCommand,
  ScanCommand,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type QueryCommandOutput,
  type ScanCommandInput,
  type ScanCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { NativeAttributeValue } from '@aws-sdk/util-dynamodb';

/** DynamoDB's own limits per request. */
export const BATCH_GET_MAX_KEYS = 100;
export const BATCH_WRITE_MAX_REQUESTS = 25;

export interface RetryPolicy {
  /** Requests per chunk, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** At most 8 requests per chunk and 3.55 s of waiting (50 + 100 + … + 800 + 1000 + 1000 ms). */
export const BATCH_RETRY: RetryPolicy = { maxAttempts: 8, baseDelayMs: 25, maxDelayMs: 1_000 };

/** Full jitter: uniformly up to min(cap, base·2^attempt). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
}

export type BatchOperation = 'BatchGetItem' | 'BatchWriteItem';

/**
 * Keys or items DynamoDB still had not processed after every attempt. Named like DynamoDB's own
 * throttling error, which is what it is: isDynamoUnavailable, isDynamoRefusal and isRaceRefusal
 * treat it as one (nothing more was done; try again later).
 */
export class UnprocessedBatchError extends Error {
  override name = 'ThrottlingException' as const;
  constructor(
    readonly operation: BatchOperation,
    /** Keys (BatchGetItem) or write requests (BatchWriteItem) left, by table. */
    readonly unprocessed: Readonly<Record<string, number>>,
    readonly attempts: number,
    what?: string,
    options?: { cause?: unknown },
  ) {
    const left = Object.entries(unprocessed).map(([table, n]) => `${n} ${operation === 'BatchGetItem' ? 'key' : 'item'}${n === 1 ? '' : 's'} of ${table}`);
    super(
      `${what ? `${what}: ` : ''}${operation} left ${left.join(', ')} unprocessed after ${attempts} attempt${attempts === 1 ? '' : 's'} (throttled); try again later`,
      options,
    );
  }

  /** How many keys or items were left, all tables together. */
  get count(): number {
    return Object.values(this.unprocessed).reduce((a, b) => a + b, 0);
  }
}

/** Refusals of a whole batch that prove nothing of it was done (as retrying.ts's races). */
const REFUSALS = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded', 'TransactionConflictException']);
const isRefusal = (error: unknown) => REFUSALS.has((error as { name?: string } | null)?.name ?? '');

export interface BatchOptions {
  retry?: RetryPolicy;
  signal?: AbortSignal;
  /** What is being read or written, for the error's message (e.g. 'the draw pool'). */
  what?: string;
  /** For tests: the jitter's source, and the wait. */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error('the request was aborted'), { name: 'AbortError' });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The tables of a RequestItems-like map that still have something to send (undefined when none). */
function leftOf<R>(requests: Record<string, R> | undefined, size: (r: R) => number): Record<string, R> | undefined {
  if (!requests) return undefined;
  const left = Object.entries(requests).filter(([, r]) => r !== undefined && size(r) > 0);
  return left.length ? Object.fromEntries(left) : undefined;
}

/**
 * The retry loop under every batch: sends `requests` (a RequestItems map, one table or several,
 * for the document or the low-level client) with `sendOnce`, which answers what is unprocessed,
 * until nothing is, or throws UnprocessedBatchError after policy.maxAttempts requests. A request
 * refused whole (throttling) counts as one whose every key is unprocessed.
 */
export async function untilProcessed<R>(
  operation: BatchOperation,
  requests: Record<string, R>,
  size: (r: R) => number,
  sendOnce: (pending: Record<string, R>) => Promise<Record<string, R> | undefined>,
  options: BatchOptions = {},
): Promise<void> {
  const policy = options.retry ?? BATCH_RETRY;
  const wait = options.sleep ?? sleep;
  let pending = leftOf(requests, size);
  for (let attempt = 1; pending; attempt++) {
    let left: Record<string, R> | undefined;
    let refusal: unknown;
    try {
      left = leftOf(await sendOnce(pending), size);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      left = pending;
      refusal = error;
    }
    if (!left) return;
    if (attempt >= policy.maxAttempts) {
      const counts = Object.fromEntries(Object.entries(left).map(([table, r]) => [table, size(r)]));
      throw new UnprocessedBatchError(operation, counts, attempt, options.what, refusal === undefined ? undefined : { cause: refusal });
    }
    await wait(backoffDelay(attempt, policy, options.random), options.signal);
    pending = left;
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** An item as the document client gives it (the SDK's own Items type). */
type Item = Record<string, NativeAttributeValue>;
type KeysAndAttributes = NonNullable<BatchGetCommandInput['RequestItems']>[string];
export type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

/** What the batch helpers need of a client: its send (a plain object in unit tests). */
export interface BatchSender {
  send(command: BatchGetCommand, options?: { abortSignal?: AbortSignal }): Promise<BatchGetCommandOutput>;
  send(command: BatchWriteCommand, options?: { abortSignal?: AbortSignal }): Promise<BatchWriteCommandOutput>;
}

export interface BatchGetOptions extends BatchOptions {
  /** Strongly consistent reads (DynamoDB's default is eventually consistent). */
  consistent?: boolean;
  projection?: string;
  names?: Record<string, string>;
}

/**
 * Every item found for these keys of one table, 100 keys a request, one chunk after another; an
 * absent key is simply not in the result. The order is DynamoDB's (none).
 */
export async function batchGetAll(db: BatchSender | DynamoDBDocumentClient, table: string, keys: readonly Item[], options: BatchGetOptions = {}): Promise<Item[]> {
  const sender = db as BatchSender;
  const found: Item[] = [];
  const shape: Omit<KeysAndAttributes, 'Keys'> = {
    ...(options.consistent !== undefined ? { ConsistentRead: options.consistent } : {}),
    ...(options.projection ? { ProjectionExpression: options.projection } : {}),
    ...(options.names ? { ExpressionAttributeNames: options.names } : {}),
  };
  for (const chunk of chunks(keys, BATCH_GET_MAX_KEYS)) {
    await untilProcessed(
      'BatchGetItem',
      { [table]: { ...shape, Keys: chunk } as KeysAndAttributes },
      (r) => r.Keys?.length ?? 0,
      async (pending) => {
        const out = await sender.send(new BatchGetCommand({ RequestItems: pending }), { abortSignal: options.signal });
        found.push(...((out.Responses?.[table] ?? []) as Item[]));
        return out.UnprocessedKeys as Record<string, KeysAndAttributes> | undefined;
      },
      options,
    );
  }
  return found;
}

/** Every put and delete of one table, 25 a request, one chunk after another. */
export async function batchWriteAll(db: BatchSender | DynamoDBDocumentClient, table: string, requests: readonly WriteRequest[], options: BatchOptions = {}): Promise<void> {
  const sender = db as BatchSender;
  for (const chunk of chunks(requests, BATCH_WRITE_MAX_REQUESTS)) {
    await untilProcessed(
      'BatchWriteItem',
      { [table]: chunk },
      (r) => r.length,
      async (pending) => (await sender.send(new BatchWriteCommand({ RequestItems: pending }), { abortSignal: options.signal })).UnprocessedItems as Record<string, WriteRequest[]> | undefined,
      options,
    );
  }
}

/** Bounds of a multi-page read. */
export interface PageBounds {
  /** At most this many requests (pages of up to 1 MB, or `Limit` items). */
  maxPages: number;
  signal?: AbortSignal;
}

/** Bounds of a read gathered whole: also at most `maxItems` items (the rest are not read). */
export interface ReadBounds extends PageBounds {
  maxItems?: number;
}

/** One page of a Query or Scan: its items and, when the read goes on, the key it goes on from. */
export interface ReadPage {
  items: Item[];
  next?: Item;
}

/** Where a multi-page read starts: after this key (a page's `next`), or at the beginning. */
export interface PageStart extends PageBounds {
  from?: Item;
}

/** A Query's pages, in order, at most maxPages of them. */
export async function* queryPages(db: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>, bounds: PageStart): AsyncGenerator<ReadPage> {
  if (bounds.maxPages < 1) return;
  let pages = 0;
  // The paginator writes the start key into its input: a copy, so the caller's stays as it was.
  for await (const page of paginateQuery({ client: db }, { ...input, ExclusiveStartKey: bounds.from }, { abortSignal: bounds.signal })) {
    yield pageOf(page);
    if (++pages >= bounds.maxPages) return;
  }
}

/** A Scan's pages, in order, at most maxPages of them. */
export async function* scanPages(db: DynamoDBDocumentClient, input: Omit<ScanCommandInput, 'ExclusiveStartKey'>, bounds: PageStart): AsyncGenerator<ReadPage> {
  if (bounds.maxPages < 1) return;
  let pages = 0;
  for await (const page of paginateScan({ client: db }, { ...input, ExclusiveStartKey: bounds.from }, { abortSignal: bounds.signal })) {
    yield pageOf(page);
    if (++pages >= bounds.maxPages) return;
  }
}

/** One page of a Query from `from` (for a read that hands its caller a page and a cursor). */
export async function queryPage(db: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>, from?: Item, signal?: AbortSignal): Promise<ReadPage> {
  return pageOf(await db.send(new QueryCommand({ ...input, ExclusiveStartKey: from }), { abortSignal: signal }));
}

/** One page of a Scan from `from` (for a read that hands its caller a page and a cursor). */
export async function scanPage(db: DynamoDBDocumentClient, input: Omit<ScanCommandInput, 'ExclusiveStartKey'>, from?: Item, signal?: AbortSignal): Promise<ReadPage> {
  return pageOf(await db.send(new ScanCommand({ ...input, ExclusiveStartKey: from }), { abortSignal: signal }));
}

function pageOf(out: QueryCommandOutput | ScanCommandOutput): ReadPage {
  return { items: out.Items ?? [], ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}) };
}

async function gather(pages: AsyncGenerator<ReadPage>, maxItems = Number.POSITIVE_INFINITY): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of pages) {
    items.push(...page.items);
    if (items.length >= maxItems) break;
  }
  return items.length > maxItems ? items.slice(0, maxItems) : items;
}

/** Every item a Query returns, in its order, within the bounds. */
export function queryAll(db: DynamoDBDocumentClient, input: Omit<QueryCommandInput, 'ExclusiveStartKey'>, bounds: ReadBounds): Promise<Item[]> {
  return gather(queryPages(db, input, bounds), bounds.maxItems);
}

/** Every item a Scan returns, in its order, within the bounds. */
export function scanAll(db: DynamoDBDocumentClient, input: Omit<ScanCommandInput, 'ExclusiveStartKey'>, bounds: ReadBounds): Promise<Item[]> {
  return gather(scanPages(db, input, bounds), bounds.maxItems);
}
