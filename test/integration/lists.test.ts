import { createTestStorage, type TestStorage } from '../support/dynamo';
import { eventually } from '../support/eventually';

let storage: TestStorage;
beforeAll(async () => (storage = await createTestStorage(undefined, undefined, { awsRules: true })));
afterAll(() => storage.close());

describe('lists service', () => {
  it('keeps one active list per quality, even when two officers create at once', async () => {
    const { lists } = storage.services;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => lists.create({ list_name: `Gold ${i}`, quality: 'gold', eligible_members: ['1', '2'], created_by: 'o' })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'active_exists')).toBe(true);
    // The active lists are read through an index, which shows a write only after a while.
    const active = await eventually(() => lists.listActive('gold'), (found) => found.length > 0);
    expect(active).toHaveLength(1);
    expect(active[0].eligible_members).toEqual(['1', '2']);
    expect(active[0].winners).toEqual([]);

    // Another quality is independent.
    expect((await lists.create({ list_name: 'Silver', quality: 'silver', eligible_members: [], created_by: 'o' })).ok).toBe(true);
    expect(await eventually(() => lists.listActive(), (found) => found.length >= 2)).toHaveLength(2);
  });

  it('adds and removes members, refusing duplicates and strangers', async () => {
    const { lists } = storage.services;
    const silver = (await eventually(() => lists.findActive('silver'), Boolean))!;
    expect(silver.eligible_members).toEqual([]);
    const added = await lists.addMember(silver.list_id, '7');
    expect(added.ok && added.list.eligible_members).toEqual(['7']);
    expect(await lists.addMember(silver.list_id, '7')).toEqual({ ok: false, reason: 'already_in' });
    expect(await lists.removeMember(silver.list_id, '8')).toEqual({ ok: false, reason: 'not_in' });
    const removed = await lists.removeMember(silver.list_id, '7');
    expect(removed.ok && removed.list.eligible_members).toEqual([]);
    expect(await lists.addMember('list_missing', '7')).toEqual({ ok: false, reason: 'not_found' });
  });

  it('closes a list once, after which it takes no changes and a new one may be created', async () => {
    const { lists } = storage.services;
    const gold = (await eventually(() => lists.findActive('gold'), Boolean))!;
    expect((await lists.close(gold.list_id)).ok).toBe(true);
    expect(await lists.close(gold.list_id)).toEqual({ ok: false, reason: 'closed' });
    expect(await lists.addMember(gold.list_id, '9')).toEqual({ ok: false, reason: 'closed' });
    expect((await lists.get(gold.list_id, true))?.is_active).toBe('false');
    expect(await eventually(() => lists.findActive('gold'), (found) => found === undefined)).toBeUndefined();
    expect((await lists.create({ list_name: 'Gold again', quality: 'gold', eligible_members: [], created_by: 'o' })).ok).toBe(true);
    expect(await lists.get('active-guard#gold', true)).toBeUndefined();
  });
});
