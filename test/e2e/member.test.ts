import { addDays, utcDay } from '../../src/domain/dates';
import { opt, startHarness, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => (h = await startHarness()));
afterAll(() => h?.stop());

const today = () => utcDay();

describe('/member', () => {
  it('add: an officer adds a member with a join date and officer flag; the reply is public and pings nobody', async () => {
    const answer = await h.run(h.officer, 'member', 'add', [opt.user('user', h.alice.id), opt.str('join_date', '2025-01-15'), opt.bool('officer', false)]);
    expect(answer.ephemeral).toBe(false);
    expect(answer.text).toContain('Added to the roster');
    expect(answer.text).toContain('Sage');
    expect(answer.data.allowed_mentions).toEqual({ parse: [], users: [], replied_user: false });
    expect(await h.storage.services.members.get(h.alice.id)).toMatchObject({ join_date: '2025-01-15', is_officer: false, added_by: h.officer.id, links_received: 0 });
  });

  it('add: join_date defaults to the user’s Discord join date', async () => {
    const dana = h.newUser('dana', { joinedAt: '2026-10-01T18:30:00.000Z' });
    await h.run(h.officer, 'member', 'add', [opt.user('user', dana.id), opt.bool('officer', true)]);
    expect(await h.storage.services.members.get(dana.id)).toMatchObject({ join_date: '2026-10-01', is_officer: true });
  });

  it('add: refuses malformed and future dates and a second add, ephemerally, writing nothing', async () => {
    const erin = h.newUser('erin');
    for (const [date, message] of [
      ['2026-02-30', 'must be a real date written YYYY-MM-DD'],
      ['15/01/2025', 'must be a real date written YYYY-MM-DD'],
      [addDays(today(), 3), 'is in the future'],
    ]) {
      const answer = await h.run(h.officer, 'member', 'add', [opt.user('user', erin.id), opt.str('join_date', date)]);
      expect(answer.ephemeral).toBe(true);
      expect(answer.text).toContain(message);
    }
    expect(await h.storage.services.members.get(erin.id)).toBeUndefined();
    const again = await h.run(h.officer, 'member', 'add', [opt.user('user', h.alice.id)]);
    expect(again.ephemeral).toBe(true);
    expect(again.text).toContain('already on the roster');
  });

  it('info: shows rank, days, eligibility, links and history; defaults to self; unknown users get a hint', async () => {
    const mine = await h.run(h.alice, 'member', 'info', []);
    expect(mine.ephemeral).toBe(true);
    expect(mine.text).toMatch(/Rank: Sage/);
    expect(mine.text).toMatch(/May receive: Bronze, Silver, Gold/);
    expect(mine.text).toMatch(/Links received: 0/);
    expect(mine.text).toContain('No links yet.');
    const stranger = await h.run(h.alice, 'member', 'info', [opt.user('user', h.carol.id)]);
    expect(stranger.text).toContain('is not on the roster');
  });

  it('list: pages the roster with buttons and filters by rank with the select', async () => {
    for (let i = 0; i < 16; i++) {
      await h.storage.services.members.add({ discord_id: `30000000000000000${String(i).padStart(2, '0')}`, username: `m${i}`, join_date: '2026-11-20', is_officer: false, added_by: 'seed' });
    }
    const first = await h.run(h.bob, 'member', 'list', []);
    expect(first.text).toMatch(/page 1 of 2/);
    const buttons = h.emulator.buttonsOf(first.messageId!);
    expect(buttons.map((b) => b.label)).toEqual(['Previous', 'Next']);
    const second = await h.press(h.bob, first.messageId!, buttons[1].custom_id);
    expect(second.type).toBe(7);
    expect(second.text).toMatch(/page 2 of 2/);

    const select = h.emulator.messages.get(first.messageId!)!.components[1].components[0];
    const sages = await (async () => {
      const sent = h.emulator.chooseOption(h.bob, first.messageId!, select.custom_id, ['sage']);
      return h.emulator.answerTo(sent);
    })();
    const text = sages.data.embeds[0].description as string;
    expect(text).toContain(`<@${h.alice.id}>`);
    expect(text).not.toContain('Book Worm');

    const bookworms = await h.run(h.bob, 'member', 'list', [opt.str('rank', 'Book Worm')]);
    expect(bookworms.text).toMatch(/16 members/);
  });

  it('promote and demote set and clear the officer flag', async () => {
    expect((await h.run(h.officer, 'member', 'promote', [opt.user('user', h.alice.id)])).text).toContain('Promoted to officer');
    expect((await h.storage.services.members.get(h.alice.id))?.is_officer).toBe(true);
    expect((await h.run(h.officer, 'member', 'promote', [opt.user('user', h.alice.id)])).text).toContain('already');
    expect((await h.run(h.officer, 'member', 'demote', [opt.user('user', h.alice.id)])).text).toContain('No longer an officer');
    expect((await h.storage.services.members.get(h.alice.id))?.is_officer).toBe(false);
  });

  it('away: a member marks themself; others need an officer; past dates are refused', async () => {
    const until = addDays(today(), 7);
    const self = await h.run(h.alice, 'member', 'away', [opt.user('user', h.alice.id), opt.str('until', until)]);
    expect(self.text).toContain(`through ${until}`);
    expect((await h.storage.services.members.get(h.alice.id))?.away_until).toBe(until);

    await h.storage.services.members.add({ discord_id: h.bob.id, username: 'bob', join_date: '2025-01-01', is_officer: false, added_by: 'seed' });
    const other = await h.run(h.alice, 'member', 'away', [opt.user('user', h.bob.id), opt.str('until', until)]);
    expect(other.ephemeral).toBe(true);
    expect(other.text).toContain('only yourself');
    expect((await h.storage.services.members.get(h.bob.id))?.away_until).toBeUndefined();

    const past = await h.run(h.officer, 'member', 'away', [opt.user('user', h.bob.id), opt.str('until', '2020-01-01')]);
    expect(past.text).toContain('in the past');
    const byOfficer = await h.run(h.officer, 'member', 'away', [opt.user('user', h.bob.id), opt.str('until', until)]);
    expect(byOfficer.ephemeral).toBe(false);
    expect((await h.storage.services.members.get(h.bob.id))?.away_until).toBe(until);
  });

  it('remove: asks for confirmation; Cancel keeps, Remove removes and keeps history', async () => {
    const ask = await h.run(h.officer, 'member', 'remove', [opt.user('user', h.bob.id)]);
    expect(ask.ephemeral).toBe(true);
    expect(h.emulator.buttonsOf(ask.messageId!).map((b) => b.label)).toEqual(['Remove', 'Cancel']);
    const kept = await h.press(h.officer, ask.messageId!, h.emulator.buttonsOf(ask.messageId!)[1].custom_id);
    expect(kept.text).toContain('Kept');
    expect(await h.storage.services.members.get(h.bob.id)).toBeDefined();

    const again = await h.run(h.officer, 'member', 'remove', [opt.user('user', h.bob.id)]);
    const removed = await h.press(h.officer, again.messageId!, h.emulator.buttonsOf(again.messageId!)[0].custom_id);
    expect(removed.text).toContain('Their history is kept');
    expect(removed.data.components).toEqual([]);
    expect(await h.storage.services.members.get(h.bob.id)).toBeUndefined();
    const twice = await h.press(h.officer, again.messageId!, 'member:remove:' + h.bob.id);
    expect(twice.text).toContain('no longer on the roster');
  });
});
