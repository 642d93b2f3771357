import { SlashCommandBuilder } from 'discord.js';
import { defineCommand, button } from '../../src/bot/command';
import { actionId, arg, splitCustomId } from '../../src/bot/custom-ids';
import { displayId, idFromSafeForm, safeIdForm } from '../../src/domain/ids';

describe('custom ids', () => {
  const page = actionId<{ rank: 'all' | 'sage'; page: number }>('member', 'page', { rank: arg.oneOf(['all', 'sage'] as const), page: arg.int(0, 99) });

  it('build <command>:<action>:<args> from named arguments and parse them back', () => {
    const id = page.build({ rank: 'sage', page: 2 });
    expect(id).toBe('member:page:sage:2');
    const split = splitCustomId(id)!;
    expect(split).toEqual({ command: 'member', action: 'page', args: ['sage', '2'] });
    expect(page.parse(split.args)).toEqual({ rank: 'sage', page: 2 });
  });

  it('refuse arguments that are not exactly what the action writes', () => {
    for (const args of [['sage'], ['sage', '2', 'x'], ['constructor', '2'], ['__proto__', '1'], ['sage', '100'], ['sage', '-1'], ['sage', '1e2'], ['sage', '']]) {
      expect(page.parse(args)).toBeNull();
    }
  });

  it('refuse ids over 100 characters, empty, or with characters outside the safe set', () => {
    const long = actionId<{ id: string }>('history', 'page', { id: arg.recordId });
    expect(() => long.build({ id: 'x'.repeat(90) })).toThrow(/Discord allows 100/);
    expect(splitCustomId('not a flavaflav id')).toBeNull();
    expect(splitCustomId('member')).toBeNull();
    expect(splitCustomId('')).toBeNull();
    expect(splitCustomId('a::b')).toBeNull();
    expect(splitCustomId(`a:b:${'x'.repeat(100)}`)).toBeNull();
  });

  it('carry any record id through its safe form, control characters included', () => {
    const revert = actionId<{ distribution: string }>('revert', 'confirm', { distribution: arg.recordId });
    for (const id of ['dist_6f1c1e0e-9f6a-4a53-8f7e-1d2b3c4d5e6f', 'dist_20250510140322_\u0000', 'dist_20250510140322_\u0007', 'dist_20250510140322_ϧ', 'gold_Melee Damage_1', 'a:b', '~x']) {
      const built = revert.build({ distribution: id });
      expect(built.length).toBeLessThanOrEqual(100);
      expect(built).not.toMatch(/[\u0000-\u001f\s]/);
      expect(revert.parse(splitCustomId(built)!.args)).toEqual({ distribution: id });
    }
  });
});

describe('safe id forms', () => {
  it('keep plain ids readable and encode the rest so that it round-trips', () => {
    expect(safeIdForm('dist_abc-1.2')).toBe('dist_abc-1.2');
    const odd = 'dist_20250510140322_\u0001';
    expect(safeIdForm(odd)).toMatch(/^~[A-Za-z0-9_-]+$/);
    expect(idFromSafeForm(safeIdForm(odd))).toBe(odd);
  });

  it('refuse tampered or non-canonical encodings instead of guessing', () => {
    expect(idFromSafeForm('~')).toBeNull();
    expect(idFromSafeForm('~!!')).toBeNull();
    expect(idFromSafeForm(`~${Buffer.from('plain_id').toString('base64url')}`)).toBeNull();
    expect(idFromSafeForm('has space')).toBeNull();
  });

  it('show invisible characters as escapes', () => {
    expect(displayId('dist_20250510140322_\u0000')).toBe('dist_20250510140322_\\u{0000}');
    expect(displayId('a`b\u200bc')).toBe('a\\u{0060}b\\u{200B}c');
    expect(displayId('dist_ϧ')).toBe('dist_ϧ');
  });
});

describe('command declarations', () => {
  const data = new SlashCommandBuilder()
    .setName('demo')
    .setDescription('demo')
    .addSubcommand((s) => s.setName('one').setDescription('one'))
    .addSubcommand((s) => s.setName('two').setDescription('two').addStringOption((o) => o.setName('pick').setDescription('pick').setAutocomplete(true)));
  const run = async () => undefined;

  it('need exactly one declaration per registered subcommand and autocompleted option', () => {
    expect(() => defineCommand({ data, subcommands: { one: { access: 'anyone', ephemeral: true, run } } })).toThrow(/declares subcommands \[one\] but registers \[one, two\]/);
    expect(() =>
      defineCommand({ data, subcommands: { one: { access: 'anyone', ephemeral: true, run }, two: { access: 'officer', ephemeral: true, run } } }),
    ).toThrow(/two\/pick autocompletes but has no declaration/);
    const command = defineCommand({
      data,
      subcommands: { one: { access: 'anyone', ephemeral: true, run }, two: { access: 'officer', ephemeral: true, run } },
      autocomplete: { 'two/pick': { access: 'anyone', run: async () => [] } },
      components: [button(actionId('demo', 'go'), { access: 'officer', run })],
    });
    expect(command.subcommands.get('constructor')).toBeUndefined();
    expect(command.components.get('__proto__')).toBeUndefined();
    expect(command.components.get('toString')).toBeUndefined();
  });

  it('refuse a component declared under another command', () => {
    expect(() =>
      defineCommand({ data, subcommands: { one: { access: 'anyone', ephemeral: true, run }, two: { access: 'anyone', ephemeral: true, run } }, autocomplete: { 'two/pick': { access: 'anyone', run: async () => [] } }, components: [button(actionId('other', 'go'), { access: 'anyone', run })] }),
    ).toThrow(/declared under \/demo/);
  });
});
