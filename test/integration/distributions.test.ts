import { addDays } from '../../src/domain/dates';
import { createServices } from '../../src/services';
import type { Distribution } from '../../src/services/distribution-record';
import { TestClock } from '../support/clock';
import { countingClients, createTestStorage, type TestStorage } from '../support/dynamo';
import { seedAward, seedLink, seedMember } from '../support/fixtures';

let storage: TestStorage;
const clock = new TestClock();
const today = clock.today();
const seeded: Distribution[] = [];

async function readAll(read: (cursor?: string) => Promise<{ items: Distribution[]; cursor?: string }>) {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await read(cursor);
    ids.push(...page.items.map((d) => d.distribution_id));
    cursor = page.cursor;
    pages++;
  } while (cursor && pages < 50);
  return { ids, pages };
}

beforeAll(async () => {
  storage = await createTestStorage(undefined, clock);
  const { services } = storage;
  await seedMember(services, { discord_id: '100000000000000001', username: 'A' });
  await seedMember(services, { discord_id: '100000000000000002', username: 'B' });
  // 30 awards over days spread across five months, with a 100-day gap and a busy day, and two
  // more three and four years back: gaps of over a year in the middle of history.
  const days = [0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 5, 8, 13, 21, 34, 40, 41, 42, 43, 44, 45, 145, 146, 147, 148, 149, 150, 151, 1100, 1500];
  await seedLink(services, 'bronze', 'Damage on Ships', 30);
  await seedLink(services, 'gold', 'Damage on Ships', 30);
  for (let i = 0; i < days.length; i++) {
    const at = new Date(`${addDays(today, -days[i])}T10:00:${String(i % 60).padStart(2, '0')}.000Z`);
    seeded.push(await seedAward(storage, { memberId: i % 3 === 0 ? '100000000000000001' : '100000000000000002', quality: i % 4 === 0 ? 'bronze' : 'gold', at }));
  }
});
afterAll(() => storage.close());

const newestFirst = (items: Distribution[]) => [...items].sort((a, b) => b.distributed_at!.localeCompare(a.distributed_at!)).map((d) => d.distribution_id);

describe('distributions service', () => {
  it('reads guild-wide history newest first, page by page, across gaps of years, with nothing repeated or missed', async () => {
    const { ids, pages } = await readAll((cursor) => storage.services.distributions.guildWide({ limit: 4, cursor }));
    expect(ids).toEqual(newestFirst(seeded));
    expect(pages).toBe(Math.ceil(seeded.length / 4));
  });

  it('costs at most 32 DynamoDB requests per guild-wide page, whatever the gaps', async () => {
    const counting = countingClients(storage.endpoint);
    const services = createServices(counting.db, storage.tables, clock);
    let cursor: string | undefined;
    const costs: number[] = [];
    for (let page = 0; page < 20; page++) {
      counting.reset();
      const result = await services.distributions.guildWide({ limit: 10, cursor, quality: 'bronze' });
      costs.push(counting.requests());
      cursor = result.cursor;
      if (!cursor) break;
    }
    counting.close();
    expect(Math.max(...costs)).toBeLessThanOrEqual(32);
    expect(costs.length).toBeGreaterThan(0);
  });

  it('filters guild-wide history by quality', async () => {
    const { ids } = await readAll((cursor) => storage.services.distributions.guildWide({ limit: 3, cursor, quality: 'bronze' }));
    expect(ids).toEqual(newestFirst(seeded.filter((d) => d.quality === 'bronze')));
  });

  it('reads one member’s history newest first, with and without a quality filter', async () => {
    const { ids } = await readAll((cursor) => storage.services.distributions.forMember('100000000000000001', { limit: 2, cursor }));
    expect(ids).toEqual(newestFirst(seeded.filter((d) => d.member_id === '100000000000000001')));
    const gold = await readAll((cursor) => storage.services.distributions.forMember('100000000000000002', { limit: 5, cursor, quality: 'gold' }));
    expect(gold.ids).toEqual(newestFirst(seeded.filter((d) => d.member_id === '100000000000000002' && d.quality === 'gold')));
  });

  it('refuses a cursor it did not write, or another member’s', async () => {
    const page = await storage.services.distributions.forMember('100000000000000001', { limit: 1 });
    await expect(storage.services.distributions.forMember('100000000000000002', { limit: 1, cursor: page.cursor })).rejects.toThrow(/no longer valid/);
    await expect(storage.services.distributions.guildWide({ cursor: Buffer.from('{"day":"nope"}').toString('base64url') })).rejects.toThrow(/no longer valid/);
    await expect(storage.services.distributions.guildWide({ cursor: 'not-base64-json' })).rejects.toThrow(/no longer valid/);
  });

  it('ends an empty history at once', async () => {
    const empty = await createTestStorage();
    expect(await empty.services.distributions.guildWide({ limit: 10 })).toEqual({ items: [], cursor: undefined });
    empty.close();
  });

  it('gets one record and exports them all newest first', async () => {
    expect((await storage.services.distributions.get(seeded[5].distribution_id))?.member_id).toBe('100000000000000002');
    expect(await storage.services.distributions.get('dist_none')).toBeUndefined();
    expect(await storage.services.distributions.get('#history')).toBeUndefined();
    expect((await storage.services.distributions.exportAll()).map((d) => d.distribution_id)).toEqual(newestFirst(seeded));
  });
});
