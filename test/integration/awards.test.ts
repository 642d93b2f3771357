import { createTestStorage, type TestStorage } from '../support/dynamo';
import { awardInput, seedLink, seedMember, snowflake } from '../support/fixtures';

let storage: TestStorage;
beforeAll(async () => (storage = await createTestStorage()));
afterAll(() => storage.close());

describe('awarding a link', () => {
  it('hands out the link, writes the record, moves the winner on the list and counts for the member — in one go', async () => {
    const { services } = storage;
    const winner = await seedMember(services);
    const other = await seedMember(services);
    const [link] = await seedLink(services, 'gold');
    const created = await services.lists.create({ list_name: 'Gold', quality: 'gold', eligible_members: [winner.discord_id, other.discord_id], created_by: 'o' });
    if (!created.ok) throw new Error('list');

    const result = await services.awards.awardLink(awardInput(link, winner, { listId: created.list.list_id, poolSize: 2, drawnBefore: [other.discord_id] }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.distribution).toMatchObject({ member_id: winner.discord_id, link_id: link.link_id, status: 'confirmed', pool_size: 2, drawn_before: [other.discord_id], method: 'discord' });

    expect(await services.distributions.get(result.distribution.distribution_id, true)).toEqual(result.distribution);
    expect(await services.inventory.get(link.link_id, true)).toMatchObject({ is_available: 'false', distribution_id: result.distribution.distribution_id });
    const list = await services.lists.get(created.list.list_id, true);
    expect(list?.eligible_members).toEqual([other.discord_id]);
    expect(list?.winners).toEqual([winner.discord_id]);
    expect(await services.members.get(winner.discord_id, true)).toMatchObject({ links_received: 1, last_link_at: result.distribution.distributed_at });
    await services.lists.close(created.list.list_id);
  });

  it('gives typed reasons and writes nothing when something changed underneath', async () => {
    const { services } = storage;
    const member = await seedMember(services);
    const [link] = await seedLink(services, 'silver');
    const first = await services.awards.awardLink(awardInput(link, member));
    expect(first.ok).toBe(true);
    // Same link, another draft: gone.
    expect(await services.awards.awardLink(awardInput(link, member))).toEqual({ ok: false, reason: 'link_gone' });

    // Winner already served from the list.
    const [second] = await seedLink(services, 'silver');
    const list = await services.lists.create({ list_name: 'Silver', quality: 'silver', eligible_members: [], created_by: 'o' });
    if (!list.ok) throw new Error('list');
    expect(await services.awards.awardLink(awardInput(second, member, { listId: list.list.list_id }))).toEqual({ ok: false, reason: 'winner_served' });
    expect((await services.inventory.get(second.link_id, true))?.is_available).toBe('true');

    // List closed meanwhile.
    await services.lists.addMember(list.list.list_id, member.discord_id);
    await services.lists.close(list.list.list_id);
    expect(await services.awards.awardLink(awardInput(second, member, { listId: list.list.list_id }))).toEqual({ ok: false, reason: 'list_closed' });

    // Member removed meanwhile.
    const gone = await seedMember(services);
    await services.members.remove(gone.discord_id);
    expect(await services.awards.awardLink(awardInput(second, gone))).toEqual({ ok: false, reason: 'member_removed' });
    expect((await services.inventory.get(second.link_id, true))?.is_available).toBe('true');
    expect(await services.distributions.forMember(gone.discord_id)).toEqual({ items: [], cursor: undefined });
    expect((await services.members.get(member.discord_id, true))?.links_received).toBe(1);
  });

  it('is idempotent for one draft: a retried award returns the same record and hands out one link', async () => {
    const { services } = storage;
    const member = await seedMember(services);
    const [link] = await seedLink(services, 'bronze');
    const input = awardInput(link, member);
    const first = await services.awards.awardLink(input);
    const again = await services.awards.awardLink(input);
    expect(first.ok && again.ok).toBe(true);
    if (!first.ok || !again.ok) return;
    expect(again.distribution.distribution_id).toBe(first.distribution.distribution_id);
    expect((await services.members.get(member.discord_id, true))?.links_received).toBe(1);
    expect((await services.distributions.forMember(member.discord_id)).items).toHaveLength(1);
  });

  it('50 officers awarding the same link at once → exactly one record, 49 clean conflicts, counters consistent', async () => {
    const { services } = storage;
    const candidates = await Promise.all(Array.from({ length: 50 }, () => seedMember(services)));
    const [link] = await seedLink(services, 'gold', 'Ship Cannon Damage');
    const created = await services.lists.create({
      list_name: 'Race',
      quality: 'gold',
      eligible_members: candidates.map((m) => m.discord_id),
      created_by: 'o',
    });
    if (!created.ok) throw new Error('list');

    const results = await Promise.all(
      candidates.map((winner) =>
        services.awards.awardLink(awardInput(link, winner, { listId: created.list.list_id, distributedBy: snowflake(), poolSize: 50 })),
      ),
    );
    const winners = results.flatMap((r) => (r.ok ? [r.distribution] : []));
    expect(winners).toHaveLength(1);
    const failures = results.filter((r) => !r.ok);
    expect(failures).toHaveLength(49);
    expect(failures.every((r) => !r.ok && r.reason === 'link_gone')).toBe(true);

    const winner = winners[0];
    const records = (await Promise.all(candidates.map((m) => services.distributions.forMember(m.discord_id)))).flatMap((p) => p.items);
    expect(records.map((r) => r.distribution_id)).toEqual([winner.distribution_id]);
    expect(await services.inventory.get(link.link_id, true)).toMatchObject({ is_available: 'false', distribution_id: winner.distribution_id });
    const list = await services.lists.get(created.list.list_id, true);
    expect(list?.winners).toEqual([winner.member_id]);
    expect(list?.eligible_members).toHaveLength(49);
    expect(list?.eligible_members).not.toContain(winner.member_id);
    const counts = await Promise.all(candidates.map(async (m) => (await services.members.get(m.discord_id, true))?.links_received));
    expect(counts.reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(1);

    // 20 officers reverting it at once → one revert, 19 "already reverted", everything restored once.
    const reverts = await Promise.all(Array.from({ length: 20 }, () => services.awards.revertDistribution(winner.distribution_id, snowflake())));
    expect(reverts.filter((r) => r.ok)).toHaveLength(1);
    expect(reverts.filter((r) => !r.ok && r.reason === 'already_reverted')).toHaveLength(19);
    expect((await services.distributions.get(winner.distribution_id, true))?.status).toBe('reverted');
    expect(await services.inventory.get(link.link_id, true)).toMatchObject({ is_available: 'true' });
    expect((await services.inventory.get(link.link_id, true))?.distribution_id).toBeUndefined();
    const restored = await services.lists.get(created.list.list_id, true);
    expect(restored?.eligible_members).toHaveLength(50);
    expect(restored?.winners).toEqual([]);
    expect((await services.members.get(winner.member_id, true))?.links_received).toBe(0);
    await services.lists.close(created.list.list_id);
  });
});

describe('reverting a distribution', () => {
  it('keeps the record as reverted, restores the previous last-link time, and changes nothing the second time', async () => {
    const { services } = storage;
    const member = await seedMember(services);
    const [a, b] = await seedLink(services, 'bronze', 'Crewmember Damage', 2);
    const first = await services.awards.awardLink(awardInput(a, member, { at: new Date('2026-11-01T10:00:00Z') }));
    const fresh = (await services.members.get(member.discord_id, true))!;
    const second = await services.awards.awardLink(awardInput(b, fresh, { at: new Date('2026-11-02T10:00:00Z') }));
    if (!first.ok || !second.ok) throw new Error('award');

    const reverted = await services.awards.revertDistribution(second.distribution.distribution_id, 'officer2', new Date('2026-11-03T00:00:00Z'));
    expect(reverted).toMatchObject({ ok: true, distribution: { status: 'reverted', reverted_by: 'officer2' } });
    expect(await services.members.get(member.discord_id, true)).toMatchObject({ links_received: 1, last_link_at: '2026-11-01T10:00:00.000Z' });
    const snapshot = await services.distributions.get(second.distribution.distribution_id, true);
    expect(snapshot).toMatchObject({ status: 'reverted', reverted_at: '2026-11-03T00:00:00.000Z' });

    expect(await services.awards.revertDistribution(second.distribution.distribution_id, 'officer3')).toEqual({ ok: false, reason: 'already_reverted' });
    expect(await services.distributions.get(second.distribution.distribution_id, true)).toEqual(snapshot);
    expect((await services.members.get(member.discord_id, true))?.links_received).toBe(1);
    expect(await services.awards.revertDistribution('dist_missing', 'o')).toEqual({ ok: false, reason: 'not_found' });
  });

  it('reverts the award of a member who has since left the roster, keeping their history', async () => {
    const { services } = storage;
    const member = await seedMember(services);
    const [link] = await seedLink(services, 'bronze');
    const award = await services.awards.awardLink(awardInput(link, member));
    if (!award.ok) throw new Error('award');
    await services.members.remove(member.discord_id);
    expect((await services.awards.revertDistribution(award.distribution.distribution_id, 'o')).ok).toBe(true);
    expect((await services.inventory.get(link.link_id, true))?.is_available).toBe('true');
    expect((await services.distributions.forMember(member.discord_id)).items[0].status).toBe('reverted');
  });
});
