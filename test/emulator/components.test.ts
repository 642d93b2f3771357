/**
 * Presses Discord's client would never send are refused before dispatch (and throw), and
 * forgeComponent plays a tampered client. User options resolve members only for members.
 */
import { nextSnowflake, OptionType, type EmulatedUser, type SentInteraction } from '../support/discord-emulator';
import { callbackPath, startRig, type Rig } from './client';

let rig: Rig;
let alice: EmulatedUser;
let bob: EmulatedUser;
beforeEach(async () => {
  rig = await startRig();
  alice = rig.emulator.addUser({ id: nextSnowflake(), username: 'alice' });
  bob = rig.emulator.addUser({ id: nextSnowflake(), username: 'bob' });
});
afterEach(() => rig.stop());

const components = [
  { type: 1, components: [{ type: 2, style: 1, label: 'Go', custom_id: 'menu:go' }, { type: 2, style: 2, label: 'Off', custom_id: 'menu:off', disabled: true }] },
  { type: 1, components: [{ type: 3, custom_id: 'menu:pick', options: [{ label: 'A', value: 'a' }, { label: 'B', value: 'b' }] }] },
];

/** Alice runs /menu; the bot answers with the components above. */
async function menu(flags = 0): Promise<string> {
  const i = rig.emulator.sendCommand(alice, 'menu');
  await rig.api('POST', callbackPath(i), { type: 4, data: { content: 'menu', components, flags } }, { auth: false });
  return rig.emulator.originalMessage(i)!.id;
}

describe('presses Discord’s client would not send', () => {
  it.each([
    ['a custom id not on the message', (m: string) => rig.emulator.pressButton(alice, m, 'menu:forged'), 'COMPONENT_NOT_ON_MESSAGE'],
    ['a disabled button', (m: string) => rig.emulator.pressButton(alice, m, 'menu:off'), 'COMPONENT_DISABLED'],
    ['a select pressed as a button', (m: string) => rig.emulator.pressButton(alice, m, 'menu:pick'), 'COMPONENT_TYPE_MISMATCH'],
    ['a value the select does not offer', (m: string) => rig.emulator.chooseOption(alice, m, 'menu:pick', ['z']), 'SELECT_VALUES_INVALID'],
  ])('%s: not dispatched, recorded, and the test gets an Error', async (_what, press, code) => {
    const messageId = await menu();
    const opened = rig.emulator.interactions.count;
    rig.emulator.expectRefusal({ code });
    expect(() => press(messageId)).toThrow(/Discord's client would not send this/);
    expect(rig.emulator.refusals.at(-1)).toMatchObject({ code, route: expect.stringMatching(/^CLIENT /) });
    expect(rig.emulator.interactions.count).toBe(opened);
  });

  it('an ephemeral message pressed by anyone but the user who saw it', async () => {
    const messageId = await menu(64);
    rig.emulator.expectRefusal({ code: 'EPHEMERAL_NOT_YOURS' });
    expect(() => rig.emulator.pressButton(bob, messageId, 'menu:go')).toThrow(/ephemeral/);
    const pressed: SentInteraction = rig.emulator.pressButton(alice, messageId, 'menu:go');
    expect(pressed.messageId).toBe(messageId);
  });

  it('forgeComponent dispatches a tampered press without checks and records nothing', async () => {
    const messageId = await menu(64);
    const forged = rig.emulator.forgeComponent(bob, messageId, 'menu:forged');
    const refusals = rig.emulator.refusals.length;
    const { d: dispatched } = await rig.dispatch((e) => e.t === 'INTERACTION_CREATE' && e.d.id === forged.id);
    expect(dispatched).toMatchObject({ id: forged.id, type: 3, data: { custom_id: 'menu:forged', component_type: 2 }, message: { id: messageId } });
    expect(rig.emulator.refusals).toHaveLength(refusals);
  });
});

describe('user options', () => {
  it('a user who is not a member is resolved as a user only, without a member', async () => {
    const gone = rig.emulator.addUser({ id: nextSnowflake(), username: 'gone', inGuild: false });
    const sent = rig.emulator.sendCommand(alice, 'member', [
      { name: 'user', type: OptionType.User, value: gone.id },
      { name: 'other', type: OptionType.User, value: bob.id },
    ]);
    const { resolved } = (await rig.dispatch((e) => e.t === 'INTERACTION_CREATE' && e.d.id === sent.id)).d.data;
    expect(Object.keys(resolved.users).sort()).toEqual([gone.id, bob.id].sort());
    expect(Object.keys(resolved.members)).toEqual([bob.id]);
  });
});
