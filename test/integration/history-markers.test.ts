/**
 * The items FlavaFlav keeps besides the records stay small for a guild's whole life, and no award,
 * delivery or revert writes one of them: undelivered awards, /revert's suggestions and guild-wide
 * history are found by bounded reads of the date-index, guided by month markers.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { checkData } from '../../src/checks/run';
import type { Clock } from '../../src/domain/clock';
import { createServices } from '../../src/services';
import { UNDELIVERED_WINDOW_DAYS } from '../../src/services/awards';
import { createTestStorage, type TestStorage } from '../support/dynamo';
import { seedAward, seedLink, seedMember } from '../support/fixtures';

let storage: TestStorage;
let now = new Date(Date.UTC(2026, 10, 20, 12));
const clock: Clock = { now: () => now };
beforeEach(async () => {
  now = new Date(Date.UTC(2026, 10, 20, 12));
  storage = await createTestStorage(undefined, clock, { awsRules: true });
});
afterEach(() => storage.close());

const daysAgo = (n: number, minutes = 0) => new Date(now.getTime() - n * 86_400_000 + minutes * 60_000);

/** Every request the storage's client sends: its operation and its input as sent (marshalled). */
function recordRequests(): { operation: string; input: string }[] {
  const seen: { operation: string; input: string }[] = [];
  storage.client.middlewareStack.add(
    (next, context) => async (args) => {
      seen.push({ operation: String(context.commandName), input: JSON.stringify(args.input) });
      return next(args);
    },
    { step: 'initialize', name: `record${Math.random()}` },
  );
  return seen;
}

/** The history marker items (ids starting with '#history') and their size as stored, roughly (JSON bytes). Open-draw markers and pool items have their own bounds (draw-costs.test.ts). */
async function markerSizes(): Promise<Map<string, number>> {
  const { Items } = await storage.db.send(new ScanCommand({ TableName: storage.tables.distributions, ConsistentRead: true }));
  const sizes = new Map<string, number>();
  for (const item of Items ?? []) {
    const id = String(item.distribution_id);
    if (id.startsWith('#history')) sizes.set(id, JSON.stringify(item, (_k, v) => (v instanceof Set ? [...v] : v)).length);
  }
  return sizes;
}

describe('the history markers', () => {
  it('stay the same size however many awards are left undelivered, and no award, delivery or revert transaction writes one', async () => {
    const { services } = storage;
    const member = await seedMember(services);
    await seedLink(services, 'gold', 'Damage on Ships', 12);
    await seedAward(storage, { memberId: member.discord_id, at: daysAgo(0, -200) });
    const before = await markerSizes();

    const requests = recordRequests();
    const awarded = [];
    for (let i = 0; i < 11; i++) awarded.push(await seedAward(storage, { memberId: member.discord_id, at: daysAgo(0, -199 + i) }));
    await services.awards.markDelivered(awarded[0].distribution_id, 'officer', 'test');
    await services.awards.revertDistribution(awarded[1].distribution_id, 'officer', 'test');

    const after = await markerSizes();
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    // The top marker is not written by awards at all; a month marker holds days, not awards.
    expect(after.get('#history')).toBe(before.get('#history'));
    for (const [id, size] of after) if (id.startsWith('#history#')) expect(size).toBe(before.get(id));
    const transactions = requests.filter((r) => r.operation === 'TransactWriteItemsCommand');
    expect(transactions.length).toBeGreaterThanOrEqual(12);
    // No transaction writes a history marker: not a draw's start or end, not an award, not a revert.
    const awards = transactions.filter((t) => t.input.includes('"confirmed"') || t.input.includes('"reverted"'));
    expect(awards).toHaveLength(12);
    for (const t of transactions) expect(t.input).not.toMatch(/"#history/);
  });

  it("/revert's suggestions stay the newest 25 standing awards: a revert's place is refilled, and check:data --fix never puts a reverted award back", async () => {
    const { services } = storage;
    const member = await seedMember(services);
    await seedLink(services, 'gold', 'Damage on Ships', 27);
    const awarded = [];
    for (let i = 0; i < 27; i++) awarded.push(await seedAward(storage, { memberId: member.discord_id, at: daysAgo(3 - (i % 4), i) }));
    const newestFirst = [...awarded].sort((a, b) => b.distributed_at!.localeCompare(a.distributed_at!));

    // check:data reads the history first; a revert made while it runs must not come back.
    const partial = await checkData({ db: storage.db, tables: storage.tables, membersInLegacyTable: false, fix: true, pageSize: 10, maxPages: 5 });
    expect(partial.finished).toBe(false);
    await services.awards.revertDistribution(newestFirst[0].distribution_id, 'officer', 'test');
    await services.awards.revertDistribution(newestFirst[3].distribution_id, 'officer', 'test');
    await checkData({ db: storage.db, tables: storage.tables, membersInLegacyTable: false, fix: true, progress: partial.progress });
    // The suggestions read the date-index, which lags a moment behind the reverts (on AWS, well under a second).
    await storage.catchUp();

    const suggested = (await services.distributions.recentAwards()).map((d) => d.distribution_id);
    const standing = newestFirst.filter((d) => d !== newestFirst[0] && d !== newestFirst[3]);
    expect(suggested).toEqual(standing.slice(0, 25).map((d) => d.distribution_id));
  });

  it('/deliveries lists the undelivered awards of the last days, oldest first, and drops one delivered a moment ago', async () => {
    const { services } = storage;
    const member = await seedMember(services);
    await seedLink(services, 'gold', 'Damage on Ships', 6);
    const old = await seedAward(storage, { memberId: member.discord_id, at: daysAgo(UNDELIVERED_WINDOW_DAYS + 5) });
    const a = await seedAward(storage, { memberId: member.discord_id, at: daysAgo(UNDELIVERED_WINDOW_DAYS - 1) });
    const b = await seedAward(storage, { memberId: member.discord_id, at: daysAgo(10) });
    const c = await seedAward(storage, { memberId: member.discord_id, at: daysAgo(0) });
    const d = await seedAward(storage, { memberId: member.discord_id, at: daysAgo(2) });
    await services.awards.revertDistribution(d.distribution_id, 'officer', 'test');
    expect((await services.awards.undelivered()).map((x) => x.distribution_id)).toEqual([a, b, c].map((x) => x.distribution_id));
    await services.awards.markDelivered(b.distribution_id, 'officer', 'test');
    expect((await services.awards.undelivered()).map((x) => x.distribution_id)).toEqual([a, c].map((x) => x.distribution_id));
    expect(old.status).toBe('confirmed');
  });

  it('/deliveries read by ten callers at once (a burst of Delivered presses) costs at most two reads, each seeing what was delivered before it was asked', async () => {
    const { services } = storage;
    const member = await seedMember(services);
    await seedLink(services, 'gold', 'Damage on Ships', 3);
    const awards = [await seedAward(storage, { memberId: member.discord_id, at: daysAgo(3) }), await seedAward(storage, { memberId: member.discord_id, at: daysAgo(1) })];
    const one = recordRequests();
    await services.awards.undelivered();
    const perRead = one.filter((r) => r.operation === 'QueryCommand').length;
    expect(perRead).toBeGreaterThan(0);
    const many = recordRequests();
    const read = await Promise.all(Array.from({ length: 10 }, () => services.awards.undelivered()));
    expect(many.filter((r) => r.operation === 'QueryCommand').length).toBeLessThanOrEqual(2 * perRead);
    for (const r of read) expect(r.map((d) => d.distribution_id)).toEqual(awards.map((d) => d.distribution_id));
    // Asked after a delivery: never a read begun before it.
    await services.awards.markDelivered(awards[0].distribution_id, 'officer', 'test');
    expect((await services.awards.undelivered()).map((d) => d.distribution_id)).toEqual([awards[1].distribution_id]);
  });

  it('guild-wide history reads the markers consistently, so a page shows what was just written, across years with gaps', async () => {
    const { services } = storage;
    const member = await seedMember(services);
    await seedLink(services, 'gold', 'Damage on Ships', 4);
    const first = await seedAward(storage, { memberId: member.discord_id, at: daysAgo(3 * 365) });
    const second = await seedAward(storage, { memberId: member.discord_id, at: daysAgo(400) });
    const requests = recordRequests();
    const third = await seedAward(storage, { memberId: member.discord_id, at: daysAgo(0) });
    const page = await createServices(storage.db, storage.tables, clock).distributions.guildWide({ limit: 10 });
    expect(page.items.map((d) => d.distribution_id)).toEqual([third, second, first].map((d) => d.distribution_id));
    expect(page.cursor).toBeUndefined();
    const markerReads = requests.filter((r) => (r.operation === 'GetItemCommand' || r.operation === 'BatchGetItemCommand') && r.input.includes('#history'));
    expect(markerReads.length).toBeGreaterThan(0);
    for (const r of markerReads) expect(r.input).toContain('"ConsistentRead":true');
  });

  it('the stock shown after /inventory add counts the links just added, even while the availability index lags behind', async () => {
    const { services } = storage;
    const before = new Set((await seedLink(services, 'gold', 'Damage on Ships', 2)).map((l) => l.link_id));
    // As on AWS a moment after a write: the index does not show the new links yet.
    storage.client.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        const input = args.input as { IndexName?: string };
        if (context.commandName === 'QueryCommand' && input.IndexName === 'availability-quality-index') {
          const output = out.output as { Items?: Record<string, unknown>[]; Count?: number };
          const idOf = (i: Record<string, unknown>) => (typeof i.link_id === 'string' ? i.link_id : (i.link_id as { S?: string } | undefined)?.S);
          // Links read with their ids: those from before; read without (a stock line): as many as before.
          const items = output.Items ?? [];
          output.Items = items.every((i) => idOf(i) !== undefined) ? items.filter((i) => before.has(String(idOf(i)))) : items.slice(0, before.size);
          output.Count = output.Items.length;
        }
        return out;
      },
      { step: 'initialize', name: 'laggingIndex' },
    );
    const added = await services.guild.addStock({ linkType: 'Damage on Ships', quality: 'gold', count: 3, by: 'officer', key: 'interaction-1' });
    if (!added.ok) throw new Error(added.reason);
    expect((await services.inventory.stock({ quality: 'gold' }))[0].count).toBe(2);
    expect(await services.inventory.countAvailableWith('gold', 'Damage on Ships', added.links)).toBe(5);
  });
});
