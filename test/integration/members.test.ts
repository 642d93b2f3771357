import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createTestStorage, type TestStorage } from '../support/dynamo';

let storage: TestStorage;
beforeAll(async () => (storage = await createTestStorage()));
afterAll(() => storage.close());

const newMember = (id: string, extra: Partial<{ join_date: string; is_officer: boolean }> = {}) => ({
  discord_id: id,
  username: `user${id}`,
  join_date: '2026-01-01',
  is_officer: false,
  added_by: '999',
  ...extra,
});

describe('members service', () => {
  it('adds a member once, with zeroed counters; a second add says they exist', async () => {
    const { members } = storage.services;
    const added = await members.add(newMember('100000000000000001'));
    expect(added).toMatchObject({ ok: true, member: { counters: { links_received: 0 }, is_officer: false, join_date: '2026-01-01' } });
    expect(await members.add(newMember('100000000000000001'))).toEqual({ ok: false, reason: 'exists' });
    expect((await members.get('100000000000000001'))?.username).toBe('user100000000000000001');
    expect(await members.get('100000000000000404')).toBeUndefined();
  });

  it('promotes, demotes, marks away and clears it; unknown members come back undefined', async () => {
    const { members } = storage.services;
    await members.add(newMember('100000000000000002'));
    expect((await members.setOfficer('100000000000000002', true))?.is_officer).toBe(true);
    expect((await members.setOfficer('100000000000000002', false))?.is_officer).toBe(false);
    expect((await members.setAway('100000000000000002', '2026-12-31'))?.away_until).toBe('2026-12-31');
    expect((await members.setAway('100000000000000002', null))?.away_until).toBeUndefined();
    expect(await members.setOfficer('100000000000000405', true)).toBeUndefined();
    expect(await members.get('100000000000000405')).toBeUndefined();
  });

  it('removes a member once, uncounting their wants', async () => {
    const { members, wants } = storage.services;
    await members.add(newMember('100000000000000003'));
    await wants.add('100000000000000003', 'Melee Damage');
    expect((await wants.counts(['Melee Damage'])).get('Melee Damage')).toBe(1);
    expect((await wants.removeMember('100000000000000003'))?.discord_id).toBe('100000000000000003');
    expect(await wants.removeMember('100000000000000003')).toBeUndefined();
    expect(await members.get('100000000000000003')).toBeUndefined();
    expect((await wants.counts(['Melee Damage'])).get('Melee Damage')).toBe(0);
  });

  it('keeps at most 10 wants, once each, counted per link type even when added at once', async () => {
    const { members, wants } = storage.services;
    await members.add(newMember('100000000000000006'));
    const types = ['Melee Damage', 'Melee Accuracy', 'Melee Defense', 'Spell Damage', 'Meditation Rate', 'Damage on Ships', 'Ship Cannon Damage', 'Crewmember Damage', 'Follower Damage', 'Cavernam Damage', 'Inferno Damage', 'Aegis Keep Damage'];
    const results = await Promise.all(types.map((t) => wants.add('100000000000000006', t)));
    expect(results.filter((r) => r.ok)).toHaveLength(10);
    expect(results.filter((r) => !r.ok && (r.reason === 'full' || r.reason === 'busy')).length).toBe(2);
    expect((await members.get('100000000000000006', true))?.wants).toHaveLength(10);
    const kept = (await members.get('100000000000000006', true))!.wants;
    expect(await wants.add('100000000000000006', kept[0])).toEqual({ ok: false, reason: 'already' });
    expect(await wants.remove('100000000000000006', kept[0])).toMatchObject({ ok: true });
    expect(await wants.remove('100000000000000006', kept[0])).toEqual({ ok: false, reason: 'not_wanted' });
    expect(await wants.add('100000000000000404', 'Melee Damage')).toEqual({ ok: false, reason: 'not_found' });
    const counts = await wants.counts(types);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(9);
  });

  it('pages through the roster with opaque cursors', async () => {
    const { members } = storage.services;
    for (let i = 10; i < 25; i++) await members.add(newMember(`1000000000000000${i}`));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await members.list({ limit: 4, cursor });
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((m) => m.discord_id));
      cursor = page.cursor;
      pages++;
    } while (cursor && pages < 20);
    const all = await members.listAll();
    expect(new Set(seen)).toEqual(new Set(all.map((m) => m.discord_id)));
    expect(seen).toHaveLength(all.length);
    expect(all.length).toBeGreaterThanOrEqual(17);
  });
});

describe('wants before any was counted', () => {
  let fresh: TestStorage;
  beforeAll(async () => (fresh = await createTestStorage()));
  afterAll(() => fresh.close());

  it('refuses a remove without writing anything, and removes a want written elsewhere', async () => {
    const { members, wants } = fresh.services;
    await members.add(newMember('100000000000000101'));
    const marker = () => fresh.db.send(new GetCommand({ TableName: fresh.tables.distributions, Key: { distribution_id: '#wants' }, ConsistentRead: true }));
    expect(await wants.remove('100000000000000101', 'Melee Damage')).toEqual({ ok: false, reason: 'not_wanted' });
    expect(await wants.remove('100000000000000404', 'Melee Damage')).toEqual({ ok: false, reason: 'not_found' });
    expect((await marker()).Item).toBeUndefined();
    // As a restore of the members table alone leaves it: a want with no counts beside it.
    await fresh.db.send(new UpdateCommand({ TableName: fresh.tables.members, Key: { discord_id: '100000000000000101' }, UpdateExpression: 'ADD wants :t', ExpressionAttributeValues: { ':t': new Set(['Melee Damage']) } }));
    expect(await wants.remove('100000000000000101', 'Melee Damage')).toMatchObject({ ok: true, member: { wants: [] } });
    expect((await marker()).Item).toBeUndefined();
  });
});
