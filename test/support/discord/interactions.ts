/**
 * Interactions as Discord tracks them: who sent what, when it was dispatched, whether and how it
 * was acknowledged, and which message its @original is. The timing rules live here, measured on
 * the emulator's clock (injectable, so tests advance it instead of sleeping):
 * - the initial response must arrive within 3 s of dispatch, or the token is invalidated and the
 *   callback gets 404 10062 Unknown interaction (docs interactions/receiving-and-responding);
 * - one acknowledgement per interaction: another gets 400 40060;
 * - the token then works for 15 minutes for edits and follow-ups; afterwards 401 50027 Invalid
 *   Webhook Token (same docs; discord-api-docs #6851 shows the 401).
 */
import type { Guild } from './guild';
import { MEMBER_PERMISSIONS, type EmulatedUser } from './model';
import { invalidFormBody, Refuse } from './refusals';

export const INITIAL_RESPONSE_MS = 3_000;
export const TOKEN_LIFETIME_MS = 15 * 60_000;

export type InteractionKind = 'command' | 'component' | 'autocomplete';

/** Interaction types on the wire: 2 APPLICATION_COMMAND, 3 MESSAGE_COMPONENT, 4 AUTOCOMPLETE. */
export const KIND_OF_TYPE: Record<number, InteractionKind> = { 2: 'command', 3: 'component', 4: 'autocomplete' };

/**
 * Callback types each kind accepts (docs: interaction response types): 4 CHANNEL_MESSAGE,
 * 5 DEFERRED_CHANNEL_MESSAGE, 6 DEFERRED_UPDATE_MESSAGE and 7 UPDATE_MESSAGE (components only),
 * 8 AUTOCOMPLETE_RESULT (autocomplete only, which accepts nothing else), 9 MODAL (not for
 * autocomplete). Discord answers another type with 50035, "In type: Value must be one of {8}."
 * for autocomplete (reported in Cog-Creators/Red-DiscordBot #6374).
 */
const CALLBACK_TYPES: Record<InteractionKind, number[]> = {
  command: [4, 5, 9],
  component: [4, 5, 6, 7, 9],
  autocomplete: [8],
};

export interface InteractionState {
  id: string;
  token: string;
  type: number;
  kind: InteractionKind;
  /** The command name or the custom id. */
  name: string;
  userId: string;
  channelId: string;
  dispatchedAt: number;
  /** For a component: the message it is on. */
  messageId?: string;
  /** What PATCH .../messages/@original edits: the answer, or for a component its message. */
  originalId?: string;
  /** The callback type that acknowledged it. */
  acknowledgedWith?: number;
}

export class InteractionBook {
  private readonly byToken = new Map<string, InteractionState>();

  open(state: InteractionState): InteractionState {
    this.byToken.set(state.token, state);
    return state;
  }

  /** How many interactions were dispatched. */
  get count(): number {
    return this.byToken.size;
  }

  byTokenOf(token: string): InteractionState | undefined {
    return this.byToken.get(token);
  }

  /** The checks of POST /interactions/{id}/{token}/callback, in Discord's order. */
  checkCallback(id: string, token: string, callbackType: unknown, at: number): InteractionState {
    const state = this.byToken.get(token);
    if (!state || state.id !== id) throw Refuse.unknownInteraction();
    if (state.acknowledgedWith !== undefined) throw Refuse.alreadyAcknowledged();
    if (at - state.dispatchedAt > INITIAL_RESPONSE_MS) throw Refuse.unknownInteraction();
    const allowed = CALLBACK_TYPES[state.kind];
    if (typeof callbackType !== 'number' || !allowed.includes(callbackType)) {
      throw invalidFormBody([{ path: ['type'], code: 'BASE_TYPE_CHOICES', message: `Value must be one of {${allowed.join(', ')}}.` }]);
    }
    return state;
  }

  /**
   * The checks of /webhooks/{application}/{token}[/messages/…]. The interaction's webhook exists
   * once the interaction is acknowledged (our reading: discord.js refuses a follow-up before a
   * reply for the same reason), and lives 15 minutes from dispatch.
   */
  checkWebhook(applicationId: string, expectedApplicationId: string, token: string, at: number): InteractionState {
    const state = this.byToken.get(token);
    if (!state || applicationId !== expectedApplicationId) throw Refuse.unknownWebhook();
    if (at - state.dispatchedAt > TOKEN_LIFETIME_MS) throw Refuse.invalidWebhookToken();
    if (state.acknowledgedWith === undefined) throw Refuse.unknownWebhook();
    return state;
  }

  /** What a refusal records about the interaction behind a token. */
  context(token: string | undefined, at: number) {
    const state = token ? this.byToken.get(token) : undefined;
    return state ? { id: state.id, kind: state.kind, name: state.name, userId: state.userId, ageMs: at - state.dispatchedAt } : undefined;
  }
}

export interface InteractionPayloadInput {
  id: string;
  token: string;
  type: number;
  data: unknown;
  applicationId: string;
  channelId: string;
  guild: Guild;
  /** undefined for a DM. */
  guildId: string | undefined;
  user: EmulatedUser;
  message?: unknown;
  attachmentSizeLimit: number;
}

/** INTERACTION_CREATE's payload, complete enough for discord.js (entitlements included). */
export function interactionPayload(i: InteractionPayloadInput): Record<string, unknown> {
  const apiUser = i.guild.apiUser(i.user);
  const payload: Record<string, unknown> = {
    id: i.id,
    application_id: i.applicationId,
    type: i.type,
    data: i.data,
    channel_id: i.channelId,
    channel: { id: i.channelId, type: i.guildId ? 0 : 1, guild_id: i.guildId, name: 'links', permissions: '2147483647', flags: 0 },
    token: i.token,
    version: 1,
    locale: 'en-US',
    app_permissions: '2147483647',
    entitlements: [],
    authorizing_integration_owners: { '0': i.guildId ?? i.applicationId },
    context: i.guildId ? 0 : 1,
    attachment_size_limit: i.attachmentSizeLimit,
    ...(i.message ? { message: i.message } : {}),
  };
  if (i.guildId) {
    payload.guild_id = i.guildId;
    payload.guild_locale = 'en-US';
    payload.guild = { id: i.guildId, locale: 'en-US', features: [] };
    payload.member = { ...i.guild.apiMember(i.user), user: apiUser, permissions: i.user.permissions ?? MEMBER_PERMISSIONS };
  } else {
    payload.user = apiUser;
  }
  return payload;
}

