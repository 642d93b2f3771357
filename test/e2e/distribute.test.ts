import { OptionType } from '../support/discord-emulator';
import { opt, startHarness, type Answered, type Harness } from '../support/harness';

// Each test gets its own guild (tables, emulator, bot), so any one of them runs alone.
let h: Harness;
const seedLinks = (quality: 'bronze' | 'silver' | 'gold', typeName: string, count = 1) => h.seedLinks(quality, typeName, count);
const button = (a: Answered, label: string) => {
  const found = h.emulator.buttonsOf(a.messageId!).find((b) => b.label === label);
  if (!found) throw new Error(`no ${label} button`);
  return found.custom_id;
};
const winnerOf = (a: Answered) => /Winner: <@(\d+)>/.exec(a.text)?.[1];

beforeEach(async () => {
  h = await startHarness();
  await h.seedMember(h.alice);
  await h.seedMember(h.bob);
  await h.seedMember(h.carol);
});
afterEach(() => h?.stop());

describe('/distribute', () => {
  it('draws among eligible members, posts a public draft that pings only the winner, and Confirm awards the oldest link', async () => {
    const [oldest] = await seedLinks('gold', 'Damage on Ships');
    await seedLinks('gold', 'Damage on Ships');
    const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'gold')]);
    expect(draft.ephemeral).toBe(false);
    const winner = winnerOf(draft)!;
    expect([h.alice.id, h.bob.id, h.carol.id]).toContain(winner);
    expect(draft.data.allowed_mentions).toEqual({ parse: [], users: [winner], replied_user: false });
    expect(draft.text).toContain('Link type: Damage on Ships');
    expect(draft.text).toContain('Quality: Gold');
    expect(draft.text).toContain('Bonus: +4.50%');
    expect(draft.text).toContain('Pool size: 3');
    expect(h.emulator.buttonsOf(draft.messageId!).map((b) => b.label)).toEqual(['Confirm', 'Reroll', 'Cancel']);

    const confirmed = await h.press(h.officer, draft.messageId!, button(draft, 'Confirm'));
    expect(confirmed.type).toBe(7);
    expect(confirmed.text).toContain('link awarded');
    expect(confirmed.data.components).toEqual([]);
    expect(h.emulator.messages.get(draft.messageId!)!.components).toEqual([]);

    const history = await h.storage.services.distributions.forMember(winner);
    expect(history.items).toHaveLength(1);
    expect(history.items[0]).toMatchObject({ link_id: oldest.link_id, pool_size: 3, drawn_before: [], distributed_by: h.officer.id, status: 'confirmed', method: 'discord' });
    expect((await h.storage.services.inventory.get(oldest.link_id))?.is_available).toBe('false');
    expect((await h.storage.services.members.get(winner))?.links_received).toBe(1);

    const announcement = await h.emulator.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${h.announceChannelId}/messages`);
    expect(announcement.body.content).toContain(`<@${winner}> received a gold link: Damage on Ships`);
    expect(announcement.body.allowed_mentions).toEqual({ parse: [], users: [winner] });
  });

  it('Reroll draws someone not drawn yet and records who was rerolled; the pool running out is explained', async () => {
    await seedLinks('silver', 'Ship Cannon Damage');
    const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'silver')]);
    const drawn = [winnerOf(draft)!];
    let last = draft;
    for (let i = 0; i < 2; i++) {
      last = await h.press(h.officer, draft.messageId!, button(draft, 'Reroll'));
      const next = winnerOf(last)!;
      expect(drawn).not.toContain(next);
      drawn.push(next);
    }
    expect(last.text).toContain('Rerolled:');
    const exhausted = await h.press(h.officer, draft.messageId!, button(draft, 'Reroll'));
    expect(exhausted.ephemeral).toBe(true);
    expect(exhausted.text).toContain('Everyone in the pool (3 members) has been drawn');

    await h.press(h.officer, draft.messageId!, button(draft, 'Confirm'));
    const record = (await h.storage.services.distributions.forMember(drawn[2])).items.find((d) => d.quality === 'silver')!;
    expect(record.drawn_before).toEqual(drawn.slice(0, 2));
  });

  it('Cancel ends the draft: nothing is written and the buttons are gone', async () => {
    const [link] = await seedLinks('bronze', 'Crewmember Damage');
    const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'bronze'), opt.str('link_type', 'Crewmember Damage')]);
    const confirmId = button(draft, 'Confirm');
    const cancelled = await h.press(h.admin, draft.messageId!, button(draft, 'Cancel'));
    expect(cancelled.text).toContain('Draw cancelled');
    expect(cancelled.data.components).toEqual([]);
    expect((await h.storage.services.inventory.get(link.link_id))?.is_available).toBe('true');
    const late = await h.forge(h.officer, draft.messageId!, confirmId);
    expect(late.ephemeral).toBe(true);
    expect(late.text).toContain('This draw has expired');
  });

  it('two officers pressing Confirm at once → exactly one award', async () => {
    const [link] = await seedLinks('gold', 'Crewmember Damage Resistance');
    const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'gold'), opt.str('link_type', 'Crewmember Damage Resistance')]);
    const id = button(draft, 'Confirm');
    const [a, b] = await Promise.all([h.press(h.officer, draft.messageId!, id), h.press(h.admin, draft.messageId!, id)]);
    const texts = [a.text, b.text];
    expect(texts.filter((t) => t.includes('link awarded'))).toHaveLength(1);
    expect(texts.filter((t) => /confirming this draw right now|This draw has expired/.test(t))).toHaveLength(1);
    const all = await h.storage.services.distributions.exportAll();
    expect(all.filter((d) => d.link_id === link.link_id)).toHaveLength(1);
  });

  it('member names the winner without a draw; a Book Worm is refused', async () => {
    await seedLinks('bronze', 'Crewmember Damage');
    const newbie = h.newUser('newbie');
    await h.seedMember(newbie, { days: 0 });
    const refused = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'bronze'), opt.user('member', newbie.id)]);
    expect(refused.ephemeral).toBe(true);
    expect(refused.text).toContain('is a Book Worm and cannot receive bronze links yet');

    const named = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'bronze'), opt.user('member', h.carol.id)]);
    expect(winnerOf(named)).toBe(h.carol.id);
    expect(named.text).toContain('named by an officer');
    await h.press(h.officer, named.messageId!, button(named, 'Confirm'));
    expect((await h.storage.services.members.get(h.carol.id))?.links_received).toBeGreaterThanOrEqual(1);
  });

  it('draws from the active list for the quality, skips members away, and moves the winner to the served', async () => {
    await seedLinks('silver', 'Damage on Ships', 2);
    const list = await h.storage.services.lists.create({ list_name: 'Silver line', quality: 'silver', eligible_members: [h.alice.id, h.bob.id], created_by: 'seed' });
    if (!list.ok) throw new Error('list');
    await h.storage.services.members.setAway(h.bob.id, h.clock.daysAgo(-3));
    const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'silver')]);
    expect(winnerOf(draft)).toBe(h.alice.id);
    expect(draft.text).toContain('Pool size: 1');
    expect(draft.text).toContain('list “Silver line”');
    await h.press(h.officer, draft.messageId!, button(draft, 'Confirm'));
    const after = await h.storage.services.lists.get(list.list.list_id, true);
    expect(after?.eligible_members).toEqual([h.bob.id]);
    expect(after?.winners).toEqual([h.alice.id]);

    // Only Bob waits, and he is away: nobody can be drawn.
    const empty = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'silver'), opt.str('list', list.list.list_id)]);
    expect(empty.ephemeral).toBe(true);
    expect(empty.text).toContain('Nobody on list “Silver line” can receive a silver link right now');
  });

  it('explains an empty stock and a list of the wrong quality; link_type autocompletes from stock', async () => {
    await seedLinks('silver', 'Damage on Ships');
    await seedLinks('gold', 'Damage on Ships');
    const none = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'gold'), opt.str('link_type', 'Ship Cannon Damage')]);
    expect(none.ephemeral).toBe(true);
    expect(none.text).toContain('No gold Ship Cannon Damage links are in stock');
    const bronzeList = await h.storage.services.lists.create({ list_name: 'Bronze line', quality: 'bronze', eligible_members: [h.alice.id], created_by: 'seed' });
    if (!bronzeList.ok) throw new Error('list');
    const wrong = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'silver'), opt.str('list', bronzeList.list.list_id)]);
    expect(wrong.text).toContain('That list hands out bronze links, not silver');
    const choices = await h.emulator.answerTo(
      h.emulator.sendAutocomplete(h.officer, 'distribute', [
        { name: 'quality', type: OptionType.String, value: 'silver' },
        { name: 'link_type', type: OptionType.String, value: '', focused: true },
      ]),
    );
    expect(choices.data.choices).toEqual([{ name: 'Damage on Ships (1 silver)', value: 'Damage on Ships' }]);
  });
});

describe('draft expiry', () => {
  let short: Harness;
  beforeEach(async () => {
    short = await startHarness({ draftTtlMs: 400 });
    await short.seedMember(short.alice);
    await short.seedLinks('gold', 'Damage on Ships');
  });
  afterEach(() => short?.stop());

  it('an expired draft loses its buttons and a late press gets a clear ephemeral answer; nothing is awarded', async () => {
    const draft = await short.run(short.officer, 'distribute', null, [opt.str('quality', 'gold')]);
    const confirmId = short.emulator.buttonsOf(draft.messageId!).find((b) => b.label === 'Confirm')!.custom_id;
    const edit = await short.emulator.waitForRequest((r) => r.method === 'PATCH' && r.path.endsWith(`/${draft.interaction.token}/messages/@original`));
    expect(edit.body.content).toContain('This draw expired; nobody was awarded');
    expect(edit.body.components).toEqual([]);
    const late = await short.forge(short.officer, draft.messageId!, confirmId);
    expect(late.ephemeral).toBe(true);
    expect(late.text).toContain('This draw has expired');
    expect(await short.storage.services.distributions.exportAll()).toEqual([]);
  });

  it('a button from before a restart (unknown draft) is answered as expired', async () => {
    const draft = await short.run(short.officer, 'distribute', null, [opt.str('quality', 'gold')]);
    const stale = await short.forge(short.officer, draft.messageId!, 'distribute:confirm:00000000-0000-4000-8000-000000000000');
    expect(stale.text).toContain('This draw has expired (draws last 15 minutes and end when the bot restarts)');
    const garbage = await short.forge(short.officer, draft.messageId!, 'not a flavaflav id');
    expect(garbage.text).toContain('These buttons have expired');
  });
});
