/**
 * Channel routes, with the bot's access to each channel as the test declared it: unknown
 * channel 404 10003, not visible 403 50001 Missing Access, visible but not postable 403 50013
 * Missing Permissions. Editing needs only access: per docs resources/message (Edit Message) the
 * author edits its content; anyone else's message is 403 50005. Ephemeral messages are not
 * channel messages: the channel routes do not find them (10008).
 */
import type { DiscordEmulator } from '../emulator';
import type { EmulatedChannel, StoredMessage } from '../model';
import { invalidFormBody, Refuse } from '../refusals';
import type { Route } from '../rest';
import { assertEditable, assertSendable } from './checks';

export function channelRoutes(e: DiscordEmulator): Route[] {
  const access = (id: string, need: 'view' | 'send'): EmulatedChannel => {
    const channel = e.guild.channels.get(id);
    if (!channel) throw Refuse.unknownChannel();
    if (!channel.botCanView) throw Refuse.missingAccess();
    if (need === 'send' && !channel.botCanSend) throw Refuse.missingPermissions();
    return channel;
  };
  const find = (channelId: string, messageId: string): StoredMessage => {
    const message = e.store.byId.get(messageId);
    if (!message || message.channel_id !== channelId || message.viewerId !== undefined) throw Refuse.unknownMessage();
    return message;
  };
  return [
    {
      method: 'GET',
      path: '/channels/:channel',
      handle: ({ params }) => ({ status: 200, body: e.guild.channelPayload(access(params.channel, 'view')) }),
    },
    {
      method: 'POST',
      path: '/channels/:channel/messages',
      handle: ({ params, body, files }) => {
        access(params.channel, 'send');
        const reference = body?.message_reference;
        if (reference?.message_id && reference.fail_if_not_exists !== false && !e.store.byId.has(reference.message_id)) {
          throw invalidFormBody([{ path: ['message_reference'], code: 'REPLIES_UNKNOWN_MESSAGE', message: 'Unknown message' }]);
        }
        assertSendable(body, [], files.length);
        const message = e.store.create({ data: body, files, channelId: params.channel, authorId: e.botUser.id, source: 'channel' });
        return { status: 200, body: e.messagePayload(message) };
      },
    },
    {
      method: 'GET',
      path: '/channels/:channel/messages/:message',
      handle: ({ params }) => {
        access(params.channel, 'view');
        return { status: 200, body: e.messagePayload(find(params.channel, params.message)) };
      },
    },
    {
      method: 'PATCH',
      path: '/channels/:channel/messages/:message',
      handle: ({ params, body, files }) => {
        access(params.channel, 'view');
        const message = find(params.channel, params.message);
        if (message.authorId !== e.botUser.id) throw Refuse.cannotEditOthers();
        assertEditable(body, [], e.store.preview(message, body, files));
        e.store.edit(message, body, files);
        return { status: 200, body: e.messagePayload(message) };
      },
    },
  ];
}
