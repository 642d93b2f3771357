import { OptionType } from '../support/discord-emulator';
import { opt, startHarness, type Harness } from '../support/harness';

// Each test gets its own guild (tables, emulator, bot), so any one of them runs alone.
let h: Harness;
beforeEach(async () => (h = await startHarness({ awsRules: true })));
afterEach(() => h?.stop());

/** Alice and Carol are Sages (gold), Bob a Book Worm; Carol crossed the gold threshold today. */
async function seedRoster() {
  await h.seedMember(h.alice, { days: 400 });
  await h.seedMember(h.bob, { days: 25 });
  await h.seedMember(h.carol, { days: 90 });
}

async function goldList(waiting: string[]) {
  const created = await h.storage.services.lists.create({ list_name: 'November gold', quality: 'gold', eligible_members: waiting, created_by: 'seed' });
  if (!created.ok) throw new Error('list');
  return created.list.list_id;
}

describe('/list', () => {
  it('create: fills a new list with every member then eligible, one active list per quality', async () => {
    await seedRoster();
    const answer = await h.run(h.officer, 'list', 'create', [opt.str('name', 'November gold'), opt.str('quality', 'gold')]);
    expect(answer.text).toContain('New list: November gold');
    const list = (await h.storage.services.lists.findActive('gold'))!;
    // Alice and Carol (90 days today) qualify for gold; Bob (a Book Worm) does not.
    expect(list.eligible_members.sort()).toEqual([h.alice.id, h.carol.id].sort());
    const second = await h.run(h.officer, 'list', 'create', [opt.str('name', 'Another'), opt.str('quality', 'gold')]);
    expect(second.ephemeral).toBe(true);
    expect(second.text).toContain('There is already an active gold list (“November gold”)');
  });

  it('create: fill empty starts with nobody waiting', async () => {
    await seedRoster();
    await h.run(h.officer, 'list', 'create', [opt.str('name', 'Silver queue'), opt.str('quality', 'silver'), opt.str('fill', 'empty')]);
    expect((await h.storage.services.lists.findActive('silver'))?.eligible_members).toEqual([]);
  });

  it('show: lists active lists, or one list with who waits and who was served; the list option autocompletes', async () => {
    await seedRoster();
    const listId = await goldList([h.alice.id, h.carol.id]);
    const overview = await h.run(h.bob, 'list', 'show', []);
    expect(overview.text).toContain('Gold · November gold');
    expect(overview.text).toContain('2 members waiting, 0 served');
    const choices = await h.emulator.answerTo(
      h.emulator.sendAutocomplete(h.bob, 'list', [{ name: 'show', type: OptionType.Subcommand, options: [{ name: 'list', type: OptionType.String, value: 'nov', focused: true }] }]),
    );
    expect(choices.data.choices).toEqual([{ name: 'November gold (gold, 2 waiting)', value: listId }]);
    const one = await h.run(h.bob, 'list', 'show', [opt.str('list', listId)]);
    expect(one.text).toContain(`<@${h.alice.id}>`);
    expect(one.text).toContain('Served · 0: Nobody yet');
  });

  it('add and remove: officers move members on and off; not eligible, duplicates and strangers are refused', async () => {
    await seedRoster();
    const listId = await goldList([h.alice.id, h.carol.id]);
    const notEligible = await h.run(h.officer, 'list', 'add', [opt.str('list', listId), opt.user('user', h.bob.id)]);
    expect(notEligible.text).toContain('is a Book Worm and cannot receive gold links yet');
    const removed = await h.run(h.officer, 'list', 'remove', [opt.str('list', listId), opt.user('user', h.carol.id)]);
    expect(removed.text).toContain('is no longer waiting');
    const notIn = await h.run(h.officer, 'list', 'remove', [opt.str('list', listId), opt.user('user', h.carol.id)]);
    expect(notIn.text).toContain('is not waiting on that list');
    const added = await h.run(h.officer, 'list', 'add', [opt.str('list', listId), opt.user('user', h.carol.id)]);
    expect(added.text).toContain('is now waiting');
    const dup = await h.run(h.officer, 'list', 'add', [opt.str('list', listId), opt.user('user', h.carol.id)]);
    expect(dup.text).toContain('is already waiting on that list');
    const unknown = await h.run(h.officer, 'list', 'add', [opt.str('list', 'list_nope'), opt.user('user', h.carol.id)]);
    expect(unknown.text).toContain('There is no such list');
  });

  it('close: closes once; a closed list takes no changes', async () => {
    await seedRoster();
    const listId = await goldList([h.alice.id]);
    const closed = await h.run(h.officer, 'list', 'close', [opt.str('list', listId)]);
    expect(closed.text).toContain('Closed: November gold');
    expect((await h.storage.services.lists.get(listId))?.is_active).toBe('false');
    const again = await h.run(h.officer, 'list', 'close', [opt.str('list', listId)]);
    expect(again.text).toContain('That list is closed');
    const add = await h.run(h.officer, 'list', 'add', [opt.str('list', listId), opt.user('user', h.alice.id)]);
    expect(add.text).toContain('That list is closed');
  });
});
