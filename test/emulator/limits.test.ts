/**
 * Payload limits, on every path that creates or edits a message: 400 50035 Invalid Form Body
 * with `errors` naming the field, or 400 50006 for an empty message.
 */
import { nextSnowflake, type EmulatedUser } from '../support/discord-emulator';
import { callbackPath, startRig, webhookPath, type Rig } from './client';

let rig: Rig;
let alice: EmulatedUser;
beforeEach(async () => {
  rig = await startRig();
  alice = rig.emulator.addUser({ id: nextSnowflake(), username: 'alice' });
});
afterEach(() => rig.stop());

const x = (n: number) => 'x'.repeat(n);
const button = (custom_id: string, label = 'Go') => ({ type: 2, style: 1, label, custom_id });
const row = (...components: unknown[]) => ({ type: 1, components });
const select = (custom_id: string, options = [{ label: 'A', value: 'a' }]) => ({ type: 3, custom_id, options });
const field = (name = 'n', value = 'v') => ({ name, value });

/** The first `_errors` code at a path of Discord's nested errors object. */
function errorAt(errors: any, path: (string | number)[]): string | undefined {
  let node = errors;
  for (const key of path) node = node?.[String(key)];
  return node?._errors?.[0]?.code;
}

/** [what, message body, path of the error, code] */
const cases: [string, Record<string, unknown>, (string | number)[], string][] = [
  ['content over 2,000 characters', { content: x(2001) }, ['content'], 'BASE_TYPE_MAX_LENGTH'],
  ['more than 10 embeds', { embeds: Array.from({ length: 11 }, () => ({ title: 't' })) }, ['embeds'], 'BASE_TYPE_MAX_LENGTH'],
  ['an embed title over 256', { embeds: [{ title: x(257) }] }, ['embeds', 0, 'title'], 'BASE_TYPE_MAX_LENGTH'],
  ['an embed description over 4,096', { embeds: [{ description: x(4097) }] }, ['embeds', 0, 'description'], 'BASE_TYPE_MAX_LENGTH'],
  ['more than 25 fields', { embeds: [{ fields: Array.from({ length: 26 }, () => field()) }] }, ['embeds', 0, 'fields'], 'BASE_TYPE_MAX_LENGTH'],
  ['a field name over 256', { embeds: [{ fields: [field(x(257))] }] }, ['embeds', 0, 'fields', 0, 'name'], 'BASE_TYPE_MAX_LENGTH'],
  ['a field value over 1,024', { embeds: [{ fields: [field('n', x(1025))] }] }, ['embeds', 0, 'fields', 0, 'value'], 'BASE_TYPE_MAX_LENGTH'],
  ['an empty field value', { embeds: [{ fields: [field('n', '')] }] }, ['embeds', 0, 'fields', 0, 'value'], 'BASE_TYPE_REQUIRED'],
  ['a footer over 2,048', { embeds: [{ footer: { text: x(2049) } }] }, ['embeds', 0, 'footer', 'text'], 'BASE_TYPE_MAX_LENGTH'],
  ['an author name over 256', { embeds: [{ author: { name: x(257) } }] }, ['embeds', 0, 'author', 'name'], 'BASE_TYPE_MAX_LENGTH'],
  ['embeds over 6,000 together', { embeds: [{ description: x(4000) }, { description: x(2001) }] }, ['embeds'], 'MAX_EMBED_SIZE_EXCEEDED'],
  ['more than 5 action rows', { components: Array.from({ length: 6 }, (_, i) => row(button(`b${i}`))) }, ['components'], 'BASE_TYPE_MAX_LENGTH'],
  ['more than 5 buttons in a row', { components: [row(...Array.from({ length: 6 }, (_, i) => button(`b${i}`)))] }, ['components', 0, 'components'], 'BASE_TYPE_MAX_LENGTH'],
  ['a select beside a button', { components: [row(select('s'), button('b'))] }, ['components', 0, 'components'], 'COMPONENT_LAYOUT_WIDTH_EXCEEDED'],
  ['an empty custom id', { components: [row(button(''))] }, ['components', 0, 'components', 0, 'custom_id'], 'BASE_TYPE_BAD_LENGTH'],
  ['a custom id over 100', { components: [row(button(x(101)))] }, ['components', 0, 'components', 0, 'custom_id'], 'BASE_TYPE_BAD_LENGTH'],
  ['a repeated custom id', { components: [row(button('same')), row(button('same'))] }, ['components', 1, 'components', 0, 'custom_id'], 'COMPONENT_CUSTOM_ID_DUPLICATED'],
  ['a button label over 80', { components: [row(button('b', x(81)))] }, ['components', 0, 'components', 0, 'label'], 'BASE_TYPE_MAX_LENGTH'],
  ['more than 25 select options', { components: [row(select('s', Array.from({ length: 26 }, (_, i) => ({ label: `o${i}`, value: `o${i}` }))))] }, ['components', 0, 'components', 0, 'options'], 'BASE_TYPE_BAD_LENGTH'],
  ['a select option label over 100', { components: [row(select('s', [{ label: x(101), value: 'v' }]))] }, ['components', 0, 'components', 0, 'options', 0, 'label'], 'BASE_TYPE_BAD_LENGTH'],
  ['a select option value over 100', { components: [row(select('s', [{ label: 'l', value: x(101) }]))] }, ['components', 0, 'components', 0, 'options', 0, 'value'], 'BASE_TYPE_BAD_LENGTH'],
  ['parse users beside a users list', { content: '<@1>', allowed_mentions: { parse: ['users'], users: ['1'] } }, ['allowed_mentions'], 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE'],
];

describe('a reply (callback type 4)', () => {
  it.each(cases)('with %s → 400 50035 naming the field', async (_what, data, path, code) => {
    const i = rig.emulator.sendCommand(alice, 'ping');
    rig.emulator.expectRefusal({ code: 50035 });
    const res = await rig.api('POST', callbackPath(i), { type: 4, data }, { auth: false });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ message: 'Invalid Form Body', code: 50035 });
    expect(errorAt(res.body.errors, ['data', ...path])).toBe(code);
  });

  it('at the limits exactly is accepted (2,000 content, 6,000 embed characters, 5×5 buttons, 100-character ids)', async () => {
    const i = rig.emulator.sendCommand(alice, 'ping');
    const rows = Array.from({ length: 5 }, (_, r) => row(...Array.from({ length: 5 }, (_, b) => button(`${r}:${b}:${x(96)}`, x(80)))));
    const data = { content: x(2000), embeds: [{ title: x(256), description: x(4096), footer: { text: x(1648) } }], components: rows };
    expect((await rig.api('POST', callbackPath(i), { type: 4, data }, { auth: false })).status).toBe(204);
  });
});

describe('an autocomplete result (callback type 8)', () => {
  it.each([
    ['more than 25 choices', Array.from({ length: 26 }, (_, i) => ({ name: `c${i}`, value: `c${i}` })), ['data', 'choices']],
    ['a choice name over 100', [{ name: x(101), value: 'v' }], ['data', 'choices', 0, 'name']],
    ['an empty choice name', [{ name: '', value: 'v' }], ['data', 'choices', 0, 'name']],
    ['a choice value over 100', [{ name: 'n', value: x(101) }], ['data', 'choices', 0, 'value']],
  ])('with %s → 400 50035 naming the field', async (_what, choices, path) => {
    const i = rig.emulator.sendAutocomplete(alice, 'ping', [{ name: 'q', type: 3, value: '', focused: true }]);
    rig.emulator.expectRefusal({ code: 50035 });
    const res = await rig.api('POST', callbackPath(i), { type: 8, data: { choices } }, { auth: false });
    expect(res.status).toBe(400);
    expect(errorAt(res.body.errors, path)).toBeDefined();
  });
});

describe('every path that creates or edits a message', () => {
  /** Sends `body` along one path and returns the response. */
  const paths: [string, (body: unknown) => Promise<{ status: number; body: any }>][] = [
    ['a reply (callback 4)', async (body) => rig.api('POST', callbackPath(rig.emulator.sendCommand(alice, 'ping')), { type: 4, data: body }, { auth: false })],
    ['an update (callback 7)', async (body) => {
      const menu = rig.emulator.sendCommand(alice, 'menu');
      await rig.api('POST', callbackPath(menu), { type: 4, data: { content: 'menu', components: [row(button('go'))] } }, { auth: false });
      const press = rig.emulator.pressButton(alice, rig.emulator.originalMessage(menu)!.id, 'go');
      return rig.api('POST', callbackPath(press), { type: 7, data: body }, { auth: false });
    }],
    ['an edit of @original', async (body) => {
      const i = rig.emulator.sendCommand(alice, 'ping');
      await rig.api('POST', callbackPath(i), { type: 5 }, { auth: false });
      return rig.api('PATCH', `${webhookPath(rig.emulator, i)}/messages/@original`, body, { auth: false });
    }],
    ['a follow-up', async (body) => {
      const i = rig.emulator.sendCommand(alice, 'ping');
      await rig.api('POST', callbackPath(i), { type: 4, data: { content: 'first' } }, { auth: false });
      return rig.api('POST', webhookPath(rig.emulator, i), body, { auth: false });
    }],
    ['a channel message', (body) => rig.api('POST', `/channels/${rig.emulator.channelId}/messages`, body)],
    ['an edit of a channel message', async (body) => {
      const sent = await rig.api('POST', `/channels/${rig.emulator.channelId}/messages`, { content: 'before' });
      return rig.api('PATCH', `/channels/${rig.emulator.channelId}/messages/${sent.body.id}`, body);
    }],
  ];

  it.each(paths)('%s refuses content over 2,000 and embeds over 6,000 (400 50035)', async (_path, send) => {
    rig.emulator.expectRefusal({ code: 50035, times: 2 });
    const long = await send({ content: x(2001) });
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body.errors)).toContain('BASE_TYPE_MAX_LENGTH');
    const big = await send({ embeds: [{ description: x(4096) }, { description: x(1905) }] });
    expect(JSON.stringify(big.body.errors)).toContain('MAX_EMBED_SIZE_EXCEEDED');
  });

  it.each(paths)('%s refuses an empty message (400 50006)', async (_path, send) => {
    rig.emulator.expectRefusal({ code: 50006 });
    expect(await send({ content: '  ', embeds: [], components: [] })).toEqual({ status: 400, body: { message: 'Cannot send an empty message', code: 50006 } });
  });
});
