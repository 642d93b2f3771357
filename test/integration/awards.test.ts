import { createTestStorage, type TestStorage } from '../support/dynamo';
import { DynamoProxy } from '../support/dynamo-proxy';
import { seedAward, seedLink, seedMember, snowflake } from '../support/fixtures';

let storage: TestStorage;
beforeEach(async () => (storage = await createTestStorage()));
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
    // Reverted awards leave the suggestions and the undelivered list.
    const top = await services.distributions.index.top({ consistent: true });
    expect(top.recent.map((r) => r.id)).toEqual([a.distribution_id]);
    expect(top.undelivered).toEqual([a.distribution_id]);
  });

  it('gives the list place back only when no other standing award from that list keeps the member among its winners', async () => {
    const { services } = storage;
    const member = await seedMember(services);
    await seedLink(services, 'gold', 'Damage on Ships', 2);
    const created = await services.lists.create({ list_name: 'Gold', quality: 'gold', eligible_members: [member.discord_id], created_by: 'o' });
    if (!created.ok) throw new Error('list');
    const listId = created.list.list_id;
    const first = await seedAward(storage, { memberId: member.discord_id, listId });
    // Put back on the list by an officer, and served from it again.
    await services.lists.addMember(listId, member.discord_id);
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
    expect((await services.distributions.forMember(member.discord_id)).items[0].status).toBe('reverted');
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
    expect((await services.distributions.index.top({ consistent: true })).undelivered).toEqual([]);

    const other = await seedAward(storage, { memberId: member.discord_id });
    await services.awards.revertDistribution(other.distribution_id, 'o', 'test');
    expect(await services.awards.markDelivered(other.distribution_id, 'o', 'test')).toMatchObject({ ok: false, reason: 'not_an_award' });
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
