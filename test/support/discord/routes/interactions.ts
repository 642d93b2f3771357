/**
 * POST /interactions/{id}/{token}/callback: the initial response. The book checks timing, a
 * second acknowledgement and the callback type; here the payload is checked and applied:
 * 4 creates the answer, 5 a "thinking…" placeholder, 6 nothing yet, 7 edits the component's
 * message, 8 answers autocomplete, 9 opens a modal. A refused callback acknowledges nothing.
 */
import type { DiscordEmulator } from '../emulator';
import { choiceViolations } from '../limits';
import { EPHEMERAL, type StoredMessage } from '../model';
import { invalidFormBody, Refuse } from '../refusals';
import type { Route } from '../rest';
import { assertEditable, assertSendable } from './checks';

export function interactionRoutes(e: DiscordEmulator): Route[] {
  return [
    {
      method: 'POST',
      path: '/interactions/:id/:token/callback',
      auth: 'token',
      handle: ({ params, body, files, query, at }) => {
        const state = e.interactions.checkCallback(params.id, params.token, body?.type, at);
        const type: number = body.type;
        const data = body.data;
        const answer = (fields: any, loading = false) =>
          e.store.create({ data: fields, files, channelId: state.channelId, authorId: e.botUser.id, source: 'interaction', invokerId: state.userId, interactionToken: state.token, loading });
        let message: StoredMessage | undefined;
        if (type === 4) {
          assertSendable(data, ['data'], files.length);
          message = answer(data);
          state.originalId = message.id;
        } else if (type === 5) {
          message = answer({ content: '', flags: (data?.flags ?? 0) & EPHEMERAL }, true);
          state.originalId = message.id;
        } else if (type === 7) {
          message = state.messageId ? e.store.byId.get(state.messageId) : undefined;
          if (!message) throw Refuse.unknownMessage();
          assertEditable(data, ['data'], e.store.preview(message, data, files));
          e.store.edit(message, data, files);
        } else if (type === 8) {
          const violations = choiceViolations(data, ['data']);
          if (violations.length) throw invalidFormBody(violations);
        }
        state.acknowledgedWith = type;
        if (query.get('with_response') !== 'true') return { status: 204 };
        return {
          status: 200,
          body: {
            interaction: {
              id: state.id,
              type: state.type,
              response_message_id: message?.id,
              response_message_loading: type === 5,
              response_message_ephemeral: Boolean((message?.flags ?? 0) & EPHEMERAL),
            },
            ...(message ? { resource: { type, message: e.messagePayload(message) } } : {}),
          },
        };
      },
    },
  ];
}
