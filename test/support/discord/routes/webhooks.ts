/**
 * The interaction's webhook: follow-ups (POST /webhooks/{app}/{token}) and the answer's edits
 * (GET/PATCH/DELETE /webhooks/{app}/{token}/messages/{@original|id}), for 15 minutes.
 */
import type { DiscordEmulator } from '../emulator';
import type { InteractionState } from '../interactions';
import type { StoredMessage } from '../model';
import { Refuse } from '../refusals';
import type { Route } from '../rest';
import { assertEditable, assertSendable } from './checks';

export function webhookRoutes(e: DiscordEmulator): Route[] {
  const open = (params: Record<string, string>, at: number) => e.interactions.checkWebhook(params.application, e.applicationId, params.token, at);
  /** @original, or a message this token sent (a follow-up). */
  const find = (state: InteractionState, which: string): StoredMessage => {
    const message = e.store.byId.get(which === '@original' ? (state.originalId ?? '') : which);
    if (!message || (which !== '@original' && message.interactionToken !== state.token)) throw Refuse.unknownMessage();
    return message;
  };
  const edit = (message: StoredMessage, data: any, files: any[]) => {
    assertEditable(data, [], e.store.preview(message, data, files));
    e.store.edit(message, data, files);
    return { status: 200, body: e.messagePayload(message) };
  };
  return [
    {
      method: 'POST',
      path: '/webhooks/:application/:token',
      auth: 'token',
      handle: ({ params, body, files, at }) => {
        const state = open(params, at);
        const original = state.originalId ? e.store.byId.get(state.originalId) : undefined;
        // Docs (Create Followup Message): right after a DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, a
        // follow-up edits the loading message instead (deprecated), keeping its ephemeral state.
        if (original?.loading) return edit(original, body, files);
        assertSendable(body, [], files.length);
        const message = e.store.create({ data: body, files, channelId: state.channelId, authorId: e.botUser.id, source: 'interaction', invokerId: state.userId, interactionToken: state.token });
        return { status: 200, body: e.messagePayload(message) };
      },
    },
    {
      method: 'GET',
      path: '/webhooks/:application/:token/messages/:message',
      auth: 'token',
      handle: ({ params, at }) => ({ status: 200, body: e.messagePayload(find(open(params, at), params.message)) }),
    },
    {
      method: 'PATCH',
      path: '/webhooks/:application/:token/messages/:message',
      auth: 'token',
      handle: ({ params, body, files, at }) => edit(find(open(params, at), params.message), body, files),
    },
    {
      method: 'DELETE',
      path: '/webhooks/:application/:token/messages/:message',
      auth: 'token',
      handle: ({ params, at }) => {
        e.store.delete(find(open(params, at), params.message).id);
        return { status: 204 };
      },
    },
  ];
}
