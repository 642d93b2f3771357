/** Who gets pinged, computed as Discord does from the content and allowed_mentions. */
import { nextSnowflake, type EmulatedUser } from '../support/discord-emulator';
import { callbackPath, startRig, webhookPath, type Rig } from './client';

let rig: Rig;
let alice: EmulatedUser;
let bob: EmulatedUser;
let carol: EmulatedUser;
const roleId = nextSnowflake();
beforeEach(async () => {
  rig = await startRig();
  rig.emulator.addRole(roleId, 'Raiders');
  alice = rig.emulator.addUser({ id: nextSnowflake(), username: 'alice' });
  bob = rig.emulator.addUser({ id: nextSnowflake(), username: 'bob', roles: [roleId] });
  carol = rig.emulator.addUser({ id: nextSnowflake(), username: 'carol' });
});
afterEach(() => rig.stop());

/** Alice runs a command; the bot replies with `data`; returns the reply's message id. */
async function reply(data: Record<string, unknown>): Promise<string> {
  const i = rig.emulator.sendCommand(alice, 'ping');
  const res = await rig.api('POST', callbackPath(i), { type: 4, data }, { auth: false });
  expect(res.status).toBe(204);
  return rig.emulator.originalMessage(i)!.id;
}

async function channelMessage(body: Record<string, unknown>): Promise<string> {
  const res = await rig.api('POST', `/channels/${rig.emulator.channelId}/messages`, body);
  expect(res.status).toBe(200);
  return res.body.id;
}

const everyone = () => [alice.id, bob.id, carol.id];

describe('pings', () => {
  it('allowed users only: a mentioned user not in `users` is not pinged', async () => {
    const id = await reply({ content: `<@${bob.id}> wins, <@!${carol.id}> watches`, allowed_mentions: { parse: [], users: [bob.id] } });
    expect(rig.emulator.pingsOf(id)).toEqual({ users: [bob.id], roles: [], everyone: false });
    expect(rig.emulator.pingedUsers(id)).toEqual([bob.id]);
  });

  it('parse: [] pings nobody, whatever the content says', async () => {
    const id = await channelMessage({ content: `@everyone <@${bob.id}> <@&${roleId}>`, allowed_mentions: { parse: [] } });
    expect(rig.emulator.pingsOf(id)).toEqual({ users: [], roles: [], everyone: false });
    expect(rig.emulator.pingedUsers(id)).toEqual([]);
  });

  it('@everyone and @here are suppressed unless parse includes "everyone"', async () => {
    const suppressed = await channelMessage({ content: '@everyone and @here', allowed_mentions: { parse: ['users', 'roles'] } });
    expect(rig.emulator.pingsOf(suppressed).everyone).toBe(false);
    const allowed = await channelMessage({ content: '@here', allowed_mentions: { parse: ['everyone'] } });
    expect(rig.emulator.pingsOf(allowed).everyone).toBe(true);
    expect(rig.emulator.pingedUsers(allowed).sort()).toEqual(everyone().sort());
  });

  it('edits never ping, through any route, even with allowed_mentions', async () => {
    const i = rig.emulator.sendCommand(alice, 'ping');
    await rig.api('POST', callbackPath(i), { type: 4, data: { content: 'nobody yet', allowed_mentions: { parse: [] } } }, { auth: false });
    const original = rig.emulator.originalMessage(i)!.id;
    await rig.api('PATCH', `${webhookPath(rig.emulator, i)}/messages/@original`, { content: `<@${bob.id}>`, allowed_mentions: { parse: ['users'] } }, { auth: false });
    const posted = await channelMessage({ content: 'plain' });
    await rig.api('PATCH', `/channels/${rig.emulator.channelId}/messages/${posted}`, { content: `@everyone <@${carol.id}>` });
    expect(rig.emulator.pingedUsers(original)).toEqual([]);
    expect(rig.emulator.pingedUsers(posted)).toEqual([]);
    expect(rig.emulator.messages.get(original)!.content).toBe(`<@${bob.id}>`);
  });

  it('the edit that fills a deferred reply pings nobody (discord-api-docs #5497)', async () => {
    const i = rig.emulator.sendCommand(alice, 'slow');
    await rig.api('POST', callbackPath(i), { type: 5 }, { auth: false });
    await rig.api('PATCH', `${webhookPath(rig.emulator, i)}/messages/@original`, { content: `<@${bob.id}> wins`, allowed_mentions: { users: [bob.id] } }, { auth: false });
    expect(rig.emulator.pingedUsers(rig.emulator.originalMessage(i)!.id)).toEqual([]);
  });

  it('an ephemeral message pings nobody', async () => {
    const id = await reply({ content: `<@${bob.id}>`, flags: 64, allowed_mentions: { parse: ['users'] } });
    expect(rig.emulator.pingsOf(id)).toEqual({ users: [], roles: [], everyone: false });
  });

  it('embeds never ping', async () => {
    const id = await reply({ embeds: [{ description: `<@${bob.id}> @everyone` }], allowed_mentions: { parse: ['users', 'everyone'] } });
    expect(rig.emulator.pingedUsers(id)).toEqual([]);
  });

  it('defaults without allowed_mentions: an interaction reply parses users only; a channel message parses users, roles and @everyone', async () => {
    const content = `<@${alice.id}> <@&${roleId}> @everyone`;
    const answered = await reply({ content });
    expect(rig.emulator.pingsOf(answered)).toEqual({ users: [alice.id], roles: [], everyone: false });
    const posted = await channelMessage({ content });
    expect(rig.emulator.pingsOf(posted)).toEqual({ users: [alice.id], roles: [roleId], everyone: true });
    expect(rig.emulator.pingLog.filter((p) => p.messageId === posted)).toEqual([
      expect.objectContaining({ userId: alice.id, via: 'user' }),
      expect.objectContaining({ userId: bob.id, via: 'role' }),
      expect.objectContaining({ userId: carol.id, via: 'everyone' }),
    ]);
  });

  it('a role listed in `roles` pings its members', async () => {
    const id = await reply({ content: `<@&${roleId}>`, allowed_mentions: { roles: [roleId] } });
    expect(rig.emulator.pingedUsers(id)).toEqual([bob.id]);
  });

  it('a reply pings the replied-to author by default, and not with replied_user false', async () => {
    const hers = rig.emulator.addUserMessage(carol, { content: 'who won?' });
    const byDefault = await channelMessage({ content: 'alice did', message_reference: { message_id: hers.id } });
    expect(rig.emulator.pingLog.filter((p) => p.messageId === byDefault)).toEqual([expect.objectContaining({ userId: carol.id, via: 'reply' })]);
    const quiet = await channelMessage({ content: 'alice did', message_reference: { message_id: hers.id }, allowed_mentions: { parse: [], replied_user: false } });
    expect(rig.emulator.pingedUsers(quiet)).toEqual([]);
  });

  it('parse ["users"] together with a users list → 400 50035, as Discord validates', async () => {
    const i = rig.emulator.sendCommand(alice, 'ping');
    rig.emulator.expectRefusal({ code: 50035 });
    const res = await rig.api('POST', callbackPath(i), { type: 4, data: { content: `<@${bob.id}>`, allowed_mentions: { parse: ['users'], users: [bob.id] } } }, { auth: false });
    expect(res.body.errors).toEqual({
      data: { allowed_mentions: { _errors: [{ code: 'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', message: 'parse:["users"] and users: [ids...] are mutually exclusive.' }] } },
    });
  });
});
