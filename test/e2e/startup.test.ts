import { startHarness, opt, type Harness } from '../support/harness';

let h: Harness;
beforeAll(async () => (h = await startHarness()));
afterAll(() => h?.stop());

describe('start-up against a Discord-compatible endpoint', () => {
  it('connects through the gateway and registers every slash command with its options in one request', async () => {
    expect(h.emulator.identifyCount).toBe(1);
    const puts = h.emulator.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/commands'));
    expect(puts).toHaveLength(1);
    expect(puts[0].path).toBe(`/applications/${h.emulator.applicationId}/guilds/${h.guildId}/commands`);
    const commands = h.emulator.commands.get(h.guildId)!;
    const shape = Object.fromEntries(
      commands.map((c) => [
        c.name,
        (c.options ?? []).map((o: any) => (o.type === 1 ? `${o.name}(${(o.options ?? []).map((s: any) => s.name + (s.required ? '' : '?')).join(',')})` : o.name + (o.required ? '' : '?'))),
      ]),
    );
    expect(shape).toEqual({
      member: ['add(user,join_date?,officer?)', 'remove(user)', 'info(user?)', 'list(rank?)', 'promote(user)', 'demote(user)', 'away(user,until)', 'owe(user,quality,reason)', 'forgive(user)'],
      inventory: ['add(link_type,quality,count?,notes?)', 'list(quality?,link_type?)', 'remove(link)'],
      list: ['create(name,quality,fill?)', 'show(list?)', 'add(list,user)', 'remove(list,user)', 'close(list)'],
      distribute: ['quality', 'link_type?', 'member?', 'list?', 'policy?'],
      history: ['member?', 'quality?', 'export?'],
      revert: ['distribution'],
      want: ['add(link_type)', 'remove(link_type)', 'list(member?)'],
      deliveries: [],
      event: ['start(kind,name?)', 'close(event?)', 'attend(user,event?)', 'absent(user,event?)', 'show(event?)'],
    });
  });

  it('answers a first command end to end', async () => {
    const answer = await h.run(h.officer, 'member', 'add', [opt.user('user', h.alice.id), opt.str('join_date', h.clock.daysAgo(400))]);
    expect(answer.type).toBe(4);
    expect(answer.text).toContain('Added to the roster');
    expect((await h.storage.services.members.get(h.alice.id))?.join_date).toBe(h.clock.daysAgo(400));
  });
});
