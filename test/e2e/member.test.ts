import type { Distribution } from '../../src/services/distribution-record';
import { testEndpoint } from '../support/dynamo';
import { DynamoMeter } from '../support/dynamo-meter';
import { seedAward } from '../support/fixtures';
import { opt, startHarness, type Harness } from '../support/harness';

// Each test gets its own guild (tables, emulator, bot), so any one of them runs alone.
let h: Harness;
beforeEach(async () => (h = await startHarness()));
afterEach(() => h?.stop());

describe('/member', () => {
  it('add: an officer adds a member with a join date and officer flag; the reply is public and pings nobody', async () => {
    const joined = h.clock.daysAgo(120);
    const answer = await h.run(h.officer, 'member', 'add', [opt.user('user', h.alice.id), opt.str('join_date', joined), opt.bool('officer', false)]);
    expect(answer.ephemeral).toBe(false);
    expect(answer.text).toContain('Added to the roster');
    expect(answer.text).toContain('Sage');
    // The reply mentions Alice, and pings nobody.
    expect(answer.data.embeds[0].description).toContain(`<@${h.alice.id}>`);
    expect(h.emulator.pingedBy(answer.interaction)).toEqual([]);
    expect(await h.storage.services.members.get(h.alice.id)).toMatchObject({ join_date: joined, is_officer: false, added_by: h.officer.id, counters: { links_received: 0 } });
  });

  it('add: join_date defaults to the user’s Discord join date', async () => {
    const joinedAt = `${h.clock.daysAgo(56)}T18:30:00.000Z`;
    const dana = h.newUser('dana', { joinedAt });
    await h.run(h.officer, 'member', 'add', [opt.user('user', dana.id), opt.bool('officer', true)]);
    expect(await h.storage.services.members.get(dana.id)).toMatchObject({ join_date: joinedAt.slice(0, 10), is_officer: true });
  });

  it('add: refuses malformed and future dates and a second add, ephemerally, writing nothing', async () => {
    const erin = h.newUser('erin');
    for (const [date, message] of [
      ['2026-02-30', 'must be a real date written YYYY-MM-DD'],
      ['15/01/2025', 'must be a real date written YYYY-MM-DD'],
      [h.clock.daysAgo(-3), 'is in the future'],
    ]) {
      const answer = await h.run(h.officer, 'member', 'add', [opt.user('user', erin.id), opt.str('join_date', date)]);
      expect(answer.ephemeral).toBe(true);
      expect(answer.text).toContain(message);
    }
    expect(await h.storage.services.members.get(erin.id)).toBeUndefined();
    await h.seedMember(h.alice);
    const again = await h.run(h.officer, 'member', 'add', [opt.user('user', h.alice.id)]);
    expect(again.ephemeral).toBe(true);
    expect(again.text).toContain('already on the roster');
  });

  it('add: the ranks follow the thresholds: 29 days is a Book Worm, 30 a Scholar, 90 a Sage', async () => {
    for (const [days, rank] of [[29, 'Book Worm'], [30, 'Scholar'], [89, 'Scholar'], [90, 'Sage']] as const) {
      const user = h.newUser(`m${days}`);
      const answer = await h.run(h.officer, 'member', 'add', [opt.user('user', user.id), opt.str('join_date', h.clock.daysAgo(days))]);
      expect(answer.text).toContain(`Rank: ${rank}`);
      expect(answer.text).toContain(`${days} days`);
    }
  });

  it('info: shows rank, days, eligibility, links and history; defaults to self; unknown users get a hint', async () => {
    await h.seedMember(h.alice, { days: 120 });
    const mine = await h.run(h.alice, 'member', 'info', []);
    expect(mine.ephemeral).toBe(true);
    expect(mine.text).toMatch(/Rank: Sage/);
    expect(mine.text).toContain(`120 days (since ${h.clock.daysAgo(120)})`);
    expect(mine.text).toMatch(/May receive: Bronze, Silver, Gold/);
    expect(mine.text).toMatch(/Links received: 0/);
    expect(mine.text).toContain('No links yet.');
    const stranger = await h.run(h.alice, 'member', 'info', [opt.user('user', h.carol.id)]);
    expect(stranger.text).toContain('is not on the roster');
  });

  it('list: pages the roster with buttons and filters by rank with the select', async () => {
    await h.seedMember(h.alice, { days: 400 });
    for (let i = 0; i < 16; i++) await h.seedMember(h.newUser(`m${i}`), { days: 6 });
    const first = await h.run(h.bob, 'member', 'list', []);
    expect(first.text).toMatch(/17 members · page 1 of 2/);
    const buttons = h.emulator.buttonsOf(first.messageId!);
    expect(buttons.map((b) => b.label)).toEqual(['Previous', 'Next']);
    const second = await h.press(h.bob, first.messageId!, buttons[1].custom_id);
    expect(second.type).toBe(7);
    expect(second.text).toMatch(/page 2 of 2/);

    const select = h.emulator.messages.get(first.messageId!)!.components[1].components[0];
    const sages = await h.emulator.answerTo(h.emulator.chooseOption(h.bob, first.messageId!, select.custom_id, ['sage']));
    const text = sages.data.embeds[0].description as string;
    expect(text).toContain(`<@${h.alice.id}>`);
    expect(text).not.toContain('Book Worm');

    const bookworms = await h.run(h.bob, 'member', 'list', [opt.str('rank', 'Book Worm')]);
    expect(bookworms.text).toMatch(/16 members/);
  });

  it('promote and demote set and clear the officer flag', async () => {
    await h.seedMember(h.alice);
    expect((await h.run(h.officer, 'member', 'promote', [opt.user('user', h.alice.id)])).text).toContain('Promoted to officer');
    expect((await h.storage.services.members.get(h.alice.id))?.is_officer).toBe(true);
    expect((await h.run(h.officer, 'member', 'promote', [opt.user('user', h.alice.id)])).text).toContain('already');
    expect((await h.run(h.officer, 'member', 'demote', [opt.user('user', h.alice.id)])).text).toContain('No longer an officer');
    expect((await h.storage.services.members.get(h.alice.id))?.is_officer).toBe(false);
  });

  it('away: a member marks themself; others need an officer; past dates are refused', async () => {
    await h.seedMember(h.alice);
    await h.seedMember(h.bob);
    const until = h.clock.daysAgo(-7);
    const self = await h.run(h.alice, 'member', 'away', [opt.user('user', h.alice.id), opt.str('until', until)]);
    expect(self.text).toContain(`through ${until}`);
    expect((await h.storage.services.members.get(h.alice.id))?.away_until).toBe(until);

    const other = await h.run(h.alice, 'member', 'away', [opt.user('user', h.bob.id), opt.str('until', until)]);
    expect(other.ephemeral).toBe(true);
    expect(other.text).toContain('only yourself');
    expect((await h.storage.services.members.get(h.bob.id))?.away_until).toBeUndefined();

    const past = await h.run(h.officer, 'member', 'away', [opt.user('user', h.bob.id), opt.str('until', h.clock.daysAgo(1))]);
    expect(past.text).toContain('in the past');
    const byOfficer = await h.run(h.officer, 'member', 'away', [opt.user('user', h.bob.id), opt.str('until', until)]);
    expect(byOfficer.ephemeral).toBe(false);
    expect((await h.storage.services.members.get(h.bob.id))?.away_until).toBe(until);
  });

  it('add: someone removed and added back keeps the links their history shows', async () => {
    await h.seedMember(h.bob);
    await h.seedLinks('gold', 'Damage on Ships', 2);
    const first = await seedAward(h.storage, { memberId: h.bob.id, at: new Date(h.clock.nowMs() - 86_400_000) });
    await seedAward(h.storage, { memberId: h.bob.id });
    await h.storage.services.wants.removeMember(h.bob.id);
    const back = await h.run(h.officer, 'member', 'add', [opt.user('user', h.bob.id), opt.str('join_date', h.clock.daysAgo(400))]);
    expect(back.text).toContain('Links received: 2');
    const member = await h.storage.services.members.get(h.bob.id, true);
    expect(member?.counters?.links_received).toBe(2);
    expect(member?.counters?.awards.gold.map((a) => a.id)).toContain(first.distribution_id);
    // Their newest links come back with them.
    expect(member?.recent?.map((r) => r.id)).toHaveLength(2);
    expect((await h.run(h.bob, 'member', 'info', [])).text).toContain(`Recent links: ${h.clock.today()} · Gold Damage on Ships\n${first.distributed_at!.slice(0, 10)} · Gold Damage on Ships`);
  });

  it('remove: asks for confirmation; Cancel keeps, Remove removes and keeps history', async () => {
    await h.seedMember(h.bob);
    const ask = await h.run(h.officer, 'member', 'remove', [opt.user('user', h.bob.id)]);
    expect(ask.ephemeral).toBe(true);
    expect(h.emulator.buttonsOf(ask.messageId!).map((b) => b.label)).toEqual(['Remove', 'Cancel']);
    const kept = await h.press(h.officer, ask.messageId!, h.emulator.buttonsOf(ask.messageId!)[1].custom_id);
    expect(kept.text).toContain('Kept');
    expect(await h.storage.services.members.get(h.bob.id)).toBeDefined();

    const again = await h.run(h.officer, 'member', 'remove', [opt.user('user', h.bob.id)]);
    const removeId = h.emulator.buttonsOf(again.messageId!)[0].custom_id;
    const removed = await h.press(h.officer, again.messageId!, removeId);
    expect(removed.text).toContain('Their history is kept');
    expect(removed.data.components).toEqual([]);
    expect(await h.storage.services.members.get(h.bob.id)).toBeUndefined();
  });
});

describe('/member info reads one item', () => {
  it('shows the newest five links kept on the member item, reverted ones marked, with one GetItem', async () => {
    const meter = await DynamoMeter.start(testEndpoint());
    const g = await startHarness({ dynamoEndpoint: meter.endpoint });
    try {
      await g.seedMember(g.bob, { days: 200 });
      await g.seedLinks('gold', 'Damage on Ships', 6);
      const awards: Distribution[] = [];
      for (let i = 6; i >= 1; i--) awards.push(await seedAward(g.storage, { memberId: g.bob.id, at: new Date(g.clock.nowMs() - i * 86_400_000) }));
      await g.storage.services.awards.revertDistribution(awards[4].distribution_id, g.officer.id, 'test');
      const mark = meter.mark;
      const info = await g.run(g.bob, 'member', 'info', []);
      expect(meter.since(mark).map((r) => r.operation)).toEqual(['GetItem']);
      const lines = awards
        .slice(1)
        .reverse()
        .map((a) => `${a.distributed_at!.slice(0, 10)} · Gold Damage on Ships${a === awards[4] ? ' (reverted)' : ''}`);
      expect(info.text).toContain(`Recent links: ${lines.join('\n')}`);
      expect(info.text).toMatch(/Links received: 5/);
    } finally {
      await g.stop();
      await meter.stop();
    }
  });
});
