import { OptionType } from '../support/discord-emulator';
import { opt, startHarness, type Harness } from '../support/harness';

// Each test gets its own guild (tables, emulator, bot), so any one of them runs alone.
let h: Harness;
beforeEach(async () => (h = await startHarness()));
afterEach(() => h?.stop());

const stockCount = async () => (await h.storage.services.inventory.listAvailable()).length;

describe('/inventory', () => {
  it('add: link_type autocompletes from the catalog, fuzzy, at most 25 choices', async () => {
    const sent = h.emulator.sendAutocomplete(h.officer, 'inventory', [
      { name: 'add', type: OptionType.Subcommand, options: [{ name: 'link_type', type: OptionType.String, value: 'damge on shi', focused: true }] },
    ]);
    const answer = await h.emulator.answerTo(sent);
    expect(answer.type).toBe(8);
    expect(answer.data.choices[0]).toEqual({ name: 'Damage on Ships (Boating)', value: 'Damage on Ships' });
    const all = await h.emulator.answerTo(
      h.emulator.sendAutocomplete(h.officer, 'inventory', [
        { name: 'add', type: OptionType.Subcommand, options: [{ name: 'link_type', type: OptionType.String, value: '', focused: true }] },
      ]),
    );
    expect(all.data.choices).toHaveLength(25);
  });

  it('add: adds count links of a type, case-insensitively, showing bonus and stock', async () => {
    const answer = await h.run(h.officer, 'inventory', 'add', [opt.str('link_type', 'damage on ships'), opt.str('quality', 'gold'), opt.int('count', 3)]);
    expect(answer.ephemeral).toBe(false);
    expect(answer.text).toContain('Added 3 links');
    expect(answer.text).toContain('+4.50%');
    expect(answer.data.embeds[0].color).toBe(0xffd700);
    expect(await stockCount()).toBe(3);
  });

  it('add: refuses an unknown type with suggestions, and counts 0 and 51, writing nothing', async () => {
    const unknown = await h.run(h.officer, 'inventory', 'add', [opt.str('link_type', 'Damage on Shipz'), opt.str('quality', 'gold')]);
    expect(unknown.ephemeral).toBe(true);
    expect(unknown.text).toContain('is not a link type in the catalog');
    expect(unknown.text).toContain('Did you mean “Damage on Ships”');
    for (const count of [0, 51]) {
      const bad = await h.run(h.officer, 'inventory', 'add', [opt.str('link_type', 'Damage on Ships'), opt.str('quality', 'gold'), opt.int('count', count)]);
      expect(bad.ephemeral).toBe(true);
      expect(bad.text).toContain(`must be from 1 to 50; you gave ${count}`);
    }
    expect(await stockCount()).toBe(0);
  });

  it('add: notes with @everyone, a role mention and Markdown neither ping nor render', async () => {
    const notes = '@everyone <@&123456789012345678> <@123456789012345678> **bold** _it_ `code`';
    const answer = await h.run(h.officer, 'inventory', 'add', [opt.str('link_type', 'Ship Cannon Damage'), opt.str('quality', 'bronze'), opt.str('notes', notes)]);
    expect(h.emulator.pingsOf(answer.messageId!)).toEqual({ users: [], roles: [], everyone: false });
    expect(h.emulator.pingedBy(answer.interaction)).toEqual([]);
    const shown = answer.data.embeds[0].fields.find((f: any) => f.name === 'Notes').value as string;
    expect(shown).not.toContain('@everyone');
    expect(shown).not.toContain('<@&123456789012345678>');
    expect(shown).not.toContain('<@123456789012345678>');
    expect(shown).toContain('\\*\\*bold\\*\\*');
    // Stored as given: escaping is for display only.
    const [link] = await h.storage.services.inventory.listAvailable({ quality: 'bronze' });
    expect(link.notes).toBe(notes);
  });

  it('list: groups available stock by quality and type with counts and bonus, filterable', async () => {
    await h.seedLinks('gold', 'Damage on Ships', 3);
    await h.seedLinks('bronze', 'Ship Cannon Damage');
    const all = await h.run(h.alice, 'inventory', 'list', []);
    expect(all.ephemeral).toBe(true);
    expect(all.text).toContain('Gold · 3: 3 × Damage on Ships (+4.50%)');
    expect(all.text).toContain('Bronze · 1: 1 × Ship Cannon Damage (+1.50%)');
    const gold = await h.run(h.alice, 'inventory', 'list', [opt.str('quality', 'gold')]);
    expect(gold.text).not.toContain('Bronze');
    const none = await h.run(h.alice, 'inventory', 'list', [opt.str('quality', 'silver'), opt.str('link_type', 'Damage on Ships')]);
    expect(none.text).toContain('Nothing in stock for that filter.');
  });

  it('remove: autocompletes available links and removes one; a handed-out link is refused', async () => {
    await h.seedLinks('gold', 'Damage on Ships', 3);
    await h.seedLinks('bronze', 'Ship Cannon Damage');
    const choices = await h.emulator.answerTo(
      h.emulator.sendAutocomplete(h.officer, 'inventory', [
        { name: 'remove', type: OptionType.Subcommand, options: [{ name: 'link', type: OptionType.String, value: 'cannon', focused: true }] },
      ]),
    );
    expect(choices.data.choices).toHaveLength(1);
    const linkId = choices.data.choices[0].value;
    expect(linkId).toMatch(/^bronze_Ship_Cannon_Damage_/);
    const removed = await h.run(h.officer, 'inventory', 'remove', [opt.str('link', linkId)]);
    expect(removed.text).toContain('Removed from stock');
    expect(await h.storage.services.inventory.get(linkId)).toBeUndefined();

    const [gold] = await h.storage.services.inventory.listAvailable({ quality: 'gold' });
    const { TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
    await h.storage.db.send(new TransactWriteCommand({ TransactItems: [h.storage.services.inventory.awardItem(gold.link_id, 'dist_test')] }));
    const refused = await h.run(h.officer, 'inventory', 'remove', [opt.str('link', gold.link_id)]);
    expect(refused.ephemeral).toBe(true);
    expect(refused.text).toContain('has been handed out');
    expect(await h.storage.services.inventory.get(gold.link_id)).toBeDefined();
    const missing = await h.run(h.officer, 'inventory', 'remove', [opt.str('link', 'gold_nothing_here')]);
    expect(missing.text).toContain('No available link has that id');
  });
});
