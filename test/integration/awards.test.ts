import type { Distribution } from '../../src/services/distribution-record';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createTestStorage, type TestStorage } from '../support/dynamo';
import { eventually } from '../support/eventually';
import { DynamoProxy } from '../support/dynamo-proxy';
import { AWARDS_KEPT, emptyCounters } from '../../src/services/member-items';
import { seedAward, seedLink, seedMember, snowflake } from '../support/fixtures';
import { headTables, putRaw } from '../support/legacy-fixtures';

let storage: TestStorage;
beforeEach(async () => (storage = await createTestStorage(undefined, undefined, { awsRules: true })));
afterEach(() => storage.close());

const day = (d: number) => new Date(Date.UTC(2026, 10, d, 10));

describe('reverting an award', () => {
  it('keeps the record as reverted and sets last_link_at to the newest award still standing, not to its value before', async () => {
    const { services } = storage;
    const member = await seedMember(services);
    await seedLink(services, 'bronze', 'Crewmember Damage', 3);
    const a = await seedAward(storage, { memberId: member.discord_id, quality: 'bronze', at: day(1) });
    const b = await seedAward(storage, { memberId: member.discord_id, quality: 'bronze', at: day(2) });
    const c = await seedAward(storage, { memberId: member.discord_id, quality: 'bronze', at: day(3) });

    // Reverting the middle one leaves the newest standing: the old code put day 1 back.
    const reverted = await services.awards.revertDistribution(b.distribution_id, 'officer2', 'test', day(4));
    expect(reverted).toMatchObject({ ok: true, linkRestored: true, distribution: { status: 'reverted', reverted_by: 'officer2' } });
    expect((await services.members.get(member.discord_id, true))?.counters).toMatchObject({ links_received: 2, last_link_at: c.distributed_at });
    await services.awards.revertDistribution(c.distribution_id, 'officer2', 'test', day(5));
    expect((await services.members.get(member.discord_id, true))?.counters).toMatchObject({ links_received: 1, last_link_at: a.distributed_at });
    const snapshot = await services.distributions.get(b.distribution_id, true);
    expect(snapshot).toMatchObject({ status: 'reverted', reverted_at: day(4).toISOString() });

    expect(await services.awards.revertDistribution(b.distribution_id, 'officer3', 'test')).toEqual({ ok: false, reason: 'already_reverted' });
    expect(await services.distributions.get(b.distribution_id, true)).toEqual(snapshot);
    expect(await services.awards.revertDistribution('dist_missing', 'o', 'test')).toEqual({ ok: false, reason: 'not_found' });
    // Reverted awards leave the suggestions and the undelivered list (read through the date-index, which may lag).
    const suggested = await eventually(() => services.distributions.recentAwards(), (found) => found.length === 1);
    expect(suggested.map((r) => r.distribution_id)).toEqual([a.distribution_id]);
  });

  it('gives the list place back only when no other standing award from that list keeps the member among its winners', async () => {
    const { services } = storage;
    const member = await seedMember(services);
    await seedLink(services, 'gold', 'Damage on Ships', 2);
    const created = await services.lists.create({ list_name: 'Gold', quality: 'gold', eligible_members: [member.discord_id], created_by: 'o' });
    if (!created.ok) throw new Error('list');
    const listId = created.list.list_id;
    const first = await seedAward(storage, { memberId: member.discord_id, listId });
    // Put back on the list (as data written before /list add refused a member already served), and served from it again.
    await storage.db.send(new UpdateCommand({ TableName: storage.tables.lists, Key: { list_id: listId }, UpdateExpression: 'ADD eligible_members :m', ExpressionAttributeValues: { ':m': new Set([member.discord_id]) } }));
    const second = await seedAward(storage, { memberId: member.discord_id, listId });

    const one = await services.awards.revertDistribution(second.distribution_id, 'o', 'test');
    expect(one).toMatchObject({ ok: true, listPlaceRestored: false });
    expect(await services.lists.get(listId, true)).toMatchObject({ eligible_members: [], winners: [member.discord_id] });
    const both = await services.awards.revertDistribution(first.distribution_id, 'o', 'test');
    expect(both).toMatchObject({ ok: true, listPlaceRestored: true });
    expect(await services.lists.get(listId, true)).toMatchObject({ eligible_members: [member.discord_id], winners: [] });
  });

  it('20 officers reverting one award at once → one revert, 19 "already reverted", everything restored once', async () => {
    const { services } = storage;
    const member = await seedMember(services);
    const [link] = await seedLink(services, 'gold', 'Ship Cannon Damage');
    const award = await seedAward(storage, { memberId: member.discord_id });
    const reverts = await Promise.all(Array.from({ length: 20 }, () => services.awards.revertDistribution(award.distribution_id, snowflake(), 'test')));
    expect(reverts.filter((r) => r.ok)).toHaveLength(1);
    expect(reverts.filter((r) => !r.ok && r.reason === 'already_reverted')).toHaveLength(19);
    expect(await services.inventory.get(link.link_id, true)).toMatchObject({ is_available: 'true' });
    expect((await services.inventory.get(link.link_id, true))?.distribution_id).toBeUndefined();
    expect((await services.members.get(member.discord_id, true))?.counters).toMatchObject({ links_received: 0, last_link_at: undefined });
  });

  it('reverts the award of a member who has since left the roster, keeping their history', async () => {
    const { services } = storage;
    const member = await seedMember(services);
    const [link] = await seedLink(services, 'bronze');
    const award = await seedAward(storage, { memberId: member.discord_id, quality: 'bronze' });
    await services.wants.removeMember(member.discord_id);
    expect((await services.awards.revertDistribution(award.distribution_id, 'o', 'test')).ok).toBe(true);
    expect((await services.inventory.get(link.link_id, true))?.is_available).toBe('true');
    // A member's history is read through an index, which shows the revert only after a while.
    const history = await eventually(() => services.distributions.forMember(member.discord_id), (page) => page.items[0]?.status === 'reverted');
    expect(history.items[0].status).toBe('reverted');
  });
});

describe('delivery', () => {
  it('is recorded once: a second press changes nothing; a reverted award cannot be delivered', async () => {
    const { services } = storage;
    const member = await seedMember(services);
    await seedLink(services, 'gold', 'Damage on Ships', 2);
    const award = await seedAward(storage, { memberId: member.discord_id });
    const first = await services.awards.markDelivered(award.distribution_id, member.discord_id, 'test', day(10));
    expect(first).toMatchObject({ ok: true, distribution: { delivered_at: day(10).toISOString(), delivered_by: member.discord_id } });
    const second = await services.awards.markDelivered(award.distribution_id, 'officer', 'test', day(11));
    expect(second).toMatchObject({ ok: false, reason: 'already_delivered', distribution: { delivered_by: member.discord_id } });
    expect(await services.awards.undelivered()).toEqual([]);

    const other = await seedAward(storage, { memberId: member.discord_id });
    await services.awards.revertDistribution(other.distribution_id, 'o', 'test');
    expect(await services.awards.markDelivered(other.distribution_id, 'o', 'test')).toMatchObject({ ok: false, reason: 'not_an_award' });
  });
});

describe('the newest links kept on the member item', () => {
  it('follow awards and reverts, five at most, as the member history says', async () => {
    const { services } = storage;
    const member = await seedMember(services);
    await seedLink(services, 'gold', 'Damage on Ships', 7);
    const awards: Distribution[] = [];
    for (let d = 1; d <= 7; d++) awards.push(await seedAward(storage, { memberId: member.discord_id, at: day(d) }));
    await services.awards.revertDistribution(awards[5].distribution_id, 'o', 'test', day(8));
    const kept = (await services.members.get(member.discord_id, true))!.recent!;
    expect(kept.map((r) => r.id)).toEqual([...awards].reverse().slice(0, 5).map((a) => a.distribution_id));
    expect(kept.filter((r) => r.reverted).map((r) => r.id)).toEqual([awards[5].distribution_id]);
    expect(kept[0]).toEqual({ id: awards[6].distribution_id, at: day(7).toISOString(), quality: 'gold', link_type: 'Damage on Ships' });
    // The same as the history says.
    const history = await eventually(() => services.roster.history(member.discord_id), (h) => JSON.stringify(h.recent) === JSON.stringify(kept));
    expect(history.recent).toEqual(kept);
  });

  it('are started on a first award of a member the previous system wrote, from their history', async () => {
    const { services, db, tables } = storage;
    const member = await seedMember(services);
    await seedLink(services, 'gold', 'Damage on Ships', 3);
    const first = await seedAward(storage, { memberId: member.discord_id, at: day(1) });
    // As the previous system leaves a member: no counters, no newest links.
    await db.send(new UpdateCommand({ TableName: tables.members, Key: { discord_id: member.discord_id }, UpdateExpression: 'REMOVE links_received, last_link_at, awards_gold, recent_links' }));
    expect((await services.members.get(member.discord_id, true))?.recent).toBeUndefined();
    const second = await seedAward(storage, { memberId: member.discord_id, at: day(2) });
    expect((await services.members.get(member.discord_id, true))?.recent?.map((r) => r.id)).toEqual([second.distribution_id, first.distribution_id]);
  });

  it('are started from history on the first award of a member whose counters were kept before them', async () => {
    const { services, db, tables } = storage;
    const member = await seedMember(services);
    await seedLink(services, 'gold', 'Damage on Ships', 2);
    const first = await seedAward(storage, { memberId: member.discord_id, at: day(1) });
    await db.send(new UpdateCommand({ TableName: tables.members, Key: { discord_id: member.discord_id }, UpdateExpression: 'REMOVE recent_links' }));
    const second = await seedAward(storage, { memberId: member.discord_id, at: day(2) });
    const after = (await services.members.get(member.discord_id, true))!;
    expect(after.recent?.map((r) => r.id)).toEqual([second.distribution_id, first.distribution_id]);
    expect(after.counters?.links_received).toBe(2);
  });

  it('an award older than the five kept (a confirm retried long after) pushes none of them out', async () => {
    const { services, db } = storage;
    const member = await seedMember(services);
    await seedLink(services, 'gold', 'Damage on Ships', 5);
    for (let d = 2; d <= 6; d++) await seedAward(storage, { memberId: member.discord_id, at: day(d) });
    const before = (await services.members.get(member.discord_id, true))!;
    const old = { id: 'retried-award', at: day(1).toISOString(), quality: 'gold' as const, linkType: 'Damage on Ships', today: '2026-11-01', skipIfAway: false };
    await db.send(new TransactWriteCommand({ TransactItems: [services.members.awardItem(before, old)] }));
    const after = (await services.members.get(member.discord_id, true))!;
    expect(after.recent).toEqual(before.recent);
    expect(after.counters?.links_received).toBe(6);
  });

  it('two first awards at once to a member the previous system wrote: both awarded, both counted and kept', async () => {
    const { services, db, tables } = storage;
    const member = await seedMember(services);
    await seedLink(services, 'gold', 'Damage on Ships', 1);
    const first = await seedAward(storage, { memberId: member.discord_id, at: day(1) });
    await db.send(new UpdateCommand({ TableName: tables.members, Key: { discord_id: member.discord_id }, UpdateExpression: 'REMOVE links_received, last_link_at, awards_gold, recent_links' }));
    // Two links of two types: each draw hands out its own.
    const types = ['Ship Cannon Damage', 'Damage on Ships'];
    for (const type of types) await seedLink(services, 'gold', type, 1);
    const draws = await Promise.all(types.map((linkType) => services.draws.start({ quality: 'gold', linkType, memberId: member.discord_id, by: 'o', method: 'discord' })));
    const started = draws.map((d) => {
      if (!d.ok) throw new Error(`not started: ${d.reason}`);
      return d.draw;
    });
    const results = await Promise.all(started.map((d) => services.draws.confirm(d.distribution_id, 'o', d.version, 'test')));
    expect(results.map((r) => (r.outcome === 'not_awarded' ? r.reason : r.outcome))).toEqual(['awarded', 'awarded']);
    const after = (await services.members.get(member.discord_id, true))!;
    expect(after.counters?.links_received).toBe(3);
    expect(new Set(after.recent?.map((r) => r.id))).toEqual(new Set([first.distribution_id, ...started.map((d) => d.distribution_id)]));
  });

  it("follow reverts of the previous system's awards, whose ids end in any character (U+0000 too)", async () => {
    const { services, client, tables } = storage;
    const people = { anna: snowflake(), ben: snowflake(), cara: snowflake(), dan: snowflake(), eve: snowflake() };
    const head = headTables(people, day(25));
    await putRaw(client, tables.members, head.members);
    await putRaw(client, tables.inventory, head.inventory);
    await putRaw(client, tables.distributions, head.distributions);
    const anna = head.awards.filter((a) => a.member === 'anna');
    expect(anna[0].id.endsWith('\u0000')).toBe(true);
    // No counters, no newest links: the revert writes them from history, this award marked.
    expect(await services.awards.revertDistribution(anna[1].id, 'o', 'test', day(26))).toMatchObject({ ok: true });
    let kept = (await services.members.get(people.anna, true))!.recent!;
    expect(kept.map((r) => [r.id, r.reverted ?? false])).toEqual([
      [anna[2].id, false],
      [anna[1].id, true],
      [anna[0].id, false],
    ]);
    // Kept now: a second revert marks its award where it is kept (its id ends in U+0000).
    expect(await services.awards.revertDistribution(anna[0].id, 'o', 'test', day(26))).toMatchObject({ ok: true });
    kept = (await services.members.get(people.anna, true))!.recent!;
    expect(kept.filter((r) => r.reverted).map((r) => r.id).sort()).toEqual([anna[0].id, anna[1].id].sort());
    expect((await services.members.get(people.anna, true))!.counters?.links_received).toBe(1);
  });
});

describe('the award log kept on the member item', () => {
  const veteran = async (entries: { at: string; id: string }[], extra = 7) => {
    const id = snowflake();
    const counters = { ...emptyCounters(), links_received: entries.length + extra, last_link_at: entries[entries.length - 1].at, awards: { ...emptyCounters().awards, gold: entries } };
    await storage.services.members.add({ discord_id: id, username: 'veteran', join_date: '2019-01-01', is_officer: false, added_by: 'seed' }, { counters, recent: [] });
    return id;
  };

  it('keeps at most AWARDS_KEPT of a quality in the window: the 101st award pushes the oldest out and counts every award', async () => {
    const { services } = storage;
    // 100 gold awards in the last 100 days before day 1, all inside the fairness window.
    const recent = Array.from({ length: AWARDS_KEPT }, (_, i) => ({ at: new Date(day(1).getTime() - (AWARDS_KEPT - i) * 86_400_000).toISOString(), id: `dist_recent_${String(i).padStart(3, '0')}` }));
    const id = await veteran(recent);
    await seedLink(services, 'gold', 'Damage on Ships', 1);
    const first = await seedAward(storage, { memberId: id, at: day(1) });
    const member = (await services.members.get(id, true))!;
    expect(member.counters!.links_received).toBe(AWARDS_KEPT + 8);
    expect(member.counters!.awards.gold).toHaveLength(AWARDS_KEPT);
    expect(member.counters!.awards.gold.map((a) => a.id)).toContain(first.distribution_id);
    expect(member.counters!.awards.gold.map((a) => a.id)).not.toContain(recent[0].id);
  });

  it('drops the awards gone past the fairness window but keeps the newest, so a revert still finds the last link', async () => {
    const { services } = storage;
    const old = Array.from({ length: 40 }, (_, i) => ({ at: new Date(Date.UTC(2020, 0, 1 + i)).toISOString(), id: `dist_old_${String(i).padStart(3, '0')}` }));
    const id = await veteran(old);
    await seedLink(services, 'gold', 'Damage on Ships', 1);
    const award = await seedAward(storage, { memberId: id, at: day(1) });
    let member = (await services.members.get(id, true))!;
    expect(member.counters!.links_received).toBe(48);
    // The newest before this award (2020) stays: `longest` still knows when they were last served.
    expect(member.counters!.awards.gold.map((a) => a.id).sort()).toEqual([award.distribution_id, old[39].id].sort());
    expect(await services.awards.revertDistribution(award.distribution_id, 'o', 'test', day(2))).toMatchObject({ ok: true });
    member = (await services.members.get(id, true))!;
    expect(member.counters).toMatchObject({ links_received: 47, last_link_at: old[39].at });
    expect(member.counters!.awards.gold.map((a) => a.id)).toEqual([old[39].id]);
  });

  it('a revert of the newest award whose one before has left the log finds that one in the history', async () => {
    const { services } = storage;
    const member = await seedMember(services);
    await seedLink(services, 'gold', 'Damage on Ships', 3);
    const long = await seedAward(storage, { memberId: member.discord_id, at: new Date(day(1).getTime() - 400 * 86_400_000) });
    const before = await seedAward(storage, { memberId: member.discord_id, at: new Date(day(1).getTime() - 300 * 86_400_000) });
    const newest = await seedAward(storage, { memberId: member.discord_id, at: day(1) });
    // The award of day 1 dropped the two older ones but the newest of them (300 days ago).
    expect((await services.members.get(member.discord_id, true))!.counters!.awards.gold.map((a) => a.id).sort()).toEqual([before.distribution_id, newest.distribution_id].sort());
    expect(await services.awards.revertDistribution(before.distribution_id, 'o', 'test', day(2))).toMatchObject({ ok: true });
    expect(await services.awards.revertDistribution(newest.distribution_id, 'o', 'test', day(2))).toMatchObject({ ok: true });
    const after = (await services.members.get(member.discord_id, true))!.counters!;
    expect(after).toMatchObject({ links_received: 1, last_link_at: long.distributed_at });
    expect(after.awards.gold.map((a) => a.id)).toEqual([long.distribution_id]);
  });
});

describe('a transaction DynamoDB cancels for another reason than a condition', () => {
  it('is tried again when a part was throttled, and is an error (logged as a bug, never "busy, try again") when a part was invalid', async () => {
    const proxy = await DynamoProxy.start(storage.endpoint);
    const proxied = await createTestStorage(proxy.endpoint);
    try {
      const { services } = proxied;
      const member = await seedMember(services);
      await seedLink(services, 'gold', 'Damage on Ships', 2);
      const [first, second] = [await seedAward(proxied, { memberId: member.discord_id, at: day(1) }), await seedAward(proxied, { memberId: member.discord_id, at: day(2) })];
      const cancelled = (codes: string[]) => ({ kind: 'fail' as const, status: 400, errorType: 'TransactionCanceledException', cancellationReasons: codes });

      proxy.inject('TransactWriteItems', cancelled(['None', 'ThrottlingError', 'None', 'None']), 1);
      expect(await services.awards.revertDistribution(first.distribution_id, 'o', 'test', day(3))).toMatchObject({ ok: true });
      expect(proxy.count('TransactWriteItems', 'fail')).toBe(1);

      proxy.inject('TransactWriteItems', cancelled(['None', 'None', 'None', 'ValidationError']), 1);
      await expect(services.awards.revertDistribution(second.distribution_id, 'o', 'test', day(3))).rejects.toMatchObject({ name: 'TransactionCanceledException' });
      expect(proxy.count('TransactWriteItems', 'fail')).toBe(2);
      expect((await services.distributions.get(second.distribution_id, true))?.status).toBe('confirmed');
    } finally {
      proxied.close();
      await proxy.stop();
    }
  });
});
