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

  it('removes a member once', async () => {
    const { members } = storage.services;
    await members.add(newMember('100000000000000003'));
    expect((await members.remove('100000000000000003'))?.discord_id).toBe('100000000000000003');
    expect(await members.remove('100000000000000003')).toBeUndefined();
    expect(await members.get('100000000000000003')).toBeUndefined();
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
