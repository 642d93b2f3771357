import { createTestStorage, type TestStorage } from '../support/dynamo';
import { findLinkType } from '../../src/domain/catalog';

// Each test gets its own tables.
let storage: TestStorage;
beforeEach(async () => (storage = await createTestStorage()));
afterEach(() => storage.close());

const ships = findLinkType('Damage on Ships')!;
const barding = findLinkType('Bard Reset/Break Ignore Chance')!;
const add = async (type = ships, quality: 'bronze' | 'silver' | 'gold' = 'gold', count = 1, now?: Date) =>
  (await storage.services.inventory.add({ link_type: type.name, quality, category: type.category, bonus: type.bonus[quality], count, added_by: '999', notes: 'from a test' }, { now })).links;

describe('inventory service', () => {
  it('adds 50 links of one type at once with unique sanitized ids', async () => {
    const links = await add(barding, 'bronze', 50);
    expect(new Set(links.map((l) => l.link_id)).size).toBe(50);
    for (const link of links) {
      expect(link.link_id).toMatch(/^bronze_Bard_Reset_Break_Ignore_Chance_[a-z0-9]+$/);
      expect(link).toMatchObject({ is_available: 'true', bonus: '2.50%', category: 'Barding', added_by: '999' });
    }
    const stored = await storage.services.inventory.get(links[49].link_id);
    expect(stored?.notes).toBe('from a test');
  });

  it('refuses counts outside 1–50 and writes nothing', async () => {
    await expect(add(ships, 'silver', 0)).rejects.toThrow(RangeError);
    await expect(add(ships, 'silver', 51)).rejects.toThrow(RangeError);
    expect(await storage.services.inventory.listAvailable({ quality: 'silver' })).toEqual([]);
  });


  it('reports available stock grouped by quality and type, and picks the oldest link', async () => {
    const older = await add(ships, 'gold', 2, new Date('2026-01-01T00:00:00Z'));
    await add(ships, 'gold', 1, new Date('2026-02-01T00:00:00Z'));
    await add(barding, 'bronze', 50);
    const stock = await storage.services.inventory.stock();
    expect(stock).toEqual([
      { quality: 'gold', link_type: 'Damage on Ships', category: 'Boating', bonus: '4.50%', count: 3 },
      { quality: 'bronze', link_type: 'Bard Reset/Break Ignore Chance', category: 'Barding', bonus: '2.50%', count: 50 },
    ]);
    expect(await storage.services.inventory.stock({ quality: 'gold', linkType: 'Bard Reset/Break Ignore Chance' })).toEqual([]);
    const oldest = await storage.services.inventory.oldestAvailable('gold', 'Damage on Ships');
    expect(older.map((l) => l.link_id)).toContain(oldest?.link_id);
    expect(await storage.services.inventory.oldestAvailable('silver')).toBeUndefined();
  });

  it('adds the links of one request once: a retry with the same key finds them and adds nothing', async () => {
    const input = { link_type: ships.name, quality: 'silver' as const, category: ships.category, bonus: ships.bonus.silver, count: 3, added_by: '999' };
    const first = await storage.services.inventory.add(input, { key: '1575313544398766139' });
    const again = await storage.services.inventory.add(input, { key: '1575313544398766139' });
    expect(first.repeated).toBe(false);
    expect(again).toEqual({ links: first.links, repeated: true });
    expect(await storage.services.inventory.listAvailable({ quality: 'silver' })).toHaveLength(3);
  });

  it('removes an available link once, and never a handed-out one', async () => {
    const { inventory } = storage.services;
    const [link] = await add(ships, 'bronze', 1);
    expect(await inventory.remove(link.link_id)).toMatchObject({ ok: true, link: { link_id: link.link_id } });
    expect(await inventory.remove(link.link_id)).toEqual({ ok: false, reason: 'not_found' });

    const [given] = await add(ships, 'bronze', 1);
    await storage.db.send(
      new (await import('@aws-sdk/lib-dynamodb')).TransactWriteCommand({ TransactItems: [inventory.awardItem(given.link_id, 'dist_x')] }),
    );
    expect(await inventory.remove(given.link_id)).toEqual({ ok: false, reason: 'handed_out' });
    expect((await inventory.get(given.link_id))?.is_available).toBe('false');
  });
});
