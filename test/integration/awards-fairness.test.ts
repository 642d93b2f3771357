/**
 * What an award does to a member's standing in later draws: `longest` reads the last link
 * whenever it was, an award fulfils a want, a member served from a list cannot wait on it again,
 * and members brought over from elsewhere keep the award logs the policies read.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { checkData } from '../../src/checks/run';
import type { Clock } from '../../src/domain/clock';
import { createTestStorage, type TestStorage } from '../support/dynamo';
import { seedAward, seedLink, seedMember } from '../support/fixtures';

let storage: TestStorage;
const now = new Date(Date.UTC(2026, 10, 20, 12));
const clock: Clock = { now: () => now };
beforeEach(async () => (storage = await createTestStorage(undefined, clock, { awsRules: true })));
afterEach(() => storage.close());

const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);

describe('policy longest', () => {
  it('has no window: members last served 400 and 200 days ago rank after one never served, and the record says when', async () => {
    const { services } = storage;
    const [long, recent, never] = [await seedMember(services), await seedMember(services), await seedMember(services)];
    await seedLink(services, 'gold', 'Damage on Ships', 3 + 5);
    await seedAward(storage, { memberId: long.discord_id, at: daysAgo(400) });
    await seedAward(storage, { memberId: recent.discord_id, at: daysAgo(200) });
    for (let i = 0; i < 4; i++) {
      const started = await services.draws.start({ quality: 'gold', policy: 'longest', by: 'officer', method: 'discord' });
      if (!started.ok) throw new Error(started.reason);
      expect(started.draw.winner_id).toBe(never.discord_id);
      const { figures } = await services.draws.pools.read(started.draw.distribution_id, started.draw.pool_chunks!);
      expect(figures.get(long.discord_id)).toEqual({ count: 0, last: daysAgo(400).toISOString() });
      expect(figures.get(recent.discord_id)).toMatchObject({ last: daysAgo(200).toISOString() });
      expect(figures.get(never.discord_id)).toEqual({ count: 0 });
      // Reroll: the one served longest ago comes next.
      const rerolled = await services.draws.reroll(started.draw.distribution_id, 'officer', started.draw.version, 'test');
      expect(rerolled).toMatchObject({ ok: true, draw: { winner_id: long.discord_id } });
      await services.draws.cancel(started.draw.distribution_id, 'officer', 'test');
    }
  });
});

describe('wants', () => {
  it('an award of a wanted type fulfils the want: it leaves the winner’s wants and the count, in the award', async () => {
    const { services } = storage;
    const member = await seedMember(services);
    await services.wants.add(member.discord_id, 'Damage on Ships');
    await services.wants.add(member.discord_id, 'Ship Cannon Damage');
    expect((await services.wants.counts(['Damage on Ships'])).get('Damage on Ships')).toBe(1);
    await seedLink(services, 'gold', 'Damage on Ships');
    await seedAward(storage, { memberId: member.discord_id, linkType: 'Damage on Ships' });
    expect((await services.members.get(member.discord_id, true))?.wants).toEqual(['Ship Cannon Damage']);
    expect(await services.wants.counts(['Damage on Ships', 'Ship Cannon Damage'])).toEqual(
      new Map([
        ['Damage on Ships', 0],
        ['Ship Cannon Damage', 1],
      ]),
    );
  });
});

describe('lists', () => {
  it('/list add refuses a member already served from the list; an award and an add at once never leave them both waiting and served', async () => {
    const { services } = storage;
    const [a, b] = [await seedMember(services), await seedMember(services)];
    await seedLink(services, 'gold', 'Damage on Ships', 2);
    const created = await services.lists.create({ list_name: 'Gold', quality: 'gold', eligible_members: [a.discord_id, b.discord_id], created_by: 'o' });
    if (!created.ok) throw new Error('list');
    const listId = created.list.list_id;
    await seedAward(storage, { memberId: a.discord_id, listId });
    expect(await services.lists.addMember(listId, a.discord_id)).toEqual({ ok: false, reason: 'already_served' });
    expect(await services.guild.addToList(listId, a.discord_id)).toMatchObject({ ok: false, reason: 'already_served' });

    // An officer puts b on the list again while an award to b from it is being made.
    const started = await services.draws.start({ quality: 'gold', memberId: b.discord_id, listId, by: 'o', method: 'discord' });
    if (!started.ok) throw new Error(started.reason);
    await Promise.all([services.draws.confirm(started.draw.distribution_id, 'o', started.draw.version, 'test'), services.lists.addMember(listId, b.discord_id)]);
    const list = await services.lists.get(listId, true);
    expect(list?.eligible_members.filter((id) => list.winners.includes(id))).toEqual([]);
  });
});

describe('award logs of members brought over', () => {
  it('check:data --fix adds the award log a member keeping counters lacks, and longest then sees their last link', async () => {
    const { services } = storage;
    const [served, never] = [await seedMember(services), await seedMember(services)];
    await seedLink(services, 'gold', 'Damage on Ships', 2);
    const award = await seedAward(storage, { memberId: served.discord_id, at: daysAgo(300) });
    // As migrate:legacy left members: a count, no log.
    await storage.db.send(new UpdateCommand({ TableName: storage.tables.members, Key: { discord_id: served.discord_id }, UpdateExpression: 'REMOVE awards_gold' }));
    const dry = await checkData({ db: storage.db, tables: storage.tables, membersInLegacyTable: false, fix: false });
    expect(dry.progress.counts.members.fixed).toBe(1);
    await checkData({ db: storage.db, tables: storage.tables, membersInLegacyTable: false, fix: true });
    expect((await services.members.get(served.discord_id, true))?.counters?.awards.gold).toEqual([{ id: award.distribution_id, at: award.distributed_at }]);
    const started = await services.draws.start({ quality: 'gold', policy: 'longest', by: 'o', method: 'discord' });
    expect(started).toMatchObject({ ok: true, draw: { winner_id: never.discord_id } });
    // A second run finds nothing to add.
    const again = await checkData({ db: storage.db, tables: storage.tables, membersInLegacyTable: false, fix: true });
    expect(again.progress.counts.members.fixed).toBe(0);
  });
});
