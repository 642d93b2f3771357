import { kindOf, migratedLinkId, migrateItem } from '../../src/migration/legacy-items';

const NOW = new Date('2026-11-01T12:00:00.000Z');

describe('legacy items', () => {
  it('are told apart by their marker, else by the attributes only one kind has', () => {
    expect(kindOf({ discord_id: '1', item_type: 'link', join_date: '2025-01-01' })).toBe('inventory');
    expect(kindOf({ discord_id: '1', join_date: '2025-01-01' })).toBe('members');
    expect(kindOf({ discord_id: 'x', link_type: 'Damage on Ships', quality: 'gold' })).toBe('inventory');
    expect(kindOf({ discord_id: 'x', member_id: '1', distributed_at: '2025-01-01T00:00:00Z', link_type: 'a', quality: 'gold' })).toBe('distributions');
    expect(kindOf({ discord_id: 'x', list_name: 'Gold', quality: 'gold' })).toBe('lists');
    expect(kindOf({ discord_id: 'settings', prefix: '!' })).toBeUndefined();
  });

  it('re-key link ids with spaces to safe, stable, distinct ids, and keep ids that are already safe', () => {
    const spaced = migratedLinkId('gold_Damage on Ships_1700000000000', 'gold', 'Damage on Ships');
    expect(spaced).toMatch(/^gold_Damage_on_Ships_[0-9a-f]{16}$/);
    expect(migratedLinkId('gold_Damage on Ships_1700000000000', 'gold', 'Damage on Ships')).toBe(spaced);
    // Two old ids that differ only in an unsafe character must not collapse into one.
    expect(migratedLinkId('gold_Damage_on Ships_1700000000000', 'gold', 'Damage on Ships')).not.toBe(spaced);
    expect(migratedLinkId('silver_Melee Accuracy/Defense 3%', 'silver', 'Melee Accuracy/Defense')).toMatch(/^silver_Melee_Accuracy_Defense_[0-9a-f]{16}$/);
    expect(migratedLinkId('gold_Damage_on_Ships_abc123', 'gold', 'Damage on Ships')).toBe('gold_Damage_on_Ships_abc123');
  });

  it('turn a member into a roster item with counters and without a stored rank', () => {
    const result = migrateItem(
      { discord_id: '123456789012345678', username: 'Anna', join_date: '2024-03-05T10:00:00Z', is_officer: 'true', links_received: '2', rank: 'Sage', item_type: 'member' },
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      kind: 'members',
      key: '123456789012345678',
      item: {
        discord_id: '123456789012345678',
        username: 'Anna',
        join_date: '2024-03-05',
        is_officer: true,
        added_by: 'migration',
        added_date: NOW.toISOString(),
        updated_at: NOW.toISOString(),
        links_received: 2,
      },
    });
  });

  it('turn a link into an inventory item under its new id, with catalog name, category and bonus', () => {
    const result = migrateItem({ discord_id: 'gold_damage on ships_17', link_type: 'damage on ships', quality: 'Gold', distribution_id: 'd1' }, NOW);
    expect(result.ok && result.item).toMatchObject({
      link_id: migratedLinkId('gold_damage on ships_17', 'gold', 'Damage on Ships'),
      legacy_link_id: 'gold_damage on ships_17',
      link_type: 'Damage on Ships',
      quality: 'gold',
      category: 'Boating',
      bonus: '4.50%',
      // No availability flag, but a distribution: it was handed out.
      is_available: 'false',
      distribution_id: 'd1',
    });
    expect(result.ok && 'discord_id' in result.item).toBe(false);
  });

  it('point a distribution at the re-keyed link and derive its day', () => {
    const result = migrateItem(
      { discord_id: 'd1', member_id: '123456789012345678', link_id: 'gold_damage on ships_17', link_type: 'Damage on Ships', quality: 'gold', distributed_at: '2025-06-30T23:30:00-02:00' },
      NOW,
    );
    expect(result.ok && result.item).toMatchObject({
      distribution_id: 'd1',
      link_id: migratedLinkId('gold_damage on ships_17', 'gold', 'Damage on Ships'),
      distributed_at: '2025-07-01T01:30:00.000Z',
      distribution_date: '2025-07-01',
      status: 'confirmed',
      drawn_before: [],
      method: 'discord',
    });
  });

  it('keep list members as string sets', () => {
    const result = migrateItem({ discord_id: 'list_1', list_name: 'Gold', quality: 'gold', eligible_members: ['1', '2'], winners: new Set(['3']), is_active: false }, NOW);
    expect(result.ok && result.item).toMatchObject({ list_id: 'list_1', is_active: 'false', eligible_members: new Set(['1', '2']), winners: new Set(['3']) });
  });

  it.each([
    [{ discord_id: 'settings', prefix: '!' }, 'not a member, link, distribution or list'],
    [{ discord_id: 'bob', join_date: '2025-01-01' }, 'member key "bob" is not a Discord id'],
    [{ discord_id: '123456789012345678', join_date: '2025-02-30' }, 'member 123456789012345678 has no valid join_date'],
    [{ discord_id: 'gold x', link_type: 'Damage on Ships', quality: 'platinum' }, 'link "gold x" has quality "platinum"'],
    [{ discord_id: 'gold x', link_type: ' ', quality: 'gold' }, 'link "gold x" has no link_type'],
    [{ discord_id: 'd2', member_id: 'nobody', distributed_at: '2025-01-01T00:00:00Z', link_type: 'a', quality: 'gold' }, 'distribution d2 has member_id "nobody"'],
    [{ discord_id: 'd3', member_id: '123456789012345678', distributed_at: 'yesterday', link_type: 'a', quality: 'gold' }, 'distribution d3 has no valid distributed_at'],
    [{ discord_id: 'l1', list_name: 'L', quality: '' }, 'list l1 has quality ""'],
  ])('reject %j, saying why', (item, reason) => {
    const result = migrateItem(item, NOW);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toContain(reason);
  });
});
