import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isLinkHistory, kindOf, legacyAwardId, migratedLinkId, migrateItem } from '../../src/migration/legacy-items';
import { singleTable, type RawItem } from '../support/legacy-fixtures';

const NOW = new Date('2026-11-01T12:00:00.000Z');
/** The single table at 9abbdbc, as the document client reads it. */
const PEOPLE = { fiona: '300000000000000001', gus: '300000000000000002', hana: '300000000000000003', ivan: '300000000000000004', juno: '300000000000000005' };
const SINGLE = singleTable(PEOPLE, NOW);
const doc = (item: RawItem) => unmarshall(item) as Record<string, unknown>;
const itemOf = (id: string) => doc(SINGLE.items.find((i) => i.discord_id.S === id)!);

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

  it('tell the single table’s (9abbdbc) members and link-history items apart', () => {
    expect(kindOf(itemOf(PEOPLE.fiona))).toBe('members');
    expect(kindOf(itemOf(PEOPLE.ivan))).toBe('distributions');
    expect(isLinkHistory(itemOf(PEOPLE.ivan))).toBe(true);
    expect(isLinkHistory({ discord_id: 'd', member_id: '1', link_id: 'x', distributed_at: '2025-01-01', date_received: 'x' })).toBe(false);
  });

  it('turn a 9abbdbc member into a roster item, keeping characters and attendance, with no counters', () => {
    const fiona = itemOf(PEOPLE.fiona);
    const result = migrateItem(fiona, NOW);
    expect(result).toEqual({
      ok: true,
      kind: 'members',
      key: PEOPLE.fiona,
      item: {
        discord_id: PEOPLE.fiona,
        username: 'fiona',
        join_date: String(fiona.guild_join_date).slice(0, 10),
        is_officer: true,
        // Kept: admin and officer are both officers here, but the role says which.
        role: 'admin',
        character_names: ['Fiona the Bold', 'Fi'],
        weekly_boss_participation: true,
        omni_participation_dates: fiona.omni_participation_dates,
        omni_absence_count: 1,
        compensation_owed: false,
        last_omni_participation: fiona.last_omni_participation,
        added_by: 'migration',
        added_date: fiona.created_at,
        updated_at: fiona.updated_at,
        // What the attendance fields stand for, beside them (docs/attendance.md): two omni events and
        // the week's boss attended, one miss since the last.
        attended: {
          ...Object.fromEntries((fiona.omni_participation_dates as string[]).map((d) => [`legacy-omni#${new Date(d).toISOString()}`, { kind: 'omni', at: new Date(d).toISOString() }])),
          [`legacy-boss#${new Date(String(fiona.updated_at)).toISOString()}`]: { kind: 'boss', at: new Date(String(fiona.updated_at)).toISOString() },
        },
        missed: { 'legacy-omni-miss#1': new Date(Date.parse(String(fiona.last_omni_participation)) + 1).toISOString() },
        last_attended_at: new Date(String(fiona.last_omni_participation)).toISOString(),
      },
    });
    expect((fiona.omni_participation_dates as string[]).length).toBe(2);
  });

  it('read a 9abbdbc join date in its own zone as its UTC day, roles as officer or not, and keep a nil attendance list', () => {
    const gus = itemOf(PEOPLE.gus);
    expect(gus.guild_join_date).toMatch(/T06:00:17\.123\+02:00$/);
    const result = migrateItem(gus, NOW);
    expect(result.ok && result.item).toMatchObject({ join_date: String(gus.guild_join_date).slice(0, 10), is_officer: true, role: 'officer', omni_participation_dates: [], compensation_owed: true });
    // Owed compensation, of no quality the old data names: a debt of any quality.
    expect(result.ok && result.item.debts).toEqual({ any: { reason: 'owed by the previous system (its data names no quality)', since: new Date(String(gus.updated_at)).toISOString(), by: 'migration' } });
    expect(Object.keys((result.ok && (result.item.missed as object)) || {})).toHaveLength(3);
    const hana = migrateItem(itemOf(PEOPLE.hana), NOW);
    expect(hana.ok && hana.item).toMatchObject({ is_officer: false, role: 'user', character_names: [], omni_participation_dates: null });
    expect(hana.ok && 'last_omni_participation' in hana.item).toBe(false);
  });

  it('turn a link-history item into a confirmed award of its member, under a stable id, keeping the original', () => {
    const ivan = itemOf(PEOPLE.ivan);
    const result = migrateItem(ivan, NOW);
    const id = legacyAwardId(ivan);
    expect(id).toMatch(/^legacy_[0-9a-f]{20}$/);
    expect(legacyAwardId({ ...ivan })).toBe(id);
    expect(legacyAwardId({ ...ivan, date_received: SINGLE.linkHistory[1].stored })).not.toBe(id);
    expect(result).toEqual({
      ok: true,
      kind: 'distributions',
      key: id,
      item: {
        distribution_id: id,
        status: 'confirmed',
        member_id: PEOPLE.ivan,
        member_username: 'ivan',
        // Its notes name a catalog link exactly.
        link_type: 'Damage on Ships',
        quality: 'gold',
        bonus: '4.50%',
        method: 'discord',
        distributed_by: 'migration',
        distributed_at: SINGLE.linkHistory[0].at,
        distribution_date: SINGLE.linkHistory[0].at.slice(0, 10),
        notes: `imported from the old single table's link history (${String(ivan.link_id)})`,
        legacy: ivan,
      },
    });
    expect(result.ok && 'link_id' in result.item).toBe(false);
    const juno = migrateItem(itemOf(PEOPLE.juno), NOW);
    expect(juno.ok && juno.item).toMatchObject({ link_type: 'unknown', bonus: '', quality: 'silver', distributed_at: SINGLE.linkHistory[1].at });
  });

  it('drop the stale rank and eligibility the previous system stored on members', () => {
    const result = migrateItem(
      { discord_id: '123456789012345678', username: 'x', join_date: '2025-05-10T14:30:00.123456789+02:00', rank: 'Sage', silver_eligible: true, gold_eligible: true, days_in_guild: 400, is_officer: false },
      NOW,
    );
    expect(result.ok && result.item).toMatchObject({ join_date: '2025-05-10' });
    for (const stale of ['rank', 'silver_eligible', 'gold_eligible', 'days_in_guild', 'links_received']) expect(result.ok && stale in result.item).toBe(false);
  });

  it.each([
    [{ discord_id: 'settings', prefix: '!' }, 'not a member, link, distribution or list'],
    [{ discord_id: '123456789012345678', link_id: 'x', link_type: 'platinum', date_received: '2025-01-01T00:00:00Z' }, 'has link_type "platinum", not silver or gold'],
    [{ discord_id: '123456789012345678', link_id: 'x', link_type: 'gold', date_received: '0001-01-01T00:00:00Z' }, 'has no valid date_received'],
    [{ discord_id: '123456789012345678', guild_join_date: '0001-01-01T00:00:00Z' }, 'member 123456789012345678 has no valid guild_join_date'],
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
