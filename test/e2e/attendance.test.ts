import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { migrateLegacyTable } from '../../src/migration/run';
import { opt, startHarness, type Answered, type Harness } from '../support/harness';
import { putRaw, singleTable } from '../support/legacy-fixtures';

// Each test gets its own guild (tables, emulator, bot), so any one of them runs alone.
let h: Harness;
afterEach(() => h?.stop());

const ATTENDANCE_ON = { ATTENDANCE_KIND: 'boss', ATTENDANCE_MIN: '1' };
const buttonOf = (a: Answered | string, label: string) => {
  const found = h.emulator.buttonsOf(typeof a === 'string' ? a : a.messageId!).find((b) => b.label === label);
  if (!found) throw new Error(`no ${label} button`);
  return found.custom_id;
};
const winnerOf = (text: string) => /Winner: <@(\d+)>/.exec(text)?.[1];

/** Starts a boss event, checks `present` in by button, and closes it. */
async function bossEvent(present: { id: string }[], name = 'Boss night') {
  const started = await h.run(h.officer, 'event', 'start', [opt.str('kind', 'boss'), opt.str('name', name)]);
  for (const user of present) await h.press(user as never, started.messageId!, buttonOf(started, 'I was there'));
  const closed = await h.run(h.officer, 'event', 'close', []);
  expect(closed.text).toContain(`Closed: Boss: ${name}`);
  return started;
}

describe('/event', () => {
  it('members check in by button while open; an officer corrects; closing records present, absent and excused', async () => {
    h = await startHarness();
    await h.seedMember(h.alice);
    await h.seedMember(h.bob);
    await h.seedMember(h.carol);
    await h.storage.services.members.setAway(h.carol.id, h.clock.daysAgo(-3));

    const started = await h.run(h.officer, 'event', 'start', [opt.str('kind', 'boss'), opt.str('name', 'Lich @everyone')]);
    expect(started.ephemeral).toBe(false);
    expect(started.text).toContain('Boss: Lich @\u200beveryone');
    expect(started.text).toContain('Check-in is open');

    const checked = await h.press(h.alice, started.messageId!, buttonOf(started, 'I was there'));
    expect(checked.type).toBe(7);
    expect(checked.text).toContain('Present · 1');
    const again = await h.press(h.alice, started.messageId!, buttonOf(started, 'I was there'));
    expect(again.ephemeral).toBe(true);
    expect(again.text).toContain('already marked');

    // The officer adds Bob, then takes Alice off again, then puts her back.
    expect((await h.run(h.officer, 'event', 'attend', [opt.user('user', h.bob.id)])).text).toContain('Marked present');
    expect((await h.run(h.officer, 'event', 'absent', [opt.user('user', h.alice.id)])).text).toContain('Marked not present');
    await h.run(h.officer, 'event', 'attend', [opt.user('user', h.alice.id)]);

    const closed = await h.run(h.officer, 'event', 'close', []);
    expect(closed.text).toContain('2 members present, 0 absent, 1 excused');
    // The public message follows: no button, the roll.
    const message = h.emulator.messages.get(started.messageId!)!;
    expect(h.emulator.buttonsOf(started.messageId!)).toEqual([]);
    expect(JSON.stringify(message.embeds)).toContain('Excused (away) · 1');

    const [event] = (await h.storage.services.events.page(undefined)).events;
    expect(event).toMatchObject({ status: 'closed', kind: 'boss', present: [h.alice.id, h.bob.id].sort(), absent: [], excused: [h.carol.id] });
    expect((await h.storage.services.members.get(h.alice.id, true))!.attendance.attended.map((a) => a.event)).toEqual([event.event_id]);
    // Excused: nothing recorded, neither attended nor missed.
    expect((await h.storage.services.members.get(h.carol.id, true))!.attendance).toMatchObject({ attended: [], missed: [] });

    // A correction after the close changes the member's attendance too.
    await h.run(h.officer, 'event', 'absent', [opt.user('user', h.bob.id)]);
    const bob = (await h.storage.services.members.get(h.bob.id, true))!;
    expect(bob.attendance.attended).toEqual([]);
    expect(bob.attendance.missed.map((m) => m.event)).toEqual([event.event_id]);
    expect((await h.storage.services.events.get(event.event_id, true))).toMatchObject({ present: [h.alice.id], absent: [h.bob.id] });

    const shown = await h.run(h.bob, 'event', 'show', []);
    expect(shown.text).toContain('1 present, 1 absent, 1 excused');
  });

  it('check-in closes by itself after EVENT_CHECKIN_HOURS; a press after that changes nothing', async () => {
    h = await startHarness({ env: { EVENT_CHECKIN_HOURS: '2' } });
    await h.seedMember(h.alice);
    await h.seedMember(h.bob);
    const started = await h.run(h.officer, 'event', 'start', [opt.str('kind', 'omni')]);
    await h.press(h.alice, started.messageId!, buttonOf(started, 'I was there'));
    h.clock.advance(2 * 3_600_000 + 1_000);
    await h.app.schedule.runNow('close-events');
    const [event] = (await h.storage.services.events.page(undefined)).events;
    expect(event).toMatchObject({ status: 'closed', present: [h.alice.id], absent: [h.bob.id] });
    expect((await h.storage.services.members.get(h.bob.id, true))!.attendance.missed).toHaveLength(1);
    expect(h.emulator.buttonsOf(started.messageId!)).toEqual([]);
  });
});

describe('attendance in eligibility', () => {
  it('with ATTENDANCE_MIN=1 only members who attended a boss event this week are drawn for gold; /member info says why', async () => {
    h = await startHarness({ env: ATTENDANCE_ON });
    await h.seedMember(h.alice);
    await h.seedMember(h.bob);
    await h.seedLinks('gold', 'Damage on Ships', 2);
    await bossEvent([h.alice]);

    const info = await h.run(h.bob, 'member', 'info', []);
    expect(info.text).toContain('May receive: Bronze (not Silver, Gold: too few events attended, 0 of 1 boss in 7 days)');
    const aliceInfo = await h.run(h.alice, 'member', 'info', []);
    expect(aliceInfo.text).toContain('May receive: Bronze, Silver, Gold');
    expect(aliceInfo.text).toContain('Attendance: 1 boss in the last 7 days');

    const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'gold')]);
    expect(winnerOf(draft.text)).toBe(h.alice.id);
    expect(draft.text).toContain('1 in the pool · left out: 1 with too few events attended');

    // A week later Alice's attendance has left the window: nobody is eligible for gold.
    await h.press(h.officer, draft.messageId!, buttonOf(draft, 'Cancel'));
    h.clock.advanceDays(8);
    const none = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'gold')]);
    expect(none.ephemeral).toBe(true);
  });

  it('without ATTENDANCE_KIND and ATTENDANCE_MIN, events change nothing in the draw', async () => {
    h = await startHarness();
    await h.seedMember(h.alice);
    await h.seedMember(h.bob);
    await h.seedLinks('gold', 'Damage on Ships');
    for (let i = 0; i < 3; i++) await bossEvent([h.alice], `Night ${i}`);
    const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'gold')]);
    expect(draft.text).toContain('2 in the pool · drawn from');
  });

  it('three misses in a row make a member inactive (left out of draws, and said so); attending again makes them active', async () => {
    h = await startHarness({ env: ATTENDANCE_ON });
    await h.seedMember(h.alice);
    await h.seedMember(h.bob);
    await h.seedLinks('bronze', 'Damage on Ships', 2);
    for (let i = 0; i < 3; i++) await bossEvent([h.alice], `Night ${i}`);
    const bob = (await h.storage.services.members.get(h.bob.id, true))!;
    expect(bob.attendance.missed).toHaveLength(3);
    const info = await h.run(h.bob, 'member', 'info', []);
    expect(info.text).toContain('Status: left out of draws: inactive (missed events in a row)');
    expect(info.text).toContain('3 misses in a row · **inactive**');

    const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'bronze')]);
    expect(winnerOf(draft.text)).toBe(h.alice.id);
    expect(draft.text).toContain('left out: 1 inactive (missed events in a row)');
    await h.press(h.officer, draft.messageId!, buttonOf(draft, 'Cancel'));

    await bossEvent([h.bob], 'Comeback');
    expect((await h.storage.services.members.get(h.bob.id, true))!.attendance.missed).toEqual([]);
    const back = await h.run(h.bob, 'member', 'info', []);
    expect(back.text).toContain('Status: available for draws');
    const second = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'bronze')]);
    expect(second.text).toContain('2 in the pool');
  });
});

describe('compensation', () => {
  it('a debt is served first by the next draw of that quality, whatever the policy, and cleared in the award transaction', async () => {
    h = await startHarness();
    await h.seedMember(h.alice);
    await h.seedMember(h.bob);
    await h.seedMember(h.carol);
    await h.seedLinks('silver', 'Damage on Ships', 2);
    const owe = await h.run(h.officer, 'member', 'owe', [opt.user('user', h.bob.id), opt.str('quality', 'silver'), opt.str('reason', 'missed the boss split')]);
    expect(owe.text).toContain('is owed a silver link');
    expect((await h.run(h.bob, 'member', 'info', [])).text).toContain('Owed: a silver link since');
    const members = await h.run(h.officer, 'member', 'owe', [opt.user('user', h.alice.id), opt.str('quality', 'silver'), opt.str('reason', 'later debt')]);
    expect(members.ephemeral).toBe(false);

    for (const policy of ['fewest', 'uniform']) {
      const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'silver'), opt.str('policy', policy)]);
      // Bob's debt is older: he is first; the pool is those owed, in order.
      expect(winnerOf(draft.text)).toBe(h.bob.id);
      expect(draft.text).toContain('2 in the pool');
      expect(draft.text).toContain('compensation, owed first: missed the boss split');
      if (policy === 'fewest') {
        // A reroll goes on in the order owed.
        const rolled = await h.press(h.officer, draft.messageId!, buttonOf(draft, 'Reroll'));
        expect(winnerOf(rolled.text)).toBe(h.alice.id);
        await h.press(h.officer, draft.messageId!, buttonOf(draft, 'Cancel'));
        continue;
      }
      const confirmed = await h.press(h.officer, draft.messageId!, buttonOf(draft, 'Confirm'));
      expect(confirmed.text).toContain('link awarded');
    }
    const [record] = (await h.storage.services.distributions.exportAll()).filter((d) => d.status === 'confirmed');
    expect(record).toMatchObject({ member_id: h.bob.id, compensation: 'missed the boss split', compensation_debt: 'silver' });
    const bob = (await h.storage.services.members.get(h.bob.id, true))!;
    expect(bob.debts).toEqual([]);
    expect(bob.counters?.links_received).toBe(1);
    // The next draw serves the next one owed.
    const next = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'silver')]);
    expect(winnerOf(next.text)).toBe(h.alice.id);
    const forgiven = await h.run(h.officer, 'member', 'forgive', [opt.user('user', h.alice.id)]);
    expect(forgiven.text).toContain('no longer owed');
    // Forgiven meanwhile: Confirm of the compensation draw awards nothing and says why.
    const refused = await h.press(h.officer, next.messageId!, buttonOf(next, 'Confirm'));
    expect(refused.text).toContain('that debt was paid or forgiven meanwhile');
    expect((await h.storage.services.members.get(h.alice.id, true))!.counters?.links_received).toBe(0);
  });

  it('two officers press Confirm on the draws of two owed members at once: both are awarded, each debt cleared once', async () => {
    h = await startHarness();
    await h.seedMember(h.alice);
    await h.seedMember(h.bob);
    await h.seedMember(h.carol);
    await h.seedLinks('silver', 'Damage on Ships', 2);
    await h.seedLinks('gold', 'Damage on Ships', 2);
    await h.run(h.officer, 'member', 'owe', [opt.user('user', h.alice.id), opt.str('quality', 'silver'), opt.str('reason', 'silver debt')]);
    await h.run(h.officer, 'member', 'owe', [opt.user('user', h.alice.id), opt.str('quality', 'gold'), opt.str('reason', 'gold debt')]);
    await h.run(h.officer, 'member', 'owe', [opt.user('user', h.bob.id), opt.str('quality', 'gold'), opt.str('reason', 'bob gold')]);
    // Two silver draws both pick Alice (owed first); one gold draw picks Alice (older gold debt).
    const silver1 = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'silver')]);
    const silver2 = await h.run(h.admin, 'distribute', null, [opt.str('quality', 'silver')]);
    const gold = await h.run(h.admin, 'distribute', null, [opt.str('quality', 'gold')]);
    expect([winnerOf(silver1.text), winnerOf(silver2.text), winnerOf(gold.text)]).toEqual([h.alice.id, h.alice.id, h.alice.id]);

    const [a, b, c] = await Promise.all([
      h.press(h.officer, silver1.messageId!, buttonOf(silver1, 'Confirm')),
      h.press(h.admin, silver2.messageId!, buttonOf(silver2, 'Confirm')),
      h.press(h.officer, gold.messageId!, buttonOf(gold, 'Confirm')),
    ]);
    // One silver award pays the silver debt; the other is refused (nothing written). The gold one pays the gold debt.
    const silverTexts = [a.text, b.text];
    expect(silverTexts.filter((t) => t.includes('link awarded'))).toHaveLength(1);
    expect(silverTexts.filter((t) => t.includes('Not awarded'))).toHaveLength(1);
    expect(c.text).toContain('link awarded');
    const confirmed = (await h.storage.services.distributions.exportAll()).filter((d) => d.status === 'confirmed');
    expect(confirmed.map((d) => `${d.quality}:${d.member_id}:${d.compensation}`).sort()).toEqual([`gold:${h.alice.id}:gold debt`, `silver:${h.alice.id}:silver debt`]);
    const alice = (await h.storage.services.members.get(h.alice.id, true))!;
    expect(alice.debts).toEqual([]);
    expect(alice.counters?.links_received).toBe(2);
    expect((await h.storage.services.members.get(h.bob.id, true))!.debts.map((d) => d.key)).toEqual(['gold']);
  });

  it('a list closed while a waiting member is away leaves them owed a link of its quality', async () => {
    h = await startHarness();
    await h.seedMember(h.alice);
    await h.seedMember(h.bob);
    await h.storage.services.members.setAway(h.bob.id, h.clock.daysAgo(-2));
    const created = await h.storage.services.lists.create({ list_name: 'Gold queue', quality: 'gold', eligible_members: [h.alice.id, h.bob.id], created_by: 'seed' });
    if (!created.ok) throw new Error('list');
    const closed = await h.run(h.officer, 'list', 'close', [opt.str('list', created.list.list_id)]);
    expect(closed.text).toContain('Now owed a gold link (away or inactive) · 1');
    const bob = (await h.storage.services.members.get(h.bob.id, true))!;
    expect(bob.debts).toMatchObject([{ key: 'gold', by: h.officer.id }]);
    expect(bob.debts[0].reason).toContain('Gold queue');
    expect((await h.storage.services.members.get(h.alice.id, true))!.debts).toEqual([]);
  });
});

describe('cycles', () => {
  it('when the last waiting member is served, the list says so and Start next cycle starts a new list filled with every member eligible', async () => {
    h = await startHarness();
    await h.seedMember(h.alice);
    await h.seedMember(h.bob);
    await h.seedLinks('gold', 'Damage on Ships');
    const created = await h.storage.services.lists.create({ list_name: 'Gold queue', quality: 'gold', eligible_members: [h.alice.id], created_by: 'seed' });
    if (!created.ok) throw new Error('list');
    const before = await h.run(h.officer, 'list', 'show', [opt.str('list', created.list.list_id)]);
    expect(h.emulator.buttonsOf(before.messageId!)).toEqual([]);
    const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'gold')]);
    await h.press(h.officer, draft.messageId!, buttonOf(draft, 'Confirm'));

    const shown = await h.run(h.officer, 'list', 'show', [opt.str('list', created.list.list_id)]);
    expect(shown.text).toContain('Everyone on this list has been served');
    const nextId = buttonOf(shown, 'Start next cycle');
    const refused = await h.forge(h.alice, shown.messageId!, nextId);
    expect(refused.ephemeral).toBe(true);
    expect(await h.storage.services.lists.findActive('gold')).toMatchObject({ list_id: created.list.list_id });

    const next = await h.press(h.officer, shown.messageId!, nextId);
    expect(next.text).toContain('Next cycle: Gold queue');
    expect(next.text).toContain('cycle 2');
    const active = (await h.storage.services.lists.findActive('gold'))!;
    expect(active.list_id).not.toBe(created.list.list_id);
    expect(active.eligible_members.sort()).toEqual([h.alice.id, h.bob.id].sort());
    expect((await h.storage.services.lists.get(created.list.list_id, true))?.is_active).toBe('false');
    // Pressed again (a stale message): nothing more happens.
    const stale = await h.forge(h.officer, shown.messageId!, nextId);
    expect(stale.text).toContain('closed already');
  });
});

describe('the previous system’s attendance fields', () => {
  it('a member migrated from the old single table keeps their attendance and their debt, which the next draw pays', async () => {
    h = await startHarness({ env: { ATTENDANCE_KIND: 'omni', ATTENDANCE_MIN: '1' } });
    const people = { fiona: h.newUser('fiona').id, gus: h.newUser('gus').id, hana: h.newUser('hana').id, ivan: h.newUser('ivan').id, juno: h.newUser('juno').id };
    const legacy = `flavaflav-users-${h.storage.env}`;
    await h.storage.client.send(
      new CreateTableCommand({ TableName: legacy, BillingMode: 'PAY_PER_REQUEST', AttributeDefinitions: [{ AttributeName: 'discord_id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'discord_id', KeyType: 'HASH' }] }),
    );
    const table = singleTable(people, h.clock.now());
    await putRaw(h.storage.client, legacy, table.items);
    const result = await migrateLegacyTable({ db: h.storage.db, source: legacy, targets: h.storage.tables });
    expect(result.finished).toBe(true);

    // What the previous system wrote is kept as it was, beside what it stands for.
    const raw = (await h.storage.db.send(new GetCommand({ TableName: h.storage.tables.members, Key: { discord_id: people.gus }, ConsistentRead: true }))).Item!;
    expect(raw).toMatchObject({ compensation_owed: true, omni_absence_count: 3, debts: { any: { by: 'migration' } } });
    expect(Object.keys(raw.missed)).toHaveLength(3);

    // Fiona attended an omni event 7 days ago (this week) and missed one since: eligible, active.
    const fiona = await h.run(h.officer, 'member', 'info', [opt.user('user', people.fiona)]);
    expect(fiona.text).toContain('May receive: Bronze, Silver, Gold');
    expect(fiona.text).toContain('1 miss in a row');
    // Gus missed three in a row: inactive, and owed a link of any quality.
    const gus = await h.run(h.officer, 'member', 'info', [opt.user('user', people.gus)]);
    expect(gus.text).toContain('3 misses in a row · **inactive**');
    expect(gus.text).toContain('Owed: a link of any quality since');

    // Attending again makes Gus active; the next silver draw pays his debt first.
    await bossLikeEvent('omni', [{ id: people.gus }]);
    await h.seedLinks('silver', 'Damage on Ships');
    const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'silver')]);
    expect(winnerOf(draft.text)).toBe(people.gus);
    expect(draft.text).toContain('compensation, owed first: owed by the previous system');
    await h.press(h.officer, draft.messageId!, buttonOf(draft, 'Confirm'));
    expect((await h.storage.services.members.get(people.gus, true))!.debts).toEqual([]);
  });
});

async function bossLikeEvent(kind: string, present: { id: string }[]) {
  const started = await h.run(h.officer, 'event', 'start', [opt.str('kind', kind)]);
  for (const user of present) await h.run(h.officer, 'event', 'attend', [opt.user('user', user.id)]);
  await h.run(h.officer, 'event', 'close', []);
  return started;
}
