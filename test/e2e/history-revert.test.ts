import { OptionType } from '../support/discord-emulator';
import { seedAward } from '../support/fixtures';
import { opt, startHarness, type Harness } from '../support/harness';

let h: Harness;
const awards: string[] = [];

beforeAll(async () => {
  h = await startHarness({ awsRules: true });
  await h.seedMember(h.alice);
  await h.seedMember(h.bob, { username: '=HYPERLINK("http://evil","x")' });
  await h.seedLinks('gold', 'Damage on Ships', 13);
  // 12 awards to Alice and 1 to Bob, a minute apart, oldest first.
  for (let i = 0; i < 13; i++) {
    const award = await seedAward(h.storage, { memberId: i === 12 ? h.bob.id : h.alice.id, by: h.officer.id, at: new Date(h.clock.nowMs() - (13 - i) * 60_000) });
    awards.push(award.distribution_id);
  }
});
afterAll(() => h?.stop());

describe('/history', () => {
  it('a member sees their own history by default, newest first, paginated with buttons', async () => {
    const first = await h.run(h.alice, 'history', null, []);
    expect(first.ephemeral).toBe(true);
    const lines = (first.data.embeds[0].description as string).split('\n').filter((l) => l.includes('Damage on Ships'));
    expect(lines).toHaveLength(10);
    expect(first.text).toContain(`<@${h.alice.id}>`);
    expect(first.text).not.toContain(`<@${h.bob.id}> ·`);
    const next = h.emulator.buttonsOf(first.messageId!).find((b) => b.label === 'Next')!;
    const second = await h.press(h.alice, first.messageId!, next.custom_id);
    expect((second.data.embeds[0].description as string).split('\n').filter((l) => l.includes('Damage on Ships'))).toHaveLength(2);
    expect(second.text).toContain('Page 2');
    const back = await h.press(h.alice, first.messageId!, h.emulator.buttonsOf(first.messageId!).find((b) => b.label === 'Previous')!.custom_id);
    expect(back.text).toContain('Page 1');
  });

  it('a member may not see someone else’s history; an officer sees anyone’s and the whole guild', async () => {
    const refused = await h.run(h.alice, 'history', null, [opt.user('member', h.bob.id)]);
    expect(refused.ephemeral).toBe(true);
    expect(refused.text).toContain('You can see only your own history');
    const bob = await h.run(h.officer, 'history', null, [opt.user('member', h.bob.id)]);
    expect(bob.text).toContain(`<@${h.bob.id}>`);
    const guild = await h.run(h.officer, 'history', null, [opt.str('quality', 'gold')]);
    expect(guild.text).toContain('Whole guild');
    // Newest first: Bob's award was the last one.
    expect((guild.data.embeds[0].description as string).split('\n')[2]).toContain(`<@${h.bob.id}>`);
    const silver = await h.run(h.officer, 'history', null, [opt.str('quality', 'silver')]);
    expect(silver.text).toContain('No links handed out yet.');
  });

  it('export attaches an RFC 4180 CSV of the whole history with formula cells neutralised', async () => {
    const answer = await h.run(h.officer, 'history', null, [opt.bool('export', true)]);
    expect(answer.type).toBe(5);
    expect(answer.files).toHaveLength(1);
    const csv = answer.files[0].text;
    expect(answer.files[0].name).toMatch(/^flavaflav-history-guild-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = csv.split('\r\n').filter(Boolean);
    expect(rows).toHaveLength(14);
    expect(rows[0]).toBe(
      'distribution_id,distributed_at,status,member_id,member_username,link_type,quality,bonus,link_id,list_id,policy,pool_size,drawn_before,rerolled_by,drawn_by,distributed_by,ended_by,method,delivered_at,delivered_by,reverted_by,reverted_at,notes',
    );
    expect(rows[1]).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(answer.text).toContain('13 entries for the whole guild');
    const own = await h.run(h.bob, 'history', null, [opt.bool('export', true)]);
    expect(own.files[0].text.split('\r\n').filter(Boolean)).toHaveLength(2);
  });
});

describe('/revert', () => {
  it('autocompletes recent confirmed distributions', async () => {
    const choices = await h.emulator.answerTo(
      h.emulator.sendAutocomplete(h.officer, 'revert', [{ name: 'distribution', type: OptionType.String, value: 'alice', focused: true }]),
    );
    expect(choices.data.choices).toHaveLength(12);
    expect(choices.data.choices[0].value).toBe(awards[11]);
  });

  it('asks for confirmation, then keeps the record as reverted and restores link and count; Cancel and a second revert change nothing', async () => {
    const target = awards[11];
    const ask = await h.run(h.officer, 'revert', null, [opt.str('distribution', target)]);
    expect(ask.ephemeral).toBe(true);
    expect(ask.text).toContain('Revert this distribution?');
    const labels = h.emulator.buttonsOf(ask.messageId!);
    const cancelled = await h.press(h.officer, ask.messageId!, labels[1].custom_id);
    expect(cancelled.text).toContain('Nothing was reverted');
    expect((await h.storage.services.distributions.get(target))?.status).toBe('confirmed');

    const again = await h.run(h.officer, 'revert', null, [opt.str('distribution', target)]);
    const revertId = h.emulator.buttonsOf(again.messageId!)[0].custom_id;
    const done = await h.press(h.officer, again.messageId!, revertId);
    expect(done.text).toContain('Distribution reverted');
    const record = await h.storage.services.distributions.get(target, true);
    expect(record).toMatchObject({ status: 'reverted', reverted_by: h.officer.id });
    expect((await h.storage.services.inventory.get(record!.link_id, true))?.is_available).toBe('true');
    expect((await h.storage.services.members.get(h.alice.id, true))?.counters?.links_received).toBe(11);

    // The buttons are gone; a stale client pressing Revert again changes nothing.
    const twice = await h.forge(h.officer, again.messageId!, revertId);
    expect(twice.text).toContain('already been reverted');
    const command = await h.run(h.officer, 'revert', null, [opt.str('distribution', target)]);
    expect(command.text).toContain('already been reverted');
    expect((await h.storage.services.members.get(h.alice.id, true))?.counters?.links_received).toBe(11);
    const history = await h.run(h.alice, 'history', null, []);
    expect(history.text).toContain('reverted');
  });

  it('explains an unknown distribution', async () => {
    const answer = await h.run(h.officer, 'revert', null, [opt.str('distribution', 'dist_nope')]);
    expect(answer.text).toContain('There is no such distribution');
  });
});
