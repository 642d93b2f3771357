import { eventually } from '../support/eventually';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { MAX_REROLLS } from '../../src/domain/draw';
import { itemBytes } from '../../src/services/draws';
import { OptionType } from '../support/discord-emulator';
import { testEndpoint } from '../support/dynamo';
import { DynamoProxy } from '../support/dynamo-proxy';
import { answerText, opt, startHarness, type Answered, type Harness } from '../support/harness';

// Each test gets its own guild (tables, emulator, bot), so any one of them runs alone.
let h: Harness;
const button = (a: Answered | string, label: string) => {
  const found = h.emulator.buttonsOf(typeof a === 'string' ? a : a.messageId!).find((b) => b.label === label);
  if (!found) throw new Error(`no ${label} button`);
  return found.custom_id;
};
const winnerOf = (text: string) => /Winner: <@(\d+)>/.exec(text)?.[1];
const shownWinner = (messageId: string) => winnerOf(h.emulator.messages.get(messageId)!.embeds[0]?.description ?? '');
const draw = (quality = 'gold', extra: ReturnType<typeof opt.str>[] = []) => h.run(h.officer, 'distribute', null, [opt.str('quality', quality), ...extra]);
const records = async () => (await h.storage.services.distributions.exportAll()).filter((d) => d.status !== 'drawn');

describe('/distribute', () => {
  beforeEach(async () => {
    h = await startHarness({ awsRules: true });
    await h.seedMember(h.alice);
    await h.seedMember(h.bob);
    await h.seedMember(h.carol);
  });
  afterEach(() => h?.stop());

  it('writes the draw, then posts a public draft that pings only the winner and shows their standing and the pool; Confirm awards the oldest link', async () => {
    const [oldest] = await h.seedLinks('gold', 'Damage on Ships');
    await h.seedLinks('gold', 'Damage on Ships');
    await h.seedMember(h.newUser('newbie'), { days: 3 });
    const draft = await draw();
    expect(draft.ephemeral).toBe(false);
    const winner = winnerOf(draft.text)!;
    expect([h.alice.id, h.bob.id, h.carol.id]).toContain(winner);
    // A slow answer is deferred and then filled in by an edit, which pings nobody: a follow-up does.
    if (draft.type === 5) await h.emulator.waitForFollowUp(draft.interaction);
    expect(h.emulator.pingedBy(draft.interaction)).toEqual([winner]);
    expect(draft.text).toContain('Link type: Damage on Ships');
    expect(draft.text).toContain('Quality: Gold');
    expect(draft.text).toContain('Bonus: +4.50%');
    expect(draft.text).toContain('Rank: Sage · 400 days');
    expect(draft.text).toContain('Links received: 0');
    expect(draft.text).toContain('Last link: never');
    expect(draft.text).toContain('3 in the pool · left out: 1 too new · drawn from every member eligible for gold');
    expect(h.emulator.buttonsOf(draft.messageId!).map((b) => b.label)).toEqual(['Confirm', 'Reroll', 'Cancel']);
    // The record was written before the message (where the message is, the sweep test shows).
    const [open] = await h.storage.services.draws.openDraws();
    expect(open).toMatchObject({ status: 'drawn', winner_id: winner, pool_size: 3 });

    const confirmed = await h.press(h.officer, draft.messageId!, button(draft, 'Confirm'));
    expect(confirmed.type).toBe(7);
    expect(confirmed.text).toContain('link awarded');
    expect(h.emulator.buttonsOf(draft.messageId!).map((b) => b.label)).toEqual(['Delivered']);
    const [record] = await records();
    expect(record).toMatchObject({ link_id: oldest.link_id, member_id: winner, pool_size: 3, drawn_before: [], distributed_by: h.officer.id, status: 'confirmed', method: 'discord' });
    expect((await h.storage.services.inventory.get(oldest.link_id))?.is_available).toBe('false');
    expect((await h.storage.services.members.get(winner))?.counters?.links_received).toBe(1);

    const announcement = await h.emulator.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${h.announceChannelId}/messages`);
    expect(announcement.body.content).toContain(`<@${winner}> received a gold link: Damage on Ships`);
    const announced = [...h.emulator.messages.values()].find((m) => m.channel_id === h.announceChannelId)!;
    expect(h.emulator.pingedUsers(announced.id)).toEqual([winner]);
  });

  it('40 rerolls in a row (the most a draw keeps) are all answered, each new winner is pinged, and the message always names whom Confirm awards', async () => {
    for (let i = 0; i < 58; i++) await h.seedMember(h.newUser(`m${i}`));
    await h.seedLinks('silver', 'Ship Cannon Damage');
    const draft = await draw('silver');
    const drawn = [winnerOf(draft.text)!];
    for (let i = 0; i < MAX_REROLLS; i++) {
      const rolled = await h.press(h.officer, draft.messageId!, button(draft, 'Reroll'));
      expect(rolled.type).toBe(7);
      const next = shownWinner(draft.messageId!)!;
      expect(drawn).not.toContain(next);
      drawn.push(next);
      const ping = await h.emulator.waitForFollowUp(rolled.interaction);
      expect(ping.body.content).toContain(`<@${next}> has been drawn`);
    }
    const message = h.emulator.messages.get(draft.messageId!)!;
    // Everyone rerolled is named, in order (40 mentions fit one field).
    expect(message.embeds[0].fields.find((f: { name: string }) => f.name.startsWith('Rerolled'))?.value).toBe(drawn.slice(0, MAX_REROLLS).map((id) => `<@${id}>`).join(' '));
    // The record names everyone drawn before: it stays bounded, so Reroll ends here.
    expect(h.emulator.buttonsOf(draft.messageId!).find((b) => b.label === 'Reroll')?.disabled).toBe(true);
    const refused = await h.forge(h.officer, draft.messageId!, button(draft, 'Reroll'));
    expect(refused.text).toContain(`rerolled ${MAX_REROLLS} times`);
    await h.press(h.officer, draft.messageId!, button(draft, 'Confirm'));
    const [record] = await records();
    expect(record.member_id).toBe(drawn[MAX_REROLLS]);
    expect(record.drawn_before).toEqual(drawn.slice(0, MAX_REROLLS));
    expect(record.drawn_before_names).toHaveLength(MAX_REROLLS);
    expect(record.rerolled_by).toHaveLength(MAX_REROLLS);
    const raw = (await h.storage.db.send(new GetCommand({ TableName: h.storage.tables.distributions, Key: { distribution_id: record.distribution_id }, ConsistentRead: true }))).Item!;
    expect(itemBytes(raw)).toBeLessThan(4_096);
  });

  it('Cancel ends the draw: nobody is awarded, the record stays cancelled, and a stale Confirm is refused', async () => {
    const [link] = await h.seedLinks('bronze', 'Crewmember Damage');
    const draft = await draw('bronze', [opt.str('link_type', 'Crewmember Damage')]);
    const confirmId = button(draft, 'Confirm');
    const cancelled = await h.press(h.admin, draft.messageId!, button(draft, 'Cancel'));
    expect(cancelled.text).toContain(`Draw cancelled by <@${h.admin.id}>; nobody was awarded`);
    expect(cancelled.data.components).toEqual([]);
    expect((await h.storage.services.inventory.get(link.link_id))?.is_available).toBe('true');
    const late = await h.forge(h.officer, draft.messageId!, confirmId);
    expect(late.ephemeral).toBe(true);
    expect(late.text).toContain('This draw was cancelled');
    expect(await records()).toMatchObject([{ status: 'cancelled', ended_by: h.admin.id }]);
  });

  it('a draw cancelled elsewhere before its message was recorded (the web, the sweep) has that message edited: no live Confirm is left', async () => {
    await h.seedLinks('bronze', 'Crewmember Damage');
    const draws = h.app.services.draws;
    const place = draws.setMessage.bind(draws);
    // The web cancels the draw between the post of its message and the record of where it is.
    const spy = jest.spyOn(draws, 'setMessage').mockImplementation(async (id, channelId, messageId) => {
      expect((await draws.cancel(id, h.admin.id, 'web')).ok).toBe(true);
      return place(id, channelId, messageId);
    });
    const draft = await draw('bronze', [opt.str('link_type', 'Crewmember Damage')]);
    const buttons = await eventually(
      async () => h.emulator.buttonsOf(draft.messageId!).map((b) => b.label),
      (labels) => !labels.includes('Confirm'),
    );
    spy.mockRestore();
    expect(buttons).toEqual([]);
    expect(answerText(h.emulator.messages.get(draft.messageId!))).toContain(`Draw cancelled by <@${h.admin.id}>; nobody was awarded`);
  });

  it('/history shows officers a cancelled draw with its pool size and rerolls; a member’s own history does not', async () => {
    await h.seedLinks('gold', 'Damage on Ships');
    const draft = await draw();
    await h.press(h.officer, draft.messageId!, button(draft, 'Reroll'));
    const shown = shownWinner(draft.messageId!)!;
    await h.press(h.officer, draft.messageId!, button(draft, 'Cancel'));
    // Guild-wide history is read through the date-index, which may lag a moment behind the cancel on AWS.
    const guild = await eventually(() => h.run(h.officer, 'history', null, []), (a) => !a.text.includes('No links handed out yet'));
    expect(guild.text).toContain('~~cancelled draw~~ · Gold Damage on Ships (+4.50%) · pool 3 · 1 reroll');
    for (const member of [h.alice, h.bob, h.carol]) {
      const own = await h.run(member, 'history', null, []);
      expect(own.text).toContain('No links handed out yet.');
    }
    const exported = await h.run(h.officer, 'history', null, [opt.bool('export', true)]);
    const [header, row] = exported.files[0].text.split('\r\n');
    const cells = Object.fromEntries(header.split(',').map((c, i) => [c, row.split(',')[i]]));
    expect(cells).toMatchObject({ status: 'cancelled', pool_size: '3', drawn_before: winnerOf(draft.text), ended_by: h.officer.id });
    expect(cells.member_id).toBe('');
    expect(shown).not.toBe(winnerOf(draft.text));
  });

  it('a /revert of the award edits the award’s own message', async () => {
    await h.seedLinks('gold', 'Damage on Ships');
    const draft = await draw('gold', [opt.user('member', h.alice.id)]);
    await h.press(h.officer, draft.messageId!, button(draft, 'Confirm'));
    const [award] = await records();
    const ask = await h.run(h.officer, 'revert', null, [opt.str('distribution', award.distribution_id)]);
    await h.press(h.officer, ask.messageId!, button(ask, 'Revert'));
    await h.emulator.waitForRequest((r) => r.method === 'PATCH' && r.path === `/channels/${h.emulator.channelId}/messages/${draft.messageId}`);
    expect(h.emulator.messages.get(draft.messageId!)!.content).toContain('This award was reverted.');
    expect(h.emulator.buttonsOf(draft.messageId!)).toEqual([]);
  });

  it('two officers pressing Confirm at once → exactly one award', async () => {
    const [link] = await h.seedLinks('gold', 'Crewmember Damage Resistance');
    const draft = await draw('gold', [opt.str('link_type', 'Crewmember Damage Resistance')]);
    const id = button(draft, 'Confirm');
    const [a, b] = await Promise.all([h.press(h.officer, draft.messageId!, id), h.press(h.admin, draft.messageId!, id)]);
    // The other press saw the award made, or still being made: either way, not another one.
    expect([a, b].filter((x) => x.text.includes('link awarded')).length).toBeGreaterThanOrEqual(1);
    expect([a, b].every((x) => x.text.includes('link awarded') || (x.ephemeral && x.text.includes('confirming this draw')))).toBe(true);
    expect((await records()).filter((d) => d.link_id === link.link_id)).toHaveLength(1);
    // Announced once, however many presses saw the award.
    await h.emulator.waitForRequest((r) => r.method === 'POST' && r.path === `/channels/${h.announceChannelId}/messages`);
    expect(await h.storage.services.draws.claimAnnouncement((await records())[0].distribution_id)).toBe(false);
    expect(h.emulator.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${h.announceChannelId}/messages`)).toHaveLength(1);
  });

  it('Confirm and Cancel pressed at once by two officers give exactly one outcome', async () => {
    const [link] = await h.seedLinks('gold', 'Damage on Ships');
    const draft = await draw();
    const [confirm, cancel] = await Promise.all([h.press(h.officer, draft.messageId!, button(draft, 'Confirm')), h.press(h.admin, draft.messageId!, button(draft, 'Cancel'))]);
    const [record] = await records();
    expect(['confirmed', 'cancelled']).toContain(record.status);
    expect((await h.storage.services.inventory.get(link.link_id))?.is_available).toBe(record.status === 'confirmed' ? 'false' : 'true');
    // The loser of the race was told what happened, ephemerally; the message shows the winner of it.
    const loser = record.status === 'confirmed' ? cancel : confirm;
    expect(loser.ephemeral).toBe(true);
    expect(h.emulator.messages.get(draft.messageId!)!.content).toContain(record.status === 'confirmed' ? 'receives a gold link' : 'Draw cancelled');
  });

  it('member names the winner without a draw; a Book Worm and someone outside the server are refused', async () => {
    await h.seedLinks('bronze', 'Crewmember Damage');
    const newbie = h.newUser('newbie');
    await h.seedMember(newbie, { days: 0 });
    const refused = await draw('bronze', [opt.user('member', newbie.id)]);
    expect(refused.ephemeral).toBe(true);
    expect(refused.text).toContain('cannot receive bronze links yet');
    const stranger = h.newUser('stranger', { inGuild: false });
    const outside = await draw('bronze', [opt.user('member', stranger.id)]);
    expect(outside.text).toContain('is not a member of this server');

    const named = await draw('bronze', [opt.user('member', h.carol.id)]);
    expect(winnerOf(named.text)).toBe(h.carol.id);
    expect(named.text).toContain('named by an officer');
    expect(h.emulator.buttonsOf(named.messageId!).find((b) => b.label === 'Reroll')?.disabled).toBe(true);
    await h.press(h.officer, named.messageId!, button(named, 'Confirm'));
    expect((await h.storage.services.members.get(h.carol.id))?.counters?.links_received).toBe(1);
  });

  it('draws from the active list for the quality, skips members away, and moves the winner to the served', async () => {
    await h.seedLinks('silver', 'Damage on Ships', 2);
    const list = await h.storage.services.lists.create({ list_name: 'Silver line', quality: 'silver', eligible_members: [h.alice.id, h.bob.id], created_by: 'seed' });
    if (!list.ok) throw new Error('list');
    await h.storage.services.members.setAway(h.bob.id, h.clock.daysAgo(-3));
    const draft = await draw('silver');
    expect(winnerOf(draft.text)).toBe(h.alice.id);
    expect(draft.text).toContain('1 in the pool · left out: 1 away · drawn from list “Silver line”');
    await h.press(h.officer, draft.messageId!, button(draft, 'Confirm'));
    const after = await h.storage.services.lists.get(list.list.list_id, true);
    expect(after?.eligible_members).toEqual([h.bob.id]);
    expect(after?.winners).toEqual([h.alice.id]);

    // Only Bob waits, and he is away: nobody can be drawn.
    const empty = await draw('silver', [opt.str('list', list.list.list_id)]);
    expect(empty.ephemeral).toBe(true);
    expect(empty.text).toContain('Nobody on list “Silver line” can receive a silver link right now');
  });

  it('explains an empty stock and a list of the wrong quality; link_type autocompletes from stock', async () => {
    await h.seedLinks('silver', 'Damage on Ships');
    await h.seedLinks('gold', 'Damage on Ships');
    const none = await draw('gold', [opt.str('link_type', 'Ship Cannon Damage')]);
    expect(none.ephemeral).toBe(true);
    expect(none.text).toContain('No gold Ship Cannon Damage links are in stock');
    const bronzeList = await h.storage.services.lists.create({ list_name: 'Bronze line', quality: 'bronze', eligible_members: [h.alice.id], created_by: 'seed' });
    if (!bronzeList.ok) throw new Error('list');
    const wrong = await draw('silver', [opt.str('list', bronzeList.list.list_id)]);
    expect(wrong.text).toContain('That list hands out bronze links, not silver');
    const choices = await h.emulator.answerTo(
      h.emulator.sendAutocomplete(h.officer, 'distribute', [
        { name: 'quality', type: OptionType.String, value: 'silver' },
        { name: 'link_type', type: OptionType.String, value: '', focused: true },
      ]),
    );
    expect(choices.data.choices).toEqual([{ name: 'Damage on Ships (1 silver)', value: 'Damage on Ships' }]);
  });

  it('keeps working across a restart: one open draw is confirmed and another rerolled after the bot process restarts', async () => {
    await h.seedLinks('gold', 'Damage on Ships', 2);
    const first = await draw();
    const second = await draw();
    await h.restart();
    const confirmed = await h.press(h.officer, first.messageId!, button(first, 'Confirm'));
    expect(confirmed.text).toContain('link awarded');
    const before = shownWinner(second.messageId!);
    const rolled = await h.press(h.officer, second.messageId!, button(second, 'Reroll'));
    expect(rolled.type).toBe(7);
    expect(shownWinner(second.messageId!)).not.toBe(before);
    expect((await records()).map((d) => d.status)).toEqual(['confirmed']);
  });

  it('expires after 15 minutes: a late press is answered "expired" and marks it so; the sweep marks the others and edits their messages', async () => {
    await h.seedLinks('gold', 'Damage on Ships', 2);
    const pressed = await draw();
    const swept = await draw();
    h.clock.advance(16 * 60_000);
    const late = await h.press(h.officer, pressed.messageId!, button(pressed, 'Confirm'));
    expect(late.ephemeral).toBe(true);
    expect(late.text).toContain('This draw expired');
    await h.emulator.waitForRequest((r) => r.method === 'PATCH' && r.path === `/channels/${h.emulator.channelId}/messages/${pressed.messageId}`);
    expect(h.emulator.messages.get(pressed.messageId!)!.content).toContain('This draw expired; nobody was awarded');

    const since = h.emulator.requests.length;
    await h.app.schedule.runNow('expire-draws');
    const edit = await h.emulator.waitForRequest((r) => r.method === 'PATCH' && r.path === `/channels/${h.emulator.channelId}/messages/${swept.messageId}`, { since });
    expect(edit.body.content).toContain('This draw expired');
    expect(h.emulator.buttonsOf(swept.messageId!)).toEqual([]);
    expect((await records()).map((d) => d.status)).toEqual(['expired', 'expired']);
    expect(await h.storage.services.inventory.listAvailable()).toHaveLength(2);
  });
});

describe('a Confirm whose DynamoDB answer is held back past the timeout', () => {
  let proxy: DynamoProxy;
  beforeEach(async () => {
    proxy = await DynamoProxy.start(testEndpoint());
    h = await startHarness({ awsRules: true, dynamoEndpoint: proxy.endpoint, dynamoRequestTimeoutMs: 400 });
    await h.seedMember(h.alice);
    await h.seedMember(h.bob);
  });
  afterEach(async () => {
    await h?.stop();
    await proxy?.stop();
  });

  it('ends with the table and every message agreeing; Cancel or a second Confirm afterwards changes nothing', async () => {
    const [link] = await h.seedLinks('gold', 'Damage on Ships');
    const draft = await draw();
    const winner = winnerOf(draft.text)!;
    const cancelId = button(draft, 'Cancel');
    const confirmId = button(draft, 'Confirm');
    // The award goes through, but every answer to it arrives after the client gave up.
    proxy.inject('TransactWriteItems', { kind: 'hold', ms: 1_000 });
    const confirmed = await h.press(h.officer, draft.messageId!, confirmId);
    proxy.clear();
    expect(proxy.count('TransactWriteItems', 'hold')).toBeGreaterThanOrEqual(1);
    expect(confirmed.text).toContain('link awarded');
    expect(confirmed.text).not.toContain('Nothing was');

    const snapshot = async () => JSON.stringify((await h.storage.db.send(new ScanCommand({ TableName: h.storage.tables.distributions, ConsistentRead: true }))).Items?.map((i) => [i.distribution_id, i.status, i.version]).sort());
    const before = await snapshot();
    const cancel = await h.forge(h.admin, draft.messageId!, cancelId);
    expect(cancel.text).toContain('already confirmed');
    const again = await h.forge(h.admin, draft.messageId!, confirmId);
    expect(again.text).toContain('link awarded');
    expect(await snapshot()).toBe(before);
    expect(await records()).toMatchObject([{ status: 'confirmed', member_id: winner, link_id: link.link_id }]);
    expect((await h.storage.services.inventory.get(link.link_id, true))?.is_available).toBe('false');
    expect((await h.storage.services.members.get(winner, true))?.counters?.links_received).toBe(1);
    expect(h.emulator.messages.get(draft.messageId!)!.content).toContain(`<@${winner}> receives a gold link`);
  });
});
