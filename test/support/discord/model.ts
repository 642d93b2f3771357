/**
 * The shapes the emulator's modules share: what a test declares (users, channels), what the
 * emulator records (requests, messages) and the few Discord constants the tests use.
 */
export const API_VERSION = 'v10';

export interface RecordedRequest {
  method: string;
  /** Decoded path without the /api/v10 prefix, e.g. /webhooks/1/abc/messages/@original */
  path: string;
  query: URLSearchParams;
  body: any;
  files: { name: string; contentType: string; text: string; bytes: Buffer }[];
  /** When it arrived, on the emulator's clock. */
  at: number;
  /** The HTTP status the emulator answered with. */
  status?: number;
}

export interface EmulatedUser {
  id: string;
  username: string;
  /** Role ids held in the guild. */
  roles?: string[];
  /** Permission bitfield as a decimal string. */
  permissions?: string;
  /** ISO timestamp of joining the guild. */
  joinedAt?: string;
  /** False for a user who is not (or no longer) a member of the guild; default true. */
  inGuild?: boolean;
  /** True for a bot account (sent as `bot: true` on the user object, as Discord does). */
  bot?: boolean;
  /** True while the member has not passed the guild's membership screening (Discord's `pending`). */
  pending?: boolean;
}

export interface EmulatedChannel {
  id: string;
  name: string;
  /** VIEW_CHANNEL for the bot; without it Discord answers 403 Missing Access. */
  botCanView: boolean;
  /** SEND_MESSAGES for the bot; without it Discord answers 403 Missing Permissions. */
  botCanSend: boolean;
}

export interface CommandOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: CommandOption[];
  focused?: boolean;
}

/** Discord's option types used here. */
export const OptionType = { Subcommand: 1, String: 3, Integer: 4, Boolean: 5, User: 6 } as const;
/** Discord's permission bits used here. */
export const Permission = { ManageGuild: 1n << 5n, SendMessages: 1n << 11n, ViewChannel: 1n << 10n } as const;
export const MEMBER_PERMISSIONS = String(Permission.ViewChannel | Permission.SendMessages);
/** Message flag EPHEMERAL (1 << 6): only the interaction's user sees the message. */
export const EPHEMERAL = 64;

export interface SentInteraction {
  id: string;
  token: string;
  /** The message the bot's answer created or edited (for pressing its buttons). */
  messageId?: string;
}

/** Who a message notified when it was created. */
export interface Pings {
  users: string[];
  roles: string[];
  everyone: boolean;
}

export interface StoredMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: any[];
  components: any[];
  flags: number;
  attachments: any[];
  interactionToken?: string;
  allowed_mentions?: any;
  /** The bot's user id for everything the bot sent; a member's id for addUserMessage. */
  authorId: string;
  /** For an ephemeral message, the one user who sees it (and may use its components). */
  viewerId?: string;
  /** Computed once, when the message was created: edits never ping. */
  pinged: Pings;
  /** A deferred response's "thinking…" placeholder, until it is first edited. */
  loading?: boolean;
  message_reference?: { message_id: string };
  createdAt: number;
  editedAt?: number;
}

let counter = 0n;
const base = BigInt(Date.now() - 1420070400000) << 22n;
export function nextSnowflake(): string {
  counter += 1n;
  return String(base + counter);
}
