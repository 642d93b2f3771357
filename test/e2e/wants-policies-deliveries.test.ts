import { eventually } from '../support/eventually';
import { OptionType } from '../support/discord-emulator';
import { seedAward } from '../support/fixtures';
import { opt, startHarness, type Answered, type Harness } from '../support/harness';

// Each test gets its own guild (tables, emulator, bot), so any one of them runs alone.
let h: Harness;
beforeEach(async () => (h = await startHarness({ awsRules: true })));
afterEach(() => h?.stop());

const button = (a: Answered | string, label: string) => {
  const found = h.emulator.buttonsOf(typeof a === 'string' ? a : a.messageId!).find((b) => b.label === label);
  if (!found) throw new Error(`no ${label} button`);
  return found.custom_id;
};
const winnerOf = (a: Answered) => /Winner: <@(\d+)>/.exec(a.text)?.[1];
const daysAgo = (n: number) => new Date(h.clock.nowMs() - n * 86_400_000);

describe('/want', () => {
  it('stores, lists, caps at 10 and removes wants; /member info shows them; /inventory add counts who wants what was added', async () => {
    await h.seedMember(h.alice);
    await h.seedMember(h.bob);
    const types = ['Melee Damage', 'Melee Accuracy', 'Melee Defense', 'Spell Damage', 'Meditation Rate', 'Damage on Ships', 'Ship Cannon Damage', 'Crewmember Damage', 'Follower Damage', 'Cavernam Damage'];
    for (const type of types) {
      const added = await h.run(h.alice, 'want', 'add', [opt.str('link_type', type)]);
      expect(added.text).toContain(`Added: ${type}`);
    }
    const eleventh = await h.run(h.alice, 'want', 'add', [opt.str('link_type', 'Inferno Damage')]);
    expect(eleventh.ephemeral).toBe(true);
    expect(eleventh.text).toContain('You already want 10 link types, the most anyone can');
    const twice = await h.run(h.alice, 'want', 'add', [opt.str('link_type', 'melee damage')]);
    expect(twice.text).toContain('You already want Melee Damage');
    const list = await h.run(h.bob, 'want', 'list', [opt.user('member', h.alice.id)]);
    expect(list.text).toContain('10 of 10');
    expect(list.text).toContain('Cavernam Damage');
    const removed = await h.run(h.alice, 'want', 'remove', [opt.str('link_type', 'Cavernam Damage')]);
    expect(removed.text).toContain('9 of 10');
    const notWanted = await h.run(h.alice, 'want', 'remove', [opt.str('link_type', 'Cavernam Damage')]);
    expect(notWanted.text).toContain('is not among the link types you want');
    // Suggestions read the member without ConsistentRead (half the cost, and only a suggestion): on
    // AWS they may lag the wants just written by a moment.
    const suggested = () =>
      h.emulator
        .answerTo(h.emulator.sendAutocomplete(h.alice, 'want', [{ name: 'remove', type: OptionType.Subcommand, options: [{ name: 'link_type', type: OptionType.String, value: 'melee', focused: true }] }]))
        .then((choices) => choices.data.choices.map((c: { value: string }) => c.value).sort());
    const melee = ['Melee Accuracy', 'Melee Damage', 'Melee Defense'];
    expect(await eventually(suggested, (values) => JSON.stringify(values) === JSON.stringify(melee))).toEqual(melee);

    const info = await h.run(h.alice, 'member', 'info', []);
    expect(info.text).toContain('Wants: ');
    expect(info.text).toContain('Spell Damage');
    await h.run(h.bob, 'want', 'add', [opt.str('link_type', 'Spell Damage')]);
    const stock = await h.run(h.officer, 'inventory', 'add', [opt.str('link_type', 'Spell Damage'), opt.str('quality', 'silver')]);
    expect(stock.text).toContain('Wanted by: 2 members');
  });

  it('five draws of a wanted type all pick members who want it, and the draft says how many want it', async () => {
    const members = [h.alice, h.bob, h.carol, h.newUser('dan'), h.newUser('erin'), h.newUser('fay')];
    for (const m of members) await h.seedMember(m);
    await h.storage.services.wants.add(h.bob.id, 'Damage on Ships');
    await h.storage.services.wants.add(members[4].id, 'Damage on Ships');
    await h.seedLinks('gold', 'Damage on Ships');
    for (let i = 0; i < 5; i++) {
      const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'gold')]);
      expect([h.bob.id, members[4].id]).toContain(winnerOf(draft));
      expect(draft.text).toContain('2 of 6 members in the pool want this link');
      await h.press(h.officer, draft.messageId!, button(draft, 'Cancel'));
    }
  });
});

describe('draw policies', () => {
  /** Alice: 1 gold in the window; Bob: 2, the last 140 days ago; Carol: 3, the last 100 days ago. */
  async function seedHistory() {
    for (const m of [h.alice, h.bob, h.carol]) await h.seedMember(m, { days: 800 });
    await h.seedLinks('gold', 'Damage on Ships', 7);
    const awards: [string, number][] = [[h.alice.id, 10], [h.bob.id, 150], [h.bob.id, 140], [h.carol.id, 120], [h.carol.id, 110], [h.carol.id, 100]];
    const at = new Map<number, string>();
    for (const [memberId, days] of awards) at.set(days, (await seedAward(h.storage, { memberId, at: daysAgo(days) })).distributed_at!);
    return at;
  }

  it('fewest picks the member with the fewest links of that quality in the window, and the record names the policy and figures', async () => {
    const at = await seedHistory();
    const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'gold'), opt.str('policy', 'fewest')]);
    expect(winnerOf(draft)).toBe(h.alice.id);
    expect(draft.text).toContain('Policy: fewest');
    expect(draft.text).toContain('Winner: 1 gold link in the window');
    expect(draft.text).toContain('pool: 1–3');
    const [open] = await h.storage.services.draws.openDraws();
    expect(open.policy).toBe('fewest');
    // The figures are kept on the draw's pool items, written once.
    expect(Object.fromEntries((await h.storage.services.draws.pools.read(open.distribution_id, open.pool_chunks!)).figures)).toEqual({
      [h.alice.id]: { count: 1, last: at.get(10) },
      [h.bob.id]: { count: 2, last: at.get(140) },
      [h.carol.id]: { count: 3, last: at.get(100) },
    });
  });

  it('longest picks the member whose last link of that quality is oldest; DRAW_POLICY sets the default', async () => {
    await seedHistory();
    const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'gold'), opt.str('policy', 'longest')]);
    expect(winnerOf(draft)).toBe(h.bob.id);
    expect(draft.text).toContain('Policy: longest');
    await h.press(h.officer, draft.messageId!, button(draft, 'Confirm'));
    expect((await h.storage.services.distributions.forMember(h.bob.id, { limit: 1 })).items[0]).toMatchObject({ policy: 'longest', status: 'confirmed' });
    await h.stop();

    h = await startHarness({ awsRules: true, env: { DRAW_POLICY: 'fewest' } });
    for (const m of [h.alice, h.bob]) await h.seedMember(m, { days: 800 });
    await h.seedLinks('gold', 'Damage on Ships', 2);
    await seedAward(h.storage, { memberId: h.bob.id, at: daysAgo(5) });
    const byDefault = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'gold')]);
    expect(winnerOf(byDefault)).toBe(h.alice.id);
    expect(byDefault.text).toContain('Policy: fewest');
  });
});

describe('delivery', () => {
  it('Delivered is recorded once by the winner, refused to a stranger, and a second press changes nothing; /deliveries lists what is left', async () => {
    for (const m of [h.alice, h.bob]) await h.seedMember(m);
    await h.seedLinks('gold', 'Damage on Ships', 2);
    const first = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'gold'), opt.user('member', h.alice.id)]);
    await h.press(h.officer, first.messageId!, button(first, 'Confirm'));
    const second = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'gold'), opt.user('member', h.bob.id)]);
    await h.press(h.officer, second.messageId!, button(second, 'Confirm'));

    // The awards are found through the date-index, which may lag a moment behind the Confirms on AWS.
    const before = await eventually(() => h.run(h.officer, 'deliveries', null, []), (a) => a.text.includes('2 awards undelivered'));
    expect(before.ephemeral).toBe(true);
    expect(before.text).toContain('2 awards undelivered');
    expect(before.data.embeds[0].description.indexOf(h.alice.id)).toBeLessThan(before.data.embeds[0].description.indexOf(h.bob.id));
    const onlyOfficers = await h.run(h.alice, 'deliveries', null, []);
    expect(onlyOfficers.text).toContain('Only officers can do that');

    const deliveredId = button(first, 'Delivered');
    const stranger = await h.press(h.carol, first.messageId!, deliveredId);
    expect(stranger.ephemeral).toBe(true);
    expect(stranger.text).toContain('Only an officer, or the member who won it');
    const byWinner = await h.press(h.alice, first.messageId!, deliveredId);
    expect(byWinner.text).toContain(`Delivered: <t:`);
    expect(h.emulator.buttonsOf(first.messageId!)).toEqual([]);
    const record = (await h.storage.services.distributions.forMember(h.alice.id)).items[0];
    expect(record).toMatchObject({ delivered_by: h.alice.id });
    const again = await h.forge(h.officer, first.messageId!, deliveredId);
    expect(again.text).toContain('already marked delivered');
    expect((await h.storage.services.distributions.forMember(h.alice.id)).items[0]).toEqual(record);

    const after = await h.run(h.officer, 'deliveries', null, []);
    expect(after.text).toContain('1 award undelivered');
    expect(after.text).not.toContain(h.alice.id);
    const viaList = await h.press(h.officer, after.messageId!, button(after, '1 delivered'));
    expect(viaList.text).toContain('Every award of the last 30 days has been delivered');
    // The award's own message follows: its Delivered button goes.
    await h.emulator.waitForRequest((r) => r.method === 'PATCH' && r.path === `/channels/${h.emulator.channelId}/messages/${second.messageId}`);
    expect(h.emulator.buttonsOf(second.messageId!)).toEqual([]);
    expect(h.emulator.messages.get(second.messageId!)!.embeds[0].fields.find((f: { name: string }) => f.name === 'Delivered').value).toContain(`<@${h.officer.id}>`);
    const history = await h.run(h.officer, 'history', null, [opt.user('member', h.bob.id)]);
    expect(history.text).toContain('delivered');
  });

  it('the daily reminder lists only awards undelivered past DELIVERY_REMINDER_HOURS, once a day', async () => {
    await h.stop();
    h = await startHarness({ awsRules: true, env: { DELIVERY_REMINDER_HOURS: '48' } });
    for (const m of [h.alice, h.bob]) await h.seedMember(m);
    await h.seedLinks('gold', 'Damage on Ships', 2);
    await seedAward(h.storage, { memberId: h.alice.id, at: new Date(h.clock.nowMs() - 49 * 3_600_000) });
    await seedAward(h.storage, { memberId: h.bob.id, at: new Date(h.clock.nowMs() - 2 * 3_600_000) });

    const since = h.emulator.requests.length;
    await h.app.schedule.runNow('delivery-reminder');
    const reminder = await h.emulator.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${h.announceChannelId}/messages`, { since });
    expect(reminder.body.content).toContain('1 award not handed over in game for more than 48 hours');
    expect(reminder.body.embeds[0].description).toContain(`<@${h.alice.id}>`);
    expect(reminder.body.embeds[0].description).not.toContain(`<@${h.bob.id}>`);
    const posted = [...h.emulator.messages.values()].find((m) => m.channel_id === h.announceChannelId)!;
    expect(h.emulator.pingedUsers(posted.id)).toEqual([]);

    // Later the same day: nothing more. The next day, Bob's award is overdue too.
    const count = () => h.emulator.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${h.announceChannelId}/messages`).length;
    await h.app.schedule.runNow('delivery-reminder');
    expect(count()).toBe(1);
    h.clock.advanceDays(2);
    await h.app.schedule.runNow('delivery-reminder');
    expect(count()).toBe(2);
  });
});
