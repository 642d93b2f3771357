/**
 * The declarations of src/db/entities.ts and what they give: every entity written and read back,
 * a wrong type read as absent and reported by check:data, the writer refusing what is not
 * declared, and the declarations agreeing with TABLES and with the services' ids.
 */
import { checkDistribution, checkDrawItem, checkLink, checkList, checkMember, structuralFindings } from '../../src/checks/items';
import { ENTITIES, entityOf, EVENT, GUEST_SESSIONS, HISTORY_MONTH, HISTORY_TOP, LINK, LIST, LIST_GUARD, MEMBER, OPEN_DRAWS, POOL_ITEM, WANTS_COUNTS, DISTRIBUTION, EVENTS_HEAD } from '../../src/db/entities';
import { faults, readItem, writeItem, type Attribute, type Entity, type Kind } from '../../src/db/entity';
import { TABLES, TABLE_KINDS } from '../../src/db/schema';
import { poolItemId } from '../../src/services/draw-pools';
import { EVENTS_HEAD_ID } from '../../src/services/event-items';
import { monthMarker, TOP_MARKER, WANTS_MARKER } from '../../src/services/history-index';
import { openShardId } from '../../src/services/open-draws';
import { GUEST_SESSIONS_KEY } from '../../src/services/sessions';

/** An id of each entity's key form. */
const SAMPLE_IDS: Record<string, string> = {
  member: '100000000000000001',
  'guest sessions': GUEST_SESSIONS_KEY,
  'inventory link': 'gold_Damage_on_Ships_1',
  distribution: 'dist_1',
  'pool item': poolItemId('dist_1', 0),
  'open-draw marker': openShardId(3),
  'history top marker': TOP_MARKER,
  'history month marker': monthMarker('2026-03'),
  'wants marker': WANTS_MARKER,
  list: 'list_gold_1',
  'active-list guard': 'active-guard#gold',
  event: 'event#1',
  'events head': EVENTS_HEAD_ID,
};

const kinds = (a: Attribute): readonly Kind[] => (typeof a.type === 'string' ? [a.type] : a.type);
/** A value of an attribute's own (first) type, within its bound. */
function sample(a: Attribute): unknown {
  switch (kinds(a)[0]) {
    case 'S':
      return 'x';
    case 'N':
      return 2;
    case 'BOOL':
      return true;
    case 'SB':
      return 'false';
    case 'SS':
      return new Set(['a', 'b']);
    case 'L':
      return ['a', 'b'];
    case 'M':
      return { a: { count: 1 } };
  }
}
/** A value of none of an attribute's types (nor the forms it also reads). */
function wrong(a: Attribute): unknown {
  const all = [...kinds(a), ...(a.also ?? [])];
  if (!all.includes('N')) return 7;
  if (!all.includes('S')) return 'seven';
  return new Map([['seven', 7]]);
}
/** Every attribute FlavaFlav writes, each with a sample value. */
function fullItem(entity: Entity): Record<string, unknown> {
  const item: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(entity.attributes)) if (!a.legacy) item[name] = sample(a);
  item[entity.key.attribute] = SAMPLE_IDS[entity.name];
  return item;
}
const eachEntity = ENTITIES.map((e) => [e.name, e] as const);

describe('the entity declarations', () => {
  it('declare every entity once, each with a sample id of its key form', () => {
    expect(new Set(ENTITIES.map((e) => e.name)).size).toBe(ENTITIES.length);
    expect(Object.keys(SAMPLE_IDS).sort()).toEqual(ENTITIES.map((e) => e.name).sort());
    for (const kind of TABLE_KINDS) expect(ENTITIES.some((e) => e.table === kind)).toBe(true);
  });

  it.each(eachEntity)('%s: its key is its table’s key, a required string', (_, entity) => {
    expect(entity.key.attribute).toBe(TABLES[entity.table].hashKey);
    expect(entity.attributes[entity.key.attribute]).toEqual({ type: 'S', required: true });
    expect(entity.key.matches(SAMPLE_IDS[entity.name])).toBe(true);
    // The id says which entity an item is.
    expect(entityOf(entity.table, { [entity.key.attribute]: SAMPLE_IDS[entity.name] })).toBe(entity);
  });

  it('declare every index key as a string (or a string boolean) of the entities in that index, and no marker carries one', () => {
    const indexed: Record<string, Entity> = { inventory: LINK, distributions: DISTRIBUTION, lists: LIST };
    for (const kind of TABLE_KINDS) {
      for (const index of TABLES[kind].indexes) {
        for (const name of [index.hashKey, index.rangeKey]) {
          expect(['S', 'SB']).toContain(indexed[kind].attributes[name]?.type);
          // Markers, pool items, guards and events are in no index: they carry none of its keys.
          for (const other of ENTITIES.filter((e) => e.table === kind && e !== indexed[kind])) expect(other.attributes[name]).toBeUndefined();
        }
      }
    }
    expect(LINK.attributes.is_available.type).toBe('SB');
    expect(LIST.attributes.is_active.type).toBe('SB');
  });

  it('tell the members table’s items and the lists table’s items apart by key', () => {
    expect(entityOf('members', { discord_id: GUEST_SESSIONS_KEY })).toBe(GUEST_SESSIONS);
    expect(entityOf('members', { discord_id: '123' })).toBe(MEMBER);
    expect(entityOf('lists', { list_id: 'active-guard#silver' })).toBe(LIST_GUARD);
    expect(entityOf('lists', { list_id: 'event#abc' })).toBe(EVENT);
    expect(entityOf('lists', { list_id: EVENTS_HEAD_ID })).toBe(EVENTS_HEAD);
    expect(entityOf('lists', { list_id: 'list_20250101120000' })).toBe(LIST);
    expect(entityOf('distributions', { distribution_id: '#history' })).toBe(HISTORY_TOP);
    expect(entityOf('distributions', { distribution_id: '#history#2026-03' })).toBe(HISTORY_MONTH);
    expect(entityOf('distributions', { distribution_id: '#wants' })).toBe(WANTS_COUNTS);
    expect(entityOf('distributions', { distribution_id: '#open#15' })).toBe(OPEN_DRAWS);
    expect(entityOf('distributions', { distribution_id: '#pool#dist_a#2' })).toBe(POOL_ITEM);
    expect(entityOf('distributions', { distribution_id: '#something' })).toBeUndefined();
  });
});

describe('writing and reading through a declaration', () => {
  it.each(eachEntity)('%s: every attribute written is read back as written', (_, entity) => {
    const item = writeItem(entity, fullItem(entity) as never);
    expect(item).toEqual(fullItem(entity));
    expect(readItem(entity, item)).toEqual(item);
    expect(faults(entity, item)).toEqual([]);
  });

  it.each(eachEntity)('%s: an attribute of another type reads as absent, and check:data reports it', (_, entity) => {
    for (const [name, a] of Object.entries(entity.attributes)) {
      if (name === entity.key.attribute) continue;
      const item = { ...fullItem(entity), [name]: wrong(a) };
      expect(readItem(entity, item)).not.toHaveProperty(name);
      expect(faults(entity, item)).toEqual([expect.objectContaining({ attribute: name, fault: 'type', value: wrong(a) })]);
      expect(structuralFindings(entity, item)).toEqual([expect.stringMatching(new RegExp(`^${name} .*\\bnot\\b.*; left as is$`))]);
      expect(() => writeItem(entity, item as never)).toThrow(TypeError);
    }
  });

  it('encodes string booleans, drops undefined and empty sets, keeps the value’s order', () => {
    const link = { link_id: 'gold_x_1', link_type: 'Damage on Ships', quality: 'gold', category: 'c', bonus: 'b', is_available: true, added_by: '1', added_date: '2026-01-01T00:00:00.000Z', notes: undefined };
    const item = writeItem(LINK, link);
    expect(item.is_available).toBe('true');
    expect(Object.keys(item)).toEqual(['link_id', 'link_type', 'quality', 'category', 'bonus', 'is_available', 'added_by', 'added_date']);
    const list = writeItem(LIST, { list_id: 'list_gold_1', list_name: 'Gold', quality: 'gold', is_active: false, eligible_members: new Set(['1']), winners: new Set() });
    expect(list).toEqual({ list_id: 'list_gold_1', list_name: 'Gold', quality: 'gold', is_active: 'false', eligible_members: new Set(['1']) });
  });

  it('refuses, as a bug, what the declaration does not allow', () => {
    const event = { list_id: 'event#1', record_type: 'event', kind: 'boss', started_by: '1', started_at: 't', closes_at: 't', status: 'open', earlier: [], version: 1 };
    expect(() => writeItem(EVENT, event)).not.toThrow();
    expect(() => writeItem(EVENT, { ...event, colour: 'red' } as never)).toThrow('colour is not one of its attributes');
    expect(() => writeItem(EVENT, { ...event, version: undefined } as never)).toThrow('version is missing');
    expect(() => writeItem(EVENT, { ...event, list_id: 'list_1' })).toThrow('its list_id is not event#<uuid>');
    expect(() => writeItem(EVENT, { ...event, earlier: Array.from({ length: 11 }, String) })).toThrow('earlier holds 11 (at most 10)');
    expect(() => writeItem(EVENT, { ...event, earlier: [1] } as never)).toThrow('earlier is a list, not a list of strings');
    // The previous system's attributes are read, never written.
    expect(() => writeItem(MEMBER, { discord_id: '1', guild_join_date: '2020-01-01' } as never)).toThrow('guild_join_date is not one of its attributes');
    expect(readItem(MEMBER, { discord_id: '1', guild_join_date: '2020-01-01' })).toEqual({ discord_id: '1', guild_join_date: '2020-01-01' });
  });

  it('finds a required attribute missing (NULL counts as missing) and a bound exceeded, not an undeclared attribute', () => {
    const event = { list_id: 'event#1', record_type: 'event', kind: 'boss', started_by: '1', started_at: 't', closes_at: 't', status: 'open', earlier: Array.from({ length: 11 }, String), version: null, colour: 'red' };
    expect(faults(EVENT, event).map((f) => [f.attribute, f.fault])).toEqual([
      ['earlier', 'bound'],
      ['version', 'missing'],
    ]);
  });

  it('reads NULL (a nil list of the previous system) and undeclared attributes as absent, and never throws', () => {
    expect(readItem(MEMBER, { discord_id: '1', omni_participation_dates: null, character_ids: ['a'] })).toEqual({ discord_id: '1' });
    expect(readItem(LINK, undefined)).toEqual({});
    expect(readItem(LIST, { list_id: 'l', eligible_members: ['1'], winners: new Set([1]) })).toEqual({ list_id: 'l', eligible_members: ['1'] });
  });
});

describe('check:data’s structural findings', () => {
  it('word a wrong type, a missing required attribute and a bound exceeded', () => {
    expect(checkLink({ link_id: 'gold_x_1', link_type: 'Damage on Ships', quality: 5, category: 'c', bonus: 'b', is_available: 'true', added_by: '1', added_date: '2026-01-01T00:00:00.000Z' }).findings).toEqual([
      'quality 5 is not a string (read as absent); left as is',
    ]);
    expect(checkLink({ link_id: 'gold_x_1', link_type: 'Damage on Ships', quality: 'gold', bonus: 'b', is_available: 'true', added_by: '1', added_date: '2026-01-01T00:00:00.000Z' }).findings).toEqual([
      'no category; left as is',
    ]);
    expect(checkList({ list_id: 'l', list_name: 'Gold', quality: 'gold', is_active: 'true', winners: ['1'] }).findings).toEqual([
      'winners is a list, not a string set: adding, removing and serving members fails; left as is',
    ]);
    expect(checkDrawItem({ distribution_id: '#open#01', open_draws: new Set(Array.from({ length: 26 }, (_, i) => `d${i}`)) })?.findings).toEqual([
      'open_draws holds 26 (at most 25); the sweep takes off those that ended',
    ]);
    expect(checkDrawItem({ distribution_id: '#open#01', open_draws: ['d1'] })?.findings).toEqual(['open_draws is a list, not a string set (read as absent); left as is']);
    expect(checkDrawItem({ distribution_id: '#pool#dist_a#0', draw_id: 'dist_a', chunk: 0 })?.findings).toEqual(['no pool: the draw reads none of these members from it; left as is']);
  });

  it('say how an unreadable value is read, when not as absent, and give no semantic finding beside it', () => {
    expect(checkMember({ discord_id: '1', username: 'x', join_date: '2025-01-01', is_officer: 'true', links_received: 0 }, { legacyTable: false }).findings).toEqual([
      "is_officer 'true' is not a boolean (read as an officer); left as is",
    ]);
    expect(checkMember({ discord_id: '1', username: 'x', join_date: 20250101, links_received: 0 }, { legacyTable: false }).findings).toEqual([
      'join_date 20250101 is not a string: the member is left out of draws; set it with /member add user join_date; left as is',
    ]);
    expect(checkMember({ discord_id: '1', username: 'x', join_date: '2025-01-01', wants: new Set(Array.from({ length: 11 }, (_, i) => String(i))) }, { legacyTable: false }).findings).toEqual([
      'wants holds 11 (at most 10); left as is',
    ]);
    const record = { distribution_id: 'd', status: 'confirmed', member_id: '1', link_id: 'l', quality: 'gold', method: 'discord', distributed_at: '2026-03-01T10:00:00.000Z', distribution_date: '2026-03-01', pool_size: 1 };
    expect(checkDistribution({ ...record, quality: 3 }).findings).toEqual(['quality 3 is not a string (read as bronze); left as is']);
    expect(checkDistribution({ ...record, version: '2' }).findings).toEqual(["version '2' is not a number (read as absent); left as is"]);
    expect(checkDistribution({ ...record, drawn_before: new Set(['1']) }).findings).toEqual(['drawn_before is a string set, not a list of strings (read as absent); left as is']);
  });
});
