import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { nextSnowflake, OptionType } from '../support/discord-emulator';
import { seedAward } from '../support/fixtures';
import { opt, startHarness, type Harness } from '../support/harness';

let h: Harness;
let linkId: string;
let listId: string;
let distributionId: string;

async function snapshot() {
  const tables = Object.values(h.storage.tables);
  const scans = await Promise.all(tables.map((t) => h.storage.db.send(new ScanCommand({ TableName: t, ConsistentRead: true }))));
  return JSON.stringify(scans.map((s) => (s.Items ?? []).map((i) => JSON.stringify(i, (_k, v) => (v instanceof Set ? [...v].sort() : v))).sort()));
}

beforeAll(async () => {
  h = await startHarness();
  await h.seedMember(h.alice);
  await h.seedMember(h.bob);
  await h.seedMember(h.carol);
  await h.seedLinks('gold', 'Damage on Ships');
  distributionId = (await seedAward(h.storage, { memberId: h.bob.id })).distribution_id;
  linkId = (await h.seedLinks('gold', 'Damage on Ships'))[0].link_id;
  const list = await h.storage.services.lists.create({ list_name: 'Gold', quality: 'gold', eligible_members: [h.alice.id, h.carol.id], created_by: 'seed' });
  if (!list.ok) throw new Error('list');
  listId = list.list.list_id;
});
afterAll(() => h?.stop());

describe('a member who is not an officer', () => {
  const cases: [string, string | null, () => ReturnType<typeof opt.str>[]][] = [
    ['member', 'add', () => [opt.user('user', h.carol.id)]],
    ['member', 'remove', () => [opt.user('user', h.bob.id)]],
    ['member', 'promote', () => [opt.user('user', h.alice.id)]],
    ['member', 'demote', () => [opt.user('user', h.bob.id)]],
    ['inventory', 'add', () => [opt.str('link_type', 'Damage on Ships'), opt.str('quality', 'gold')]],
    ['inventory', 'remove', () => [opt.str('link', linkId)]],
    ['list', 'create', () => [opt.str('name', 'Mine'), opt.str('quality', 'silver')]],
    ['list', 'add', () => [opt.str('list', listId), opt.user('user', h.bob.id)]],
    ['list', 'remove', () => [opt.str('list', listId), opt.user('user', h.alice.id)]],
    ['list', 'close', () => [opt.str('list', listId)]],
    ['distribute', null, () => [opt.str('quality', 'gold')]],
    ['revert', null, () => [opt.str('distribution', distributionId)]],
  ];

  it.each(cases.map(([c, s, o]) => [`/${c}${s ? ` ${s}` : ''}`, c, s, o] as const))('is refused %s, ephemerally, and no table changes', async (_label, command, sub, options) => {
    const before = await snapshot();
    const answer = await h.run(h.alice, command, sub, options());
    expect(answer.ephemeral).toBe(true);
    expect(answer.text).toContain('Only officers can do that');
    expect(await snapshot()).toBe(before);
  });

  it('cannot press officer buttons (Confirm, Reroll, Cancel, Remove, Revert), and nothing changes', async () => {
    const draft = await h.run(h.officer, 'distribute', null, [opt.str('quality', 'gold')]);
    const remove = await h.run(h.officer, 'member', 'remove', [opt.user('user', h.bob.id)]);
    const revert = await h.run(h.officer, 'revert', null, [opt.str('distribution', distributionId)]);
    const before = await snapshot();
    // The draw is public: Alice sees its buttons. The remove and revert confirmations are ephemeral
    // to the officer, so only a tampered client could press them as Alice.
    const presses: [string, string, 'press' | 'forge'][] = [
      ...h.emulator.buttonsOf(draft.messageId!).map((b) => [draft.messageId!, b.custom_id, 'press'] as [string, string, 'press']),
      [remove.messageId!, h.emulator.buttonsOf(remove.messageId!)[0].custom_id, 'forge'],
      [revert.messageId!, h.emulator.buttonsOf(revert.messageId!)[0].custom_id, 'forge'],
    ];
    for (const [messageId, customId, how] of presses) {
      const answer = await h[how](h.alice, messageId, customId);
      expect(answer.ephemeral).toBe(true);
      expect(answer.text).toContain('Only officers can do that');
    }
    expect(await snapshot()).toBe(before);
    expect(h.emulator.buttonsOf(draft.messageId!).map((b) => b.label)).toEqual(['Confirm', 'Reroll', 'Cancel']);
  });

  it('is an officer when the roster says so (is_officer), without any role', async () => {
    await h.storage.services.members.setOfficer(h.bob.id, true);
    const answer = await h.run(h.bob, 'list', 'show', []);
    expect(answer.ephemeral).toBe(true);
    const stock = await h.run(h.bob, 'inventory', 'add', [opt.str('link_type', 'Damage on Ships'), opt.str('quality', 'bronze')]);
    expect(stock.text).toContain('Added 1 link');
    await h.storage.services.members.setOfficer(h.bob.id, false);
  });
});

describe('outside the guild', () => {
  it('refuses interactions from another guild and from DMs, ephemerally, without touching the tables', async () => {
    const before = await snapshot();
    const other = h.emulator.sendSubcommand(h.officer, 'member', 'info', [], { guildId: nextSnowflake() });
    const answer = await h.emulator.answerTo(other);
    expect(answer.data.flags & 64).toBe(64);
    expect(answer.data.content).toContain('serves only the guild it was set up for');
    const dm = await h.emulator.answerTo(h.emulator.sendCommand(h.officer, 'history', [], { guildId: null }));
    expect(dm.data.flags & 64).toBe(64);
    expect(dm.data.content).toContain('not in direct messages');
    const options = [{ name: 'distribution', type: OptionType.String, value: '', focused: true }];
    const ours = await h.emulator.answerTo(h.emulator.sendAutocomplete(h.officer, 'revert', options));
    expect(ours.data.choices.length).toBeGreaterThan(0);
    const theirs = await h.emulator.answerTo(h.emulator.sendCommand(h.officer, 'revert', options, { type: 4, guildId: nextSnowflake() }));
    expect(theirs.data.choices).toEqual([]);
    expect(await snapshot()).toBe(before);
  });
});
