import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { addDays } from '../../src/domain/dates';
import type { Distribution } from '../../src/services/distributions';
import { createTestStorage, type TestStorage } from '../support/dynamo';

let storage: TestStorage;
beforeAll(async () => (storage = await createTestStorage()));
afterAll(() => storage.close());

const today = '2026-11-25';
function record(n: number, day: string, member: string, quality: 'bronze' | 'gold' = 'gold'): Distribution {
  return {
    distribution_id: `dist_${String(n).padStart(4, '0')}`,
    member_id: member,
    member_username: `user${member}`,
    link_id: `link_${n}`,
    link_type: 'Damage on Ships',
    quality,
    bonus: '4.50%',
    method: 'discord',
    distributed_by: 'o',
    distributed_at: `${day}T12:00:${String(n % 60).padStart(2, '0')}.000Z`,
    distribution_date: day,
    pool_size: 3,
    drawn_before: [],
    status: 'confirmed',
  };
}

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

describe('distributions service', () => {
  const seeded: Distribution[] = [];
  beforeAll(async () => {
    // 30 records over days spread across five months, including a 100-day gap and a busy day.
    const days = [0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 5, 8, 13, 21, 34, 40, 41, 42, 43, 44, 45, 145, 146, 147, 148, 149, 150, 151, 152, 153];
    for (let i = 0; i < days.length; i++) {
      const r = record(i, addDays(today, -days[i]), i % 3 === 0 ? 'A' : 'B', i % 4 === 0 ? 'bronze' : 'gold');
      seeded.push(r);
      await storage.db.send(new PutCommand({ TableName: storage.tables.distributions, Item: r }));
    }
  });
  const newestFirst = (items: Distribution[]) =>
    [...items].sort((a, b) => b.distributed_at.localeCompare(a.distributed_at)).map((d) => d.distribution_id);

  it('reads guild-wide history newest first, page by page, across gaps, with nothing repeated or missed', async () => {
    const { ids, pages } = await readAll((cursor) => storage.services.distributions.guildWide({ limit: 4, cursor, today }));
    expect(ids).toEqual(newestFirst(seeded));
    expect(pages).toBe(Math.ceil(seeded.length / 4));
  });

  it('filters guild-wide history by quality', async () => {
    const { ids } = await readAll((cursor) => storage.services.distributions.guildWide({ limit: 3, cursor, today, quality: 'bronze' }));
    expect(ids).toEqual(newestFirst(seeded.filter((d) => d.quality === 'bronze')));
  });

  it('reads one member’s history newest first, with and without a quality filter', async () => {
    const { ids } = await readAll((cursor) => storage.services.distributions.forMember('A', { limit: 2, cursor }));
    expect(ids).toEqual(newestFirst(seeded.filter((d) => d.member_id === 'A')));
    const gold = await readAll((cursor) => storage.services.distributions.forMember('B', { limit: 5, cursor, quality: 'gold' }));
    expect(gold.ids).toEqual(newestFirst(seeded.filter((d) => d.member_id === 'B' && d.quality === 'gold')));
  });

  it('ends an empty history quickly instead of walking back forever', async () => {
    const empty = await createTestStorage();
    const page = await empty.services.distributions.guildWide({ limit: 10, today });
    expect(page).toEqual({ items: [], cursor: undefined });
    empty.close();
  });

  it('gets one record and exports them all newest first', async () => {
    expect((await storage.services.distributions.get('dist_0005'))?.member_id).toBe('B');
    expect(await storage.services.distributions.get('dist_none')).toBeUndefined();
    expect((await storage.services.distributions.exportAll()).map((d) => d.distribution_id)).toEqual(newestFirst(seeded));
  });
});
