/**
 * What each press of a draw costs at 2,000 members, metered through the capacity proxy: the
 * pool and the candidates' figures are written once, by /distribute, where no later press
 * rewrites them, and the record Reroll, Cancel and Confirm change stays small.
 */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createServices, type Services } from '../../src/services';
import { itemBytes } from '../../src/services/draws';
import { TestClock } from '../support/clock';
import { createTestStorage, testEndpoint, type TestStorage } from '../support/dynamo';
import { DynamoMeter, type MeteredRequest } from '../support/dynamo-meter';
import { seedLink, snowflake } from '../support/fixtures';

jest.setTimeout(180_000);

const MEMBERS = 2_000;
let meter: DynamoMeter;
let storage: TestStorage;
let clock: TestClock;
let services: Services;
let listId: string;
beforeAll(async () => {
  meter = await DynamoMeter.start(testEndpoint());
  storage = await createTestStorage(meter.endpoint);
  clock = new TestClock();
  services = createServices(storage.db, storage.tables, clock);
  const ids = Array.from({ length: MEMBERS }, () => snowflake());
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < ids.length; i = next++) {
      await services.members.add({ discord_id: ids[i], username: `member-${String(i).padStart(4, '0')}`, join_date: '2020-01-01', is_officer: false, added_by: 'seed' });
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const list = await services.lists.create({ list_name: 'Gold', quality: 'gold', eligible_members: ids, created_by: 'seed' });
  if (!list.ok) throw new Error('list');
  listId = list.list.list_id;
  await seedLink(services, 'gold', 'Damage on Ships', 5);
});
afterAll(async () => {
  storage?.close();
  await meter?.stop();
});

const wcu = (requests: MeteredRequest[]) => requests.reduce((sum, r) => sum + r.wcu, 0);
const kb = (item: Record<string, unknown> | undefined) => Math.ceil(itemBytes(item ?? {}) / 1024);
const raw = async (id: string) => (await storage.db.send(new GetCommand({ TableName: storage.tables.distributions, Key: { distribution_id: id }, ConsistentRead: true }))).Item;

async function metered<T>(run: () => Promise<T>): Promise<{ value: T; wcu: number }> {
  const mark = meter.mark;
  const value = await run();
  return { value, wcu: wcu(meter.since(mark)) };
}

describe('draw costs at 2,000 members (fewest: every candidate has figures)', () => {
  it('Reroll and Cancel cost at most 8 WCU; Confirm at most 2 × (list KB + 8); /distribute at most its pool KB + 8; the record stays under 4 KB', async () => {
    const figures: Record<string, number> = {};
    const startMark = meter.mark;
    const started = await metered(() => services.draws.start({ quality: 'gold', listId, policy: 'fewest', by: 'officer', method: 'discord' }));
    const pools = meter.since(startMark).filter((r) => r.operation === 'BatchWriteItem');
    if (!started.value.ok) throw new Error(started.value.reason);
    const draw = started.value.draw;
    figures.distribute = started.wcu;
    // The pool items' size in KB as DynamoDB bills a write of them (their puts during /distribute).
    const poolKb = wcu(pools);
    const rolled = await metered(() => services.draws.reroll(draw.distribution_id, 'officer', draw.version, 'test'));
    if (!rolled.value.ok) throw new Error(rolled.value.reason);
    figures.reroll = rolled.wcu;
    expect(rolled.value.draw.drawn_before_names).toHaveLength(1);
    const cancelled = await metered(() => services.draws.cancel(draw.distribution_id, 'officer', 'test'));
    expect(cancelled.value.ok).toBe(true);
    figures.cancel = cancelled.wcu;

    const second = await services.draws.start({ quality: 'gold', listId, policy: 'fewest', by: 'officer', method: 'discord' });
    if (!second.ok) throw new Error(second.reason);
    const listKb = kb((await storage.db.send(new GetCommand({ TableName: storage.tables.lists, Key: { list_id: listId }, ConsistentRead: true }))).Item);
    const confirmed = await metered(() => services.draws.confirm(second.draw.distribution_id, 'officer', second.draw.version, 'test'));
    // The floor SPEC's list item sets: the award's change to that item alone, in a transaction, as DynamoDB Local bills it.
    const floor = await metered(() =>
      storage.db.send(new TransactWriteCommand({ TransactItems: [{ Update: { TableName: storage.tables.lists, Key: { list_id: listId }, UpdateExpression: 'DELETE eligible_members :m ADD winners :m', ExpressionAttributeValues: { ':m': new Set(['not-a-member']) } } }] })),
    );
    expect(confirmed.value.outcome).toBe('awarded');
    figures.confirm = confirmed.wcu;
    const recordKb = kb(await raw(second.draw.distribution_id));
    console.log(`WCU at ${MEMBERS} members: ${JSON.stringify({ ...figures, poolKb, listKb, listFloor: floor.wcu, recordKb })}`);

    expect(recordKb).toBeLessThanOrEqual(4);
    expect(figures.reroll).toBeLessThanOrEqual(8);
    expect(figures.cancel).toBeLessThanOrEqual(8);
    // DynamoDB Local bills an update by the item's size before plus after (a transaction twice
    // that), AWS by the larger of the two: in Local's units, 2 × (list KB + 8) is the list's floor
    // plus 2 × 2 × 8.
    expect(listKb).toBeGreaterThan(30);
    expect(figures.confirm).toBeLessThanOrEqual(floor.wcu + 2 * 2 * 8);
    expect(figures.distribute).toBeLessThanOrEqual(poolKb + 8);
  });
});

describe('draw costs at 2,000 members by AWS arithmetic (the AWS-rules proxy: 1 WCU per started KB of the larger image, twice in a transaction)', () => {
  let aws: TestStorage;
  let s: Services;
  let list: string;
  beforeAll(async () => {
    aws = await createTestStorage(undefined, clock, { awsRules: { lagMs: 50 } });
    s = createServices(aws.db, aws.tables, clock);
    const ids = Array.from({ length: MEMBERS }, () => snowflake());
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < ids.length; i = next++) {
        await s.members.add({ discord_id: ids[i], username: `member-${String(i).padStart(4, '0')}`, join_date: '2020-01-01', is_officer: false, added_by: 'seed' });
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const created = await s.lists.create({ list_name: 'Gold', quality: 'gold', eligible_members: ids, created_by: 'seed' });
    if (!created.ok) throw new Error('list');
    list = created.list.list_id;
    await seedLink(s, 'gold', 'Damage on Ships', 5);
    await aws.catchUp();
  });
  afterAll(() => aws?.close());

  it('meets the targets: Reroll and Cancel ≤ 8 WCU, Confirm ≤ 2 × (list KB + 8), /distribute ≤ pool KB + 8', async () => {
    const proxy = aws.aws!;
    const measure = async <T>(run: () => Promise<T>) => {
      const mark = proxy.capacityMark;
      const value = await run();
      // A write's sizes come with the proxy's read-back, which its answer does not wait for.
      await proxy.settled();
      const records = proxy.capacitySince(mark).filter((r) => r.status === 200);
      return { value, wcu: records.reduce((n, r) => n + r.wcu, 0), records };
    };
    const started = await measure(() => s.draws.start({ quality: 'gold', listId: list, policy: 'fewest', by: 'officer', method: 'discord' }));
    if (!started.value.ok) throw new Error(started.value.reason);
    const draw = started.value.draw;
    const poolKb = started.records
      .filter((r) => r.operation === 'BatchWriteItem')
      .flatMap((r) => r.items)
      .reduce((n, i) => n + Math.ceil(i.afterBytes / 1024), 0);
    const rerolled = await measure(() => s.draws.reroll(draw.distribution_id, 'officer', draw.version, 'test'));
    expect(rerolled.value.ok).toBe(true);
    const cancelled = await measure(() => s.draws.cancel(draw.distribution_id, 'officer', 'test'));
    expect(cancelled.value.ok).toBe(true);
    const second = await s.draws.start({ quality: 'gold', listId: list, policy: 'fewest', by: 'officer', method: 'discord' });
    if (!second.ok) throw new Error(second.reason);
    const confirmed = await measure(() => s.draws.confirm(second.draw.distribution_id, 'officer', second.draw.version, 'test'));
    expect(confirmed.value.outcome).toBe('awarded');
    const listItem = confirmed.records.flatMap((r) => r.items).find((i) => i.table === aws.tables.lists)!;
    const listKb = Math.ceil(Math.max(listItem.beforeBytes, listItem.afterBytes) / 1024);
    console.log(`AWS WCU at ${MEMBERS} members: ${JSON.stringify({ distribute: started.wcu, reroll: rerolled.wcu, cancel: cancelled.wcu, confirm: confirmed.wcu, poolKb, listKb })}`);
    expect(rerolled.wcu).toBeLessThanOrEqual(8);
    expect(cancelled.wcu).toBeLessThanOrEqual(8);
    expect(confirmed.wcu).toBeLessThanOrEqual(2 * (listKb + 8));
    expect(started.wcu).toBeLessThanOrEqual(poolKb + 8);
  });
});
