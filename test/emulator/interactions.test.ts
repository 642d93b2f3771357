/**
 * The interaction rules: 3 s for the initial response, one acknowledgement, callback types per
 * interaction kind, and 15 minutes for the token's edits and follow-ups. The clock is the
 * emulator's, advanced by hand.
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

const reply = { type: 4, data: { content: 'hello' } };
const post = (path: string, body: unknown) => rig.api('POST', path, body, { auth: false });
const typeError = (allowed: string) => ({ message: 'Invalid Form Body', code: 50035, errors: { type: { _errors: [{ code: 'BASE_TYPE_CHOICES', message: `Value must be one of {${allowed}}.` }] } } });

describe('the initial response (callback)', () => {
  it('within 3 s is accepted and stored as the original message', async () => {
    const i = rig.emulator.sendCommand(alice, 'ping');
    rig.clock.advance(3_000);
    expect(await post(callbackPath(i), reply)).toEqual({ status: 204, body: undefined });
    expect(rig.emulator.originalMessage(i)?.content).toBe('hello');
  });

  it('more than 3 s after dispatch → 404 10062 Unknown interaction', async () => {
    const i = rig.emulator.sendCommand(alice, 'ping');
    rig.clock.advance(3_001);
    rig.emulator.expectRefusal({ code: 10062, route: '/callback' });
    expect(await post(callbackPath(i), reply)).toEqual({ status: 404, body: { message: 'Unknown interaction', code: 10062 } });
    expect(rig.emulator.refusals.at(-1)).toMatchObject({ interaction: { id: i.id, kind: 'command', name: 'ping', userId: alice.id, ageMs: 3_001 } });
  });

  it('a second acknowledgement → 400 40060', async () => {
    const i = rig.emulator.sendCommand(alice, 'ping');
    expect((await post(callbackPath(i), { type: 5 })).status).toBe(204);
    rig.emulator.expectRefusal({ code: 40060 });
    expect(await post(callbackPath(i), reply)).toEqual({ status: 400, body: { message: 'Interaction has already been acknowledged.', code: 40060 } });
  });

  it('an unknown interaction id or token → 404 10062', async () => {
    const i = rig.emulator.sendCommand(alice, 'ping');
    rig.emulator.expectRefusal({ code: 10062, times: 2 });
    expect((await post(callbackPath({ id: nextSnowflake(), token: i.token }), reply)).status).toBe(404);
    expect((await post(callbackPath({ id: i.id, token: 'itok_forged' }), reply)).body.code).toBe(10062);
  });

  it.each([6, 7, 8])('type %i for a slash command → 400 50035 naming `type`', async (type) => {
    const i = rig.emulator.sendCommand(alice, 'ping');
    rig.emulator.expectRefusal({ code: 50035 });
    expect(await post(callbackPath(i), { type, data: { content: 'x', choices: [] } })).toEqual({ status: 400, body: typeError('4, 5, 9') });
  });

  it.each([4, 5, 6, 7, 9])('type %i for autocomplete → 400 50035 "Value must be one of {8}."', async (type) => {
    const i = rig.emulator.sendAutocomplete(alice, 'ping', [{ name: 'q', type: 3, value: '', focused: true }]);
    rig.emulator.expectRefusal({ code: 50035 });
    expect(await post(callbackPath(i), { type, data: { content: 'x' } })).toEqual({ status: 400, body: typeError('8') });
  });

  it('type 8 for a button → 400 50035; a refused callback acknowledges nothing, so a valid one may follow', async () => {
    const answered = rig.emulator.sendCommand(alice, 'menu');
    await post(callbackPath(answered), { type: 4, data: { content: 'menu', components: [{ type: 1, components: [{ type: 2, style: 1, label: 'Go', custom_id: 'menu:go' }] }] } });
    const press = rig.emulator.pressButton(alice, rig.emulator.originalMessage(answered)!.id, 'menu:go');
    rig.emulator.expectRefusal({ code: 50035 });
    expect((await post(callbackPath(press), { type: 8, data: { choices: [] } })).body).toEqual(typeError('4, 5, 6, 7, 9'));
    expect((await post(callbackPath(press), { type: 7, data: { content: 'gone', components: [] } })).status).toBe(204);
    expect(rig.emulator.messages.get(press.messageId!)?.content).toBe('gone');
  });
});

describe("the interaction's webhook (edits and follow-ups)", () => {
  it('works for 15 minutes after dispatch', async () => {
    const i = rig.emulator.sendCommand(alice, 'ping');
    await post(callbackPath(i), reply);
    rig.clock.advance(15 * 60_000);
    expect((await rig.api('PATCH', `${webhookPath(rig.emulator, i)}/messages/@original`, { content: 'edited' }, { auth: false })).status).toBe(200);
    expect((await post(webhookPath(rig.emulator, i), { content: 'more' })).status).toBe(200);
    expect(rig.emulator.originalMessage(i)?.content).toBe('edited');
  });

  it.each([
    ['PATCH @original', 'PATCH', '/messages/@original', { content: 'late edit' }],
    ['DELETE @original', 'DELETE', '/messages/@original', undefined],
    ['a follow-up', 'POST', '', { content: 'late follow-up' }],
  ])('%s more than 15 minutes after dispatch → 401 50027 Invalid Webhook Token', async (_label, method, suffix, body) => {
    const i = rig.emulator.sendCommand(alice, 'ping');
    await post(callbackPath(i), reply);
    rig.clock.advance(15 * 60_000 + 1);
    rig.emulator.expectRefusal({ code: 50027 });
    expect(await rig.api(method, webhookPath(rig.emulator, i) + suffix, body, { auth: false })).toEqual({ status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } });
  });

  it('an unknown token → 404 10015 Unknown Webhook', async () => {
    rig.emulator.expectRefusal({ code: 10015, times: 2 });
    expect(await post(webhookPath(rig.emulator, { token: 'itok_unknown' }), { content: 'x' })).toEqual({ status: 404, body: { message: 'Unknown Webhook', code: 10015 } });
    expect((await rig.api('PATCH', `${webhookPath(rig.emulator, { token: 'itok_unknown' })}/messages/@original`, { content: 'x' }, { auth: false })).body.code).toBe(10015);
  });

  it('a follow-up right after a deferred reply fills the loading message, keeping it public (docs: Create Followup Message)', async () => {
    const i = rig.emulator.sendCommand(alice, 'slow');
    await post(callbackPath(i), { type: 5 });
    const filled = await post(webhookPath(rig.emulator, i), { content: 'done', flags: 64 });
    expect(filled.body.id).toBe(rig.emulator.originalMessage(i)!.id);
    expect(rig.emulator.originalMessage(i)).toMatchObject({ content: 'done', flags: 0 });
    expect((await post(webhookPath(rig.emulator, i), { content: 'second' })).body.id).not.toBe(filled.body.id);
  });
});
