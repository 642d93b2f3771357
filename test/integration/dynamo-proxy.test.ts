/**
 * The AWS-rules mode of the test proxy: what it promises the other suites (lagging reads served
 * from the replica, conflicts, in-progress tokens, throttling, item size, capacity per item).
 */
import { CreateTableCommand, DynamoDBClient, type CancellationReason } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, ScanCommand, TransactGetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { itemBytes, readUnits, writeUnits } from '../support/dynamo-capacity';
import { replicaEndpoint, testEndpoint } from '../support/dynamo';
import { DynamoProxy } from '../support/dynamo-proxy';

const LAG = 400;
let proxy: DynamoProxy;
let client: DynamoDBClient;
let db: DynamoDBDocumentClient;
let table: string;

function clientFor(endpoint: string) {
  // One attempt: the SDK's own retries would hide what the proxy answered.
  const c = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  return { client: c, db: DynamoDBDocumentClient.from(c) };
}

async function createTable(endpoint: string): Promise<string> {
  const name = `proxy-${randomUUID().slice(0, 8)}`;
  const { client: c } = clientFor(endpoint);
  await c.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'id', AttributeType: 'S' },
        { AttributeName: 'g', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [{ IndexName: 'g-index', KeySchema: [{ AttributeName: 'g', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } }],
    }),
  );
  c.destroy();
  return name;
}

// A fresh DynamoDB Local is slow at its first requests (its JIT warming up), slower than the lag:
// one round of each operation first, so the timings below are the proxy's, not the JVM's.
beforeAll(async () => {
  const warm = await DynamoProxy.start(testEndpoint(), { aws: { replica: replicaEndpoint(), lagMs: 0 } });
  const { client: c, db: d } = clientFor(warm.endpoint);
  const name = await createTable(warm.endpoint);
  await d.send(new PutCommand({ TableName: name, Item: { id: 'w', g: 'w' } }));
  await d.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: name, Item: { id: 'w', g: 'w' } } }] }));
  await warm.catchUp();
  await d.send(new QueryCommand({ TableName: name, IndexName: 'g-index', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': 'w' } }));
  await d.send(new GetCommand({ TableName: name, Key: { id: 'w' } }));
  c.destroy();
  await warm.stop();
});

beforeEach(async () => {
  proxy = await DynamoProxy.start(testEndpoint(), { aws: { replica: replicaEndpoint(), lagMs: LAG, transactionHoldMs: 150 } });
  ({ client, db } = clientFor(proxy.endpoint));
  table = await createTable(proxy.endpoint);
});
afterEach(async () => {
  client.destroy();
  await proxy.stop();
});

const get = async (id: string, consistent = false) => (await db.send(new GetCommand({ TableName: table, Key: { id }, ConsistentRead: consistent }))).Item;
const byIndex = async (g: string) => (await db.send(new QueryCommand({ TableName: table, IndexName: 'g-index', KeyConditionExpression: 'g = :g', ExpressionAttributeValues: { ':g': g } }))).Items ?? [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls `read` until `ok` (bounded: `tries`, 50 ms apart). */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, tries = 40): Promise<T> {
  let value = await read();
  for (let i = 0; i < tries && !ok(value); i++) {
    await sleep(50);
    value = await read();
  }
  return value;
}
async function failure(promise: Promise<unknown>): Promise<{ name: string; CancellationReasons?: CancellationReason[] }> {
  try {
    await promise;
  } catch (error) {
    return error as { name: string; CancellationReasons?: CancellationReason[] };
  }
  throw new Error('expected the request to fail');
}

describe('lagging reads', () => {
  it('serves an eventually consistent read and an index query from the replica, a write reaching it only after the lag', async () => {
    // A lag longer than the reads below take, even on a loaded machine.
    const lag = 3_000;
    proxy.setRules({ lagMs: lag });
    const written = Date.now();
    await db.send(new PutCommand({ TableName: table, Item: { id: 'a', g: 'x', v: 1 } }));
    expect(await get('a', true)).toEqual({ id: 'a', g: 'x', v: 1 });
    expect(await get('a')).toBeUndefined();
    expect(await byIndex('x')).toEqual([]);
    expect((await db.send(new TransactGetCommand({ TransactItems: [{ Get: { TableName: table, Key: { id: 'a' } } }] }))).Responses?.[0]?.Item).toMatchObject({ v: 1 });
    expect(Date.now() - written).toBeLessThan(lag);
    const seen = await eventually(() => get('a'), (item) => item !== undefined, 200);
    expect(Date.now() - written).toBeGreaterThanOrEqual(lag - 20);
    expect(seen).toMatchObject({ v: 1 });
    expect(await byIndex('x')).toHaveLength(1);
    expect(proxy.requests.filter((r) => r.operation === 'Query').every((r) => r.served === 'replica')).toBe(true);
    expect(proxy.replicaErrors).toEqual([]);
  });

  it('gives the replica the writes in the order they were made, deletes included, and never an older state after a newer one', async () => {
    for (let v = 1; v <= 5; v++) await db.send(new UpdateCommand({ TableName: table, Key: { id: 'c' }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': v } }));
    const seen: number[] = [];
    for (let i = 0; i < 40; i++) {
      const item = await get('c');
      if (item) seen.push(item.v as number);
      if (item?.v === 5) break;
      await sleep(25);
    }
    expect(seen.at(-1)).toBe(5);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    await db.send(new DeleteCommand({ TableName: table, Key: { id: 'c' } }));
    expect(await get('c')).toMatchObject({ v: 5 });
    expect(await eventually(() => get('c'), (item) => item === undefined)).toBeUndefined();
  });

  it('fills the replica with what the primary held before the proxy saw the table, and catches up at once when asked', async () => {
    const direct = clientFor(testEndpoint());
    const before = await createTable(testEndpoint());
    await direct.db.send(new PutCommand({ TableName: before, Item: { id: 'old', g: 'y' } }));
    direct.client.destroy();
    expect((await db.send(new ScanCommand({ TableName: before }))).Items).toEqual([{ id: 'old', g: 'y' }]);
    await db.send(new PutCommand({ TableName: before, Item: { id: 'new', g: 'y' } }));
    expect((await db.send(new ScanCommand({ TableName: before }))).Items).toHaveLength(1);
    await proxy.catchUp();
    expect(proxy.lagging).toBe(0);
    expect((await db.send(new ScanCommand({ TableName: before }))).Items).toHaveLength(2);
  });
});

describe('conflicts', () => {
  it('cancels a transaction touching an item another transaction is writing, with TransactionConflict for that part', async () => {
    const first = db.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: table, Item: { id: 'p' } } }] }));
    await sleep(30);
    const second = failure(db.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: table, Item: { id: 'q' } } }, { Update: { TableName: table, Key: { id: 'p' }, UpdateExpression: 'SET v = :v', ExpressionAttributeValues: { ':v': 2 } } }] })));
    await first;
    const error = await second;
    expect(error.name).toBe('TransactionCanceledException');
    expect(error.CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'TransactionConflict']);
    expect(await get('q', true)).toBeUndefined();
    expect(proxy.count('TransactWriteItems', 'conflict')).toBe(1);
  });

  it('refuses a single write to an item a transaction is writing (TransactionConflictException)', async () => {
    const tx = db.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: table, Item: { id: 'r' } } }] }));
    await sleep(30);
    expect((await failure(db.send(new PutCommand({ TableName: table, Item: { id: 'r', v: 1 } })))).name).toBe('TransactionConflictException');
    await tx;
    expect(await get('r', true)).toEqual({ id: 'r' });
    expect(proxy.count('PutItem', 'conflict')).toBe(1);
  });

  it('answers TransactionInProgressException to the same ClientRequestToken while its first transaction runs', async () => {
    const input = { TransactItems: [{ Put: { TableName: table, Item: { id: 't' } } }], ClientRequestToken: 'token-1' };
    const first = db.send(new TransactWriteCommand(input));
    await sleep(30);
    expect((await failure(db.send(new TransactWriteCommand(input)))).name).toBe('TransactionInProgressException');
    await first;
    expect(proxy.count('TransactWriteItems', 'in-progress')).toBe(1);
  });

  it('cancels a TransactGetItems reading an item a transaction is writing', async () => {
    const tx = db.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: table, Item: { id: 'u' } } }] }));
    await sleep(30);
    const error = await failure(db.send(new TransactGetCommand({ TransactItems: [{ Get: { TableName: table, Key: { id: 'u' } } }] })));
    expect(error.CancellationReasons?.map((r) => r.Code)).toEqual(['TransactionConflict']);
    await tx;
  });
});

describe('throttling and size', () => {
  it('throttles writes to one item past its rate (ThrottlingException; ThrottlingError in a transaction), other items unaffected', async () => {
    proxy.setRules({ itemWcuPerSecond: 2, transactionHoldMs: 0 });
    await db.send(new PutCommand({ TableName: table, Item: { id: 'hot' } }));
    await db.send(new PutCommand({ TableName: table, Item: { id: 'hot' } }));
    expect((await failure(db.send(new PutCommand({ TableName: table, Item: { id: 'hot' } })))).name).toBe('ThrottlingException');
    const error = await failure(db.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: table, Item: { id: 'cold' } } }, { Put: { TableName: table, Item: { id: 'hot' } } }] })));
    expect(error.CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'ThrottlingError']);
    await db.send(new PutCommand({ TableName: table, Item: { id: 'cold' } }));
    await sleep(600);
    await db.send(new PutCommand({ TableName: table, Item: { id: 'hot' } }));
    expect(proxy.count('PutItem', 'throttle')).toBe(1);
  });

  it('refuses an item past 400 KB as AWS does: ValidationException, or ValidationError in a transaction', async () => {
    const big = 'x'.repeat(401 * 1024);
    expect((await failure(db.send(new PutCommand({ TableName: table, Item: { id: 'big', v: big } })))).name).toBe('ValidationException');
    await db.send(new PutCommand({ TableName: table, Item: { id: 'big', v: big.slice(0, 300 * 1024) } }));
    const grow = { Update: { TableName: table, Key: { id: 'big' }, UpdateExpression: 'SET w = :w', ExpressionAttributeValues: { ':w': big.slice(0, 200 * 1024) } } };
    expect((await failure(db.send(new UpdateCommand(grow.Update)))).name).toBe('ValidationException');
    const error = await failure(db.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: table, Item: { id: 'ok' } } }, grow] })));
    expect(error.CancellationReasons?.map((r) => r.Code)).toEqual(['None', 'ValidationError']);
    expect(await get('ok', true)).toBeUndefined();
  });
});

describe('capacity', () => {
  it('computes sizes as DynamoDB counts them', () => {
    expect(itemBytes({ id: { S: 'abc' } })).toBe(5);
    expect(itemBytes({ n: { N: '12345' } })).toBe(1 + 4);
    expect(itemBytes({ m: { M: { a: { S: 'xy' } } } })).toBe(1 + 3 + 1 + 1 + 2);
    expect(itemBytes({ l: { L: [{ BOOL: true }, { NULL: true }] } })).toBe(1 + 3 + 2 + 2);
    expect(writeUnits(0, 1024, false)).toBe(1);
    expect(writeUnits(3000, 1025, true)).toBe(6);
    expect(readUnits(4097, 'eventual')).toBe(1);
    expect(readUnits(10, 'consistent')).toBe(1);
    expect(readUnits(10, 'transactional')).toBe(2);
  });

  it('records WCU per item (larger of before and after, twice in a transaction) and RCU per read', async () => {
    proxy.setRules({ transactionHoldMs: 0 });
    const mark = proxy.capacityMark;
    const kb3 = 'x'.repeat(3000);
    await db.send(new PutCommand({ TableName: table, Item: { id: 'w', v: kb3 } }));
    await db.send(new UpdateCommand({ TableName: table, Key: { id: 'w' }, UpdateExpression: 'REMOVE v' }));
    await db.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: table, Item: { id: 'w', v: kb3 } } }, { Put: { TableName: table, Item: { id: 'w2' } } }] }));
    await get('w', true);
    await get('w');
    await proxy.settled();
    const [put, update, tx, consistent, eventual] = proxy.capacitySince(mark);
    expect(put).toMatchObject({ operation: 'PutItem', wcu: 3, items: [{ beforeBytes: 0, afterBytes: 3000 + 2 + 1 + 1, wcu: 3 }] });
    expect(update).toMatchObject({ operation: 'UpdateItem', wcu: 3, items: [{ beforeBytes: 3004, afterBytes: 3, wcu: 3 }] });
    expect(tx).toMatchObject({ operation: 'TransactWriteItems', transactional: true, wcu: 6 + 2 });
    expect(tx.items.map((i) => i.wcu)).toEqual([6, 2]);
    expect(consistent).toMatchObject({ operation: 'GetItem', rcu: 1 });
    expect(eventual).toMatchObject({ operation: 'GetItem', rcu: 0.5 });
    expect(Math.max(...proxy.capacity.flatMap((r) => r.items.map((i) => Math.max(i.beforeBytes, i.afterBytes))))).toBe(3004);
  });
});
