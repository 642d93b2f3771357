/**
 * What the services write is what src/db/entities.ts declares: a small run of the bot's work
 * (roster, wants, stock, lists, draws rerolled, cancelled and confirmed, a revert, a delivery, an
 * event, a debt, sign-outs), then every item of the four tables is checked against its
 * declaration: each is a declared entity, holds no undeclared or legacy attribute, and departs
 * from it in nothing.
 */
import { ENTITIES, entityOf } from '../../src/db/entities';
import { faults, undeclaredAttributes } from '../../src/db/entity';
import { scanAll } from '../../src/db/requests';
import { TABLE_KINDS, TABLES } from '../../src/db/schema';
import { TestClock } from '../support/clock';
import { createTestStorage, type TestStorage } from '../support/dynamo';
import { seedAward, seedLink, seedMember } from '../support/fixtures';

let storage: TestStorage;
const clock = new TestClock();
beforeAll(async () => (storage = await createTestStorage(undefined, clock)));
afterAll(() => storage?.close());

describe('the items the services write', () => {
  it('are each a declared entity, with only declared attributes of their declared types', async () => {
    const s = storage.services;
    const [ann, ben, cat] = [
      await seedMember(s, { username: 'ann', join_date: clock.daysAgo(400), is_officer: true }),
      await seedMember(s, { username: 'ben', join_date: clock.daysAgo(300) }),
      await seedMember(s, { username: 'cat', join_date: clock.daysAgo(200) }),
    ];
    expect((await s.wants.add(ben.discord_id, 'Damage on Ships')).ok).toBe(true);
    await s.members.setAway(cat.discord_id, clock.daysAgo(-3));
    await seedLink(s, 'gold', 'Damage on Ships', 4);
    await seedLink(s, 'silver', 'Melee Accuracy/Defense', 1);

    // A list, and an award from it.
    const list = await s.lists.create({ list_name: 'Gold queue', quality: 'gold', eligible_members: [ann.discord_id, ben.discord_id], created_by: ann.discord_id });
    if (!list.ok) throw new Error('list');
    const fromList = await seedAward(storage, { memberId: ben.discord_id, listId: list.list.list_id });
    expect((await s.guild.closeList(list.list.list_id, ann.discord_id)).ok).toBe(true);

    // A random draw (among ann and ben: cat is away), rerolled then cancelled; another confirmed, reverted; one delivered.
    const drawn = await s.draws.start({ quality: 'gold', by: ann.discord_id, method: 'discord' });
    if (!drawn.ok) throw new Error(`draw: ${drawn.reason}`);
    await s.draws.setMessage(drawn.draw.distribution_id, '1', '2');
    const rerolled = await s.draws.reroll(drawn.draw.distribution_id, ann.discord_id, drawn.draw.version, 'test');
    expect(rerolled.ok).toBe(true);
    expect((await s.draws.cancel(drawn.draw.distribution_id, ann.discord_id, 'test')).ok).toBe(true);
    const reverted = await seedAward(storage, { memberId: ann.discord_id });
    expect((await s.awards.revertDistribution(reverted.distribution_id, ann.discord_id, 'test')).ok).toBe(true);
    expect((await s.awards.markDelivered(fromList.distribution_id, ann.discord_id, 'test')).ok).toBe(true);
    await s.awards.claimReminder(clock.daysAgo(0));
    await s.draws.expireOverdue();

    // An event checked into and closed; a debt owed; sign-outs of a member and a guest.
    const event = await s.events.start({ kind: 'boss', name: 'Boss night', by: ann.discord_id });
    if (!event.ok) throw new Error('event');
    await s.events.setMessage(event.event.event_id, '1', '3');
    await s.events.checkIn(event.event.event_id, ben.discord_id);
    expect((await s.events.close(event.event.event_id, ann.discord_id)).ok).toBe(true);
    expect((await s.guild.owe({ memberId: cat.discord_id, quality: 'silver', reason: 'missed a draw', by: ann.discord_id })).ok).toBe(true);
    await s.sessions.signOut(ann.discord_id, await s.sessions.standing(ann.discord_id));
    await s.sessions.signOut('999', await s.sessions.standing('999'));

    const seen = new Set<string>();
    for (const table of TABLE_KINDS) {
      const items = await scanAll(storage.db, { TableName: storage.tables[table], ConsistentRead: true }, { maxPages: 20 });
      for (const item of items) {
        const id = String(item[TABLES[table].hashKey]);
        const entity = entityOf(table, item);
        expect({ table, id, entity: entity?.name }).toEqual({ table, id, entity: expect.any(String) });
        if (!entity) continue;
        seen.add(entity.name);
        const legacyHeld = Object.keys(item).filter((name) => entity.attributes[name]?.legacy);
        expect({ id, undeclared: undeclaredAttributes(entity, item), legacy: legacyHeld, faults: faults(entity, item) }).toEqual({ id, undeclared: [], legacy: [], faults: [] });
      }
    }
    // The run wrote every kind of item but an active list's guard (the list was closed).
    expect([...seen].sort()).toEqual(ENTITIES.map((e) => e.name).filter((n) => n !== 'active-list guard').sort());
  });
});
