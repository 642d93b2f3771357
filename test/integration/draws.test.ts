import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoClients } from '../../src/db/client';
import { DynamoProxy } from '../support/dynamo-proxy';
import { createServices, type Services } from '../../src/services';
import { TestClock } from '../support/clock';
import { createTestStorage, type TestStorage } from '../support/dynamo';
import { eventually } from '../support/eventually';
import { seedLink, seedMember, snowflake } from '../support/fixtures';

// Each test gets its own tables and a clock it can move.
let storage: TestStorage;
let clock: TestClock;
let services: Services;
beforeEach(async () => {
  storage = await createTestStorage(undefined, undefined, { awsRules: true });
  clock = new TestClock();
  services = createServices(storage.db, storage.tables, clock);
});
afterEach(() => storage.close());

const officer = 'officer-1';
const start = async (extra: Partial<Parameters<Services['draws']['start']>[0]> = {}) => {
  const result = await services.draws.start({ quality: 'gold', by: officer, method: 'discord', ...extra });
  if (!result.ok) throw new Error(`draw refused: ${result.reason}`);
  return result.draw;
};
const rawRecord = async (id: string) => (await storage.db.send(new GetCommand({ TableName: storage.tables.distributions, Key: { distribution_id: id }, ConsistentRead: true }))).Item;
const inIndex = async (index: 'member-date-index' | 'date-index', key: string, value: string) =>
  (await storage.db.send(new QueryCommand({ TableName: storage.tables.distributions, IndexName: index, KeyConditionExpression: '#k = :v', ExpressionAttributeNames: { '#k': key }, ExpressionAttributeValues: { ':v': value } }))).Items ?? [];

describe('a draw is a stored record', () => {
  it('is written drawn before anything is shown: the link, pool, winner, who drew it, when it expires; in no index, listed as open', async () => {
    const [alice, bob] = [await seedMember(services), await seedMember(services)];
    const [link] = await seedLink(services, 'gold');
    const draw = await start();
    expect(draw).toMatchObject({ status: 'drawn', version: 1, link_id: link.link_id, pool_size: 2, drawn_before: [], drawn_by: officer, named: false, policy: 'uniform' });
    // The pool is kept on the draw's pool item, the record says how many there are.
    expect(draw.pool_chunks).toBe(1);
    expect((await services.draws.pools.read(draw.distribution_id, 1)).pool.sort()).toEqual([alice.discord_id, bob.discord_id].sort());
    expect([alice.discord_id, bob.discord_id]).toContain(draw.winner_id);
    expect(Date.parse(draw.expires_at!) - Date.parse(draw.drawn_at!)).toBe(15 * 60_000);
    const raw = await rawRecord(draw.distribution_id);
    expect(raw?.member_id).toBeUndefined();
    expect(raw?.distributed_at).toBeUndefined();
    expect(raw?.distribution_date).toBeUndefined();
    expect(await inIndex('member-date-index', 'member_id', draw.winner_id!)).toEqual([]);
    expect((await services.draws.open.list()).map((e) => e.id)).toEqual([draw.distribution_id]);
  });

  it('Confirm moves the record, the link, the list, the counters and the history markers in one go', async () => {
    const [alice, bob] = [await seedMember(services), await seedMember(services)];
    const [link] = await seedLink(services, 'gold');
    const list = await services.lists.create({ list_name: 'Gold', quality: 'gold', eligible_members: [alice.discord_id, bob.discord_id], created_by: officer });
    if (!list.ok) throw new Error('list');
    // The list stands before the draw (a draw right after /list create: see the AWS-rules notes).
    await storage.catchUp();
    const draw = await start();
    const result = await services.draws.confirm(draw.distribution_id, 'officer-2', draw.version, 'test');
    expect(result.outcome).toBe('awarded');
    if (result.outcome !== 'awarded') return;
    const winner = draw.winner_id!;
    const today = clock.today();
    expect(result.draw).toMatchObject({ status: 'confirmed', member_id: winner, distributed_by: 'officer-2', distribution_date: today, list_id: list.list.list_id, version: 2 });
    expect(result.draw.confirm).toBeUndefined();
    expect(await services.inventory.get(link.link_id, true)).toMatchObject({ is_available: 'false', distribution_id: draw.distribution_id });
    const after = await services.lists.get(list.list.list_id, true);
    expect(after?.winners).toEqual([winner]);
    expect(after?.eligible_members).not.toContain(winner);
    const member = await services.members.get(winner, true);
    expect(member?.counters).toMatchObject({ links_received: 1, last_link_at: result.draw.distributed_at, awards: { gold: [{ id: draw.distribution_id, at: result.draw.distributed_at }] } });
    // The indexes are read as the test's own look afterwards: once they caught up (AWS-rules mode lags them).
    await storage.catchUp();
    expect((await inIndex('member-date-index', 'member_id', winner)).map((i) => i.distribution_id)).toEqual([draw.distribution_id]);
    expect((await inIndex('date-index', 'distribution_date', today)).map((i) => i.distribution_id)).toEqual([draw.distribution_id]);
    const top = await services.distributions.index.top({ consistent: true });
    expect(top.firstMonth! <= today.slice(0, 7)).toBe(true);
    expect((await services.distributions.recentAwards()).map((r) => r.distribution_id)).toEqual([draw.distribution_id]);
    expect((await services.awards.undelivered()).map((r) => r.distribution_id)).toEqual([draw.distribution_id]);
    expect([...(await services.distributions.index.days([today.slice(0, 7)])).get(today.slice(0, 7))!].sort()).toEqual([today, `${today}#gold`]);
  });

  it('Reroll records the rerolled winner first, draws among those not yet drawn, refuses a stale view, and runs out', async () => {
    const members = [await seedMember(services), await seedMember(services), await seedMember(services)];
    await seedLink(services, 'silver');
    const draw = await start({ quality: 'silver' });
    const seen = [draw.winner_id!];
    let current = draw;
    for (let i = 0; i < 2; i++) {
      const rolled = await services.draws.reroll(draw.distribution_id, `officer-${i}`, current.version, 'test');
      if (!rolled.ok) throw new Error(rolled.reason);
      expect(seen).not.toContain(rolled.draw.winner_id);
      expect(rolled.draw.drawn_before).toEqual(seen);
      seen.push(rolled.draw.winner_id!);
      current = rolled.draw;
    }
    expect(current.rerolled_by).toEqual(['officer-0', 'officer-1']);
    expect(current.version).toBe(3);
    expect(await services.draws.reroll(draw.distribution_id, officer, 1, 'test')).toMatchObject({ ok: false, reason: 'changed', version: 3 });
    expect(await services.draws.reroll(draw.distribution_id, officer, 3, 'test')).toMatchObject({ ok: false, reason: 'exhausted' });
    expect(seen.sort()).toEqual(members.map((m) => m.discord_id).sort());
  });

  it('Confirm awards only the winner the pressed message showed: an older version awards nothing', async () => {
    await seedMember(services);
    await seedMember(services);
    const [link] = await seedLink(services, 'gold');
    const draw = await start();
    const rolled = await services.draws.reroll(draw.distribution_id, officer, 1, 'test');
    if (!rolled.ok) throw new Error('reroll');
    const stale = await services.draws.confirm(draw.distribution_id, officer, 1, 'test');
    expect(stale).toMatchObject({ outcome: 'refused', reason: 'changed', version: 2 });
    expect((await services.inventory.get(link.link_id, true))?.is_available).toBe('true');
    const fresh = await services.draws.confirm(draw.distribution_id, officer, 2, 'test');
    expect(fresh).toMatchObject({ outcome: 'awarded', draw: { member_id: rolled.draw.winner_id } });
  });

  it('says why nothing was awarded, writing nothing: link gone, winner served, list closed, member removed, member away', async () => {
    const member = await seedMember(services);
    // Link gone: two draws of the one link, the first confirmed.
    await seedLink(services, 'silver');
    const first = await start({ quality: 'silver' });
    const second = await start({ quality: 'silver' });
    expect((await services.draws.confirm(first.distribution_id, officer, 1, 'test')).outcome).toBe('awarded');
    expect(await services.draws.confirm(second.distribution_id, officer, 1, 'test')).toMatchObject({ outcome: 'not_awarded', reason: 'link_gone', draw: { status: 'drawn' } });
    expect((await services.draws.get(second.distribution_id))?.confirm).toBeUndefined();

    // Winner served from the list meanwhile, then the list closed.
    const [link] = await seedLink(services, 'gold');
    const list = await services.lists.create({ list_name: 'Gold', quality: 'gold', eligible_members: [member.discord_id], created_by: officer });
    if (!list.ok) throw new Error('list');
    await storage.catchUp();
    const fromList = await start({ quality: 'gold' });
    expect(fromList.list_id).toBe(list.list.list_id);
    await services.lists.removeMember(list.list.list_id, member.discord_id);
    expect(await services.draws.confirm(fromList.distribution_id, officer, 1, 'test')).toMatchObject({ outcome: 'not_awarded', reason: 'winner_served' });
    await services.lists.addMember(list.list.list_id, member.discord_id);
    await services.lists.close(list.list.list_id);
    expect(await services.draws.confirm(fromList.distribution_id, officer, 1, 'test')).toMatchObject({ outcome: 'not_awarded', reason: 'list_closed' });
    expect((await services.inventory.get(link.link_id, true))?.is_available).toBe('true');

    // The winner left the roster, or went away, meanwhile.
    const leaving = await seedMember(services);
    const named = await start({ quality: 'gold', memberId: leaving.discord_id });
    await services.wants.removeMember(leaving.discord_id);
    expect(await services.draws.confirm(named.distribution_id, officer, 1, 'test')).toMatchObject({ outcome: 'not_awarded', reason: 'member_removed' });
    // A drawn winner who went away meanwhile is not awarded; an officer may still name someone away.
    await services.lists.create({ list_name: 'Gold 2', quality: 'gold', eligible_members: [member.discord_id], created_by: officer });
    await storage.catchUp();
    const drawn = await start({ quality: 'gold' });
    await services.members.setAway(member.discord_id, clock.daysAgo(-2));
    expect(await services.draws.confirm(drawn.distribution_id, officer, 1, 'test')).toMatchObject({ outcome: 'not_awarded', reason: 'member_away' });
    const named2 = await start({ quality: 'gold', memberId: member.discord_id });
    expect((await services.draws.confirm(named2.distribution_id, officer, 1, 'test')).outcome).toBe('awarded');
    expect((await services.members.get(member.discord_id, true))?.counters?.links_received).toBe(2);
  });

  it('50 draws of one link confirmed at once → exactly one award; the other 49 stay open and say the link is gone', async () => {
    const members = await Promise.all(Array.from({ length: 10 }, () => seedMember(services)));
    const [link] = await seedLink(services, 'gold', 'Ship Cannon Damage');
    const draws = [];
    for (let i = 0; i < 50; i++) draws.push(await start());
    const results = await Promise.all(draws.map((d) => services.draws.confirm(d.distribution_id, snowflake(), d.version, 'test')));
    expect(results.filter((r) => r.outcome === 'awarded')).toHaveLength(1);
    expect(results.filter((r) => r.outcome === 'not_awarded' && r.reason === 'link_gone')).toHaveLength(49);
    const award = results.find((r) => r.outcome === 'awarded')!;
    expect(await services.inventory.get(link.link_id, true)).toMatchObject({ is_available: 'false', distribution_id: award.draw!.distribution_id });
    const counts = await Promise.all(members.map(async (m) => (await services.members.get(m.discord_id, true))?.counters?.links_received ?? 0));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it('Confirm pressed twice at once, or Confirm and Cancel at once, give exactly one outcome', async () => {
    await seedMember(services);
    await seedLink(services, 'gold', 'Damage on Ships', 2);
    const twice = await start();
    const [a, b] = await Promise.all([services.draws.confirm(twice.distribution_id, 'o1', 1, 'test'), services.draws.confirm(twice.distribution_id, 'o2', 1, 'test')]);
    // Each press saw the award made (by itself, or by the same transaction retried), or still
    // being made; never another one.
    expect([a, b].some((r) => r.outcome === 'awarded')).toBe(true);
    expect([a, b].every((r) => r.outcome === 'awarded' || (r.outcome === 'refused' && r.reason === 'confirming'))).toBe(true);
    // A member's records are read through an index, which shows the award only after a while.
    const records = await eventually(() => services.distributions.memberRecords(twice.winner_id!), (found) => found.some((d) => d.status === 'confirmed'));
    expect(records.filter((d) => d.status === 'confirmed')).toHaveLength(1);

    const raced = await start();
    const [confirmed, cancelled] = await Promise.all([services.draws.confirm(raced.distribution_id, 'o1', 1, 'test'), services.draws.cancel(raced.distribution_id, 'o2', 'test')]);
    const final = await services.draws.get(raced.distribution_id);
    if (final?.status === 'confirmed') {
      expect(confirmed.outcome).toBe('awarded');
      expect(cancelled).toMatchObject({ ok: false });
    } else {
      expect(final?.status).toBe('cancelled');
      expect(cancelled.ok).toBe(true);
      expect(confirmed.outcome).not.toBe('awarded');
    }
  });

  it('expires after 15 minutes: a press then is refused and marks it so; the sweep marks overdue ones but not one being confirmed', async () => {
    await seedMember(services);
    await seedLink(services, 'gold', 'Damage on Ships', 3);
    const pressed = await start();
    const swept = await start();
    clock.advance(15 * 60_000);
    expect(await services.draws.reroll(pressed.distribution_id, officer, 1, 'test')).toMatchObject({ ok: false, reason: 'expired', draw: { status: 'expired' } });
    const ended = await services.draws.expireOverdue();
    expect(ended.map((d) => d.distribution_id)).toEqual([swept.distribution_id]);
    expect(await services.draws.get(swept.distribution_id)).toMatchObject({ status: 'expired', distribution_date: clock.today() });
    expect((await services.draws.open.list()).map((e) => e.id)).toEqual([]);
    expect(await services.draws.expireOverdue()).toEqual([]);
  });

  it('cancelled and expired draws stay, with their pool and rerolls, in guild-wide history and never in a member’s', async () => {
    const members = [await seedMember(services), await seedMember(services)];
    await seedLink(services, 'bronze');
    const draw = await start({ quality: 'bronze' });
    const rolled = await services.draws.reroll(draw.distribution_id, officer, 1, 'test');
    if (!rolled.ok) throw new Error('reroll');
    expect(await services.draws.cancel(draw.distribution_id, 'o2', 'test')).toMatchObject({ ok: true, draw: { status: 'cancelled', ended_by: 'o2', pool_size: 2 } });
    // Guild-wide history is read through the date-index, which may lag a moment behind the cancel.
    const page = await eventually(() => services.distributions.guildWide({ limit: 10 }), (found) => found.items.length > 0);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ status: 'cancelled', drawn_before: [draw.winner_id], pool_size: 2 });
    for (const m of members) expect((await services.distributions.forMember(m.discord_id)).items).toEqual([]);
  });
});

describe('on a DynamoDB that refuses, throttles and loses answers (the fault proxy)', () => {
  let proxy: DynamoProxy;
  let faulty: Services;
  beforeEach(async () => {
    proxy = await DynamoProxy.start(storage.endpoint);
    const { db } = createDynamoClients({ endpoint: proxy.endpoint, region: 'us-east-1', requestTimeoutMs: 1_000 });
    faulty = createServices(db, storage.tables, clock);
  });
  afterEach(() => proxy.stop());
  const failAward = () => proxy.inject('TransactWriteItems', { kind: 'fail', status: 500, errorType: 'InternalServerError' }, 3);
  const startOn = async (s: Services, extra: Partial<Parameters<Services['draws']['start']>[0]> = {}) => {
    const result = await s.draws.start({ quality: 'gold', by: officer, method: 'discord', ...extra });
    if (!result.ok) throw new Error(`draw refused: ${result.reason}`);
    return result.draw;
  };

  it('the sweep never loses a draw it could not read: a throttled read removes nothing, and the draw still expires', async () => {
    await seedMember(services);
    await seedLink(services, 'gold');
    const draw = await startOn(faulty);
    proxy.inject('BatchGetItem', { kind: 'unprocessed' }, 40);
    await faulty.draws.expireOverdue().catch(() => undefined);
    proxy.clear();
    expect((await services.draws.open.list()).map((e) => e.id)).toEqual([draw.distribution_id]);
    clock.advance(16 * 60_000);
    expect((await faulty.draws.expireOverdue()).map((d) => d.distribution_id)).toEqual([draw.distribution_id]);
    expect(await services.draws.get(draw.distribution_id)).toMatchObject({ status: 'expired' });
    expect(await services.draws.open.list()).toEqual([]);
  });

  it('Confirm refuses an overdue draw whose claim was left long ago, and awards nothing', async () => {
    await seedMember(services);
    const [link] = await seedLink(services, 'gold');
    const draw = await startOn(faulty);
    failAward();
    expect((await faulty.draws.confirm(draw.distribution_id, officer, draw.version, 'test')).outcome).toBe('unknown');
    proxy.clear();
    clock.advance(20 * 60_000);
    expect(await faulty.draws.confirm(draw.distribution_id, officer, draw.version, 'test')).toMatchObject({ outcome: 'refused', reason: 'expired', draw: { status: 'expired' } });
    expect((await services.inventory.get(link.link_id, true))?.is_available).toBe('true');
  });

  it('Confirm checks eligibility again when it finishes a claimed award: a winner no longer eligible is not awarded', async () => {
    const member = await seedMember(services);
    const [link] = await seedLink(services, 'gold');
    const draw = await startOn(faulty);
    failAward();
    expect((await faulty.draws.confirm(draw.distribution_id, officer, draw.version, 'test')).outcome).toBe('unknown');
    proxy.clear();
    // Re-added with a join date of last week: too new for gold now.
    await storage.db.send(new UpdateCommand({ TableName: storage.tables.members, Key: { discord_id: member.discord_id }, UpdateExpression: 'SET join_date = :d', ExpressionAttributeValues: { ':d': clock.daysAgo(7) } }));
    expect(await faulty.draws.confirm(draw.distribution_id, officer, draw.version, 'test')).toMatchObject({ outcome: 'not_awarded', reason: 'member_not_eligible' });
    expect((await services.inventory.get(link.link_id, true))?.is_available).toBe('true');
    expect((await services.draws.get(draw.distribution_id))?.confirm).toBeUndefined();
  });

  it('a Confirm retried late never moves the member’s last link back', async () => {
    const member = await seedMember(services);
    await seedLink(services, 'gold', 'Damage on Ships');
    await seedLink(services, 'gold', 'Ship Cannon Damage');
    const early = await startOn(faulty, { linkType: 'Damage on Ships' });
    failAward();
    expect((await faulty.draws.confirm(early.distribution_id, officer, early.version, 'test')).outcome).toBe('unknown');
    proxy.clear();
    clock.advance(5 * 60_000);
    const later = await startOn(faulty, { linkType: 'Ship Cannon Damage' });
    expect((await faulty.draws.confirm(later.distribution_id, officer, later.version, 'test')).outcome).toBe('awarded');
    const newest = (await services.members.get(member.discord_id, true))!.counters!.last_link_at;
    // The first award, finished now, is dated when it was claimed: before the newest one.
    const retried = await faulty.draws.confirm(early.distribution_id, officer, early.version, 'test');
    expect(retried).toMatchObject({ outcome: 'awarded' });
    const after = (await services.members.get(member.discord_id, true))!.counters!;
    expect(after.links_received).toBe(2);
    expect(after.last_link_at).toBe(newest);
  });

  it('a claim left by a process that died is released after the in-flight time: Reroll and Cancel go on', async () => {
    await seedMember(services);
    await seedMember(services);
    await seedLink(services, 'gold', 'Damage on Ships', 2);
    const rerolled = await startOn(faulty);
    const cancelled = await startOn(faulty);
    for (const draw of [rerolled, cancelled]) {
      failAward();
      expect((await faulty.draws.confirm(draw.distribution_id, officer, draw.version, 'test')).outcome).toBe('unknown');
      proxy.clear();
    }
    expect(await faulty.draws.reroll(rerolled.distribution_id, officer, rerolled.version, 'test')).toMatchObject({ ok: false, reason: 'confirming' });
    clock.advance(61_000);
    const rolled = await faulty.draws.reroll(rerolled.distribution_id, officer, rerolled.version, 'test');
    expect(rolled).toMatchObject({ ok: true, draw: { version: 2, drawn_before: [rerolled.winner_id], drawn_before_names: ['member'] } });
    if (rolled.ok) expect(rolled.draw.confirm).toBeUndefined();
    expect(await faulty.draws.cancel(cancelled.distribution_id, officer, 'test')).toMatchObject({ ok: true, draw: { status: 'cancelled' } });
  });

  it('a write refused by a transaction conflict or throttling is retried, not answered "something went wrong"', async () => {
    await seedMember(services);
    const [link] = await seedLink(services, 'gold');
    const draw = await startOn(faulty);
    // The claim (a single-item write) meets a transaction in flight on the record, then a throttle.
    proxy.inject('UpdateItem', { kind: 'fail', status: 400, errorType: 'TransactionConflictException', message: 'Transaction is ongoing for the item' }, 1);
    const confirmed = await faulty.draws.confirm(draw.distribution_id, officer, draw.version, 'test');
    expect(confirmed).toMatchObject({ outcome: 'awarded', draw: { status: 'confirmed' } });
    expect(proxy.count('UpdateItem', 'fail')).toBe(1);
    expect((await services.inventory.get(link.link_id, true))?.is_available).toBe('false');
  });
});
