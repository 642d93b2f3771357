/** Channel REST with the bot's access as declared: 10003, 50001, 50013, and 50005 for edits. */
import { nextSnowflake } from '../support/discord-emulator';
import { callbackPath, startRig, type Rig } from './client';

let rig: Rig;
beforeEach(async () => (rig = await startRig()));
afterEach(() => rig.stop());

const post = (channelId: string, body: unknown = { content: 'hello' }) => rig.api('POST', `/channels/${channelId}/messages`, body);

describe('channel messages', () => {
  it('an unknown channel → 404 10003 Unknown Channel (create, read, edit)', async () => {
    const unknown = nextSnowflake();
    rig.emulator.expectRefusal({ code: 10003, times: 3 });
    expect(await post(unknown)).toEqual({ status: 404, body: { message: 'Unknown Channel', code: 10003 } });
    expect((await rig.api('GET', `/channels/${unknown}`)).status).toBe(404);
    expect((await rig.api('PATCH', `/channels/${unknown}/messages/${nextSnowflake()}`, { content: 'x' })).body.code).toBe(10003);
  });

  it('a channel the bot cannot see → 403 50001 Missing Access', async () => {
    const hidden = rig.emulator.addChannel({ name: 'officers', botCanView: false, botCanSend: false });
    rig.emulator.expectRefusal({ code: 50001, times: 2 });
    expect(await post(hidden.id)).toEqual({ status: 403, body: { message: 'Missing Access', code: 50001 } });
    expect((await rig.api('GET', `/channels/${hidden.id}`)).status).toBe(403);
  });

  it('a channel it sees but cannot post in → 403 50013 Missing Permissions; reading it works', async () => {
    const readOnly = rig.emulator.addChannel({ name: 'rules', botCanSend: false });
    rig.emulator.expectRefusal({ code: 50013 });
    expect(await post(readOnly.id)).toEqual({ status: 403, body: { message: 'Missing Permissions', code: 50013 } });
    expect(await rig.api('GET', `/channels/${readOnly.id}`)).toMatchObject({ status: 200, body: { id: readOnly.id, name: 'rules' } });
  });

  it('the interaction channel and added channels are postable; the bot reads and edits its own message', async () => {
    const announcements = rig.emulator.addChannel({ name: 'announcements' });
    expect((await post(rig.emulator.channelId)).status).toBe(200);
    const sent = await post(announcements.id, { content: 'draft' });
    expect(sent.body).toMatchObject({ channel_id: announcements.id, content: 'draft', author: { id: rig.emulator.botUser.id } });
    const edited = await rig.api('PATCH', `/channels/${announcements.id}/messages/${sent.body.id}`, { content: 'final' });
    expect(edited.body).toMatchObject({ content: 'final' });
    expect((await rig.api('GET', `/channels/${announcements.id}/messages/${sent.body.id}`)).body.content).toBe('final');
  });

  it("editing someone else's message → 403 50005", async () => {
    const alice = rig.emulator.addUser({ id: nextSnowflake(), username: 'alice' });
    const hers = rig.emulator.addUserMessage(alice, { content: 'my words' });
    rig.emulator.expectRefusal({ code: 50005 });
    expect(await rig.api('PATCH', `/channels/${rig.emulator.channelId}/messages/${hers.id}`, { content: 'yours now' })).toEqual({
      status: 403,
      body: { message: 'Cannot edit a message authored by another user', code: 50005 },
    });
    expect(rig.emulator.messages.get(hers.id)?.content).toBe('my words');
  });

  it('a message in another channel, or an ephemeral one, is not found there → 404 10008', async () => {
    const other = rig.emulator.addChannel();
    const sent = await post(other.id);
    const alice = rig.emulator.addUser({ id: nextSnowflake(), username: 'alice' });
    const i = rig.emulator.sendCommand(alice, 'secret');
    await rig.api('POST', callbackPath(i), { type: 4, data: { content: 'psst', flags: 64 } }, { auth: false });
    rig.emulator.expectRefusal({ code: 10008, times: 2 });
    expect((await rig.api('GET', `/channels/${rig.emulator.channelId}/messages/${sent.body.id}`)).body.code).toBe(10008);
    expect((await rig.api('GET', `/channels/${rig.emulator.channelId}/messages/${rig.emulator.originalMessage(i)!.id}`)).status).toBe(404);
  });

  it('without the bot token → 401', async () => {
    rig.emulator.expectRefusal({ code: 0, route: 'POST /channels/:channel/messages' });
    expect((await rig.api('POST', `/channels/${rig.emulator.channelId}/messages`, { content: 'x' }, { auth: false })).status).toBe(401);
  });
});
