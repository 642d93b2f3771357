/**
 * Every message the emulator holds: created by the bot's answers or by tests, edited in place,
 * rendered as Discord's message object. Each creation computes once who was pinged and logs it;
 * edits change the message but never the pings (see mentions.ts).
 */
import type { Guild } from './guild';
import { computePings, nobody, type MessageSource } from './mentions';
import { EPHEMERAL, nextSnowflake, type RecordedRequest, type StoredMessage } from './model';

export interface PingRecord {
  messageId: string;
  userId: string;
  /** How the mention reached the user. */
  via: 'user' | 'role' | 'everyone' | 'reply';
  at: number;
}

export interface NewMessage {
  data: any;
  files?: RecordedRequest['files'];
  channelId: string;
  authorId: string;
  source: MessageSource;
  /** Set for an interaction's answer: who saw it, if it is ephemeral. */
  invokerId?: string;
  interactionToken?: string;
  /** A deferred response's placeholder: it has no content yet and pings nobody. */
  loading?: boolean;
}

export class MessageStore {
  readonly byId = new Map<string, StoredMessage>();
  readonly pingLog: PingRecord[] = [];

  constructor(
    private readonly now: () => number,
    private readonly guild: Guild,
    private readonly botUserId: string,
  ) {}

  create(n: NewMessage): StoredMessage {
    const data = n.data ?? {};
    // EPHEMERAL is honoured for interaction answers only; a channel message cannot be ephemeral.
    const flags = n.source === 'interaction' ? (data.flags ?? 0) : (data.flags ?? 0) & ~EPHEMERAL;
    const ephemeral = Boolean(flags & EPHEMERAL);
    const referenced = data.message_reference?.message_id ? this.byId.get(data.message_reference.message_id) : undefined;
    const message: StoredMessage = {
      id: nextSnowflake(),
      channel_id: n.channelId,
      content: data.content ?? '',
      embeds: data.embeds ?? [],
      components: data.components ?? [],
      flags,
      attachments: (n.files ?? []).map((f, i) => ({ id: String(i), filename: f.name, size: f.text.length })),
      interactionToken: n.interactionToken,
      allowed_mentions: data.allowed_mentions,
      authorId: n.authorId,
      viewerId: ephemeral ? n.invokerId : undefined,
      pinged: nobody(),
      loading: n.loading || undefined,
      message_reference: referenced ? { message_id: referenced.id } : undefined,
      createdAt: this.now(),
    };
    if (!n.loading) {
      message.pinged = computePings(message.content, data.allowed_mentions, {
        source: n.source,
        ephemeral,
        repliedAuthorId: referenced && referenced.authorId !== n.authorId ? referenced.authorId : undefined,
        // The emulated bot holds every permission (app_permissions in each interaction), MENTION_EVERYONE included.
        botMayMentionEveryone: true,
        roleIsMentionable: (id) => this.guild.roles.find((r) => r.id === id)?.mentionable === true,
      });
    }
    this.byId.set(message.id, message);
    this.logPings(message, referenced?.authorId);
    return message;
  }

  /** Applies an edit body; pings stay as they were at creation. */
  edit(message: StoredMessage, data: any, files: RecordedRequest['files'] = []): void {
    const body = data ?? {};
    if (body.content !== undefined) message.content = body.content ?? '';
    if (body.embeds !== undefined) message.embeds = body.embeds ?? [];
    if (body.components !== undefined) message.components = body.components ?? [];
    if (body.allowed_mentions !== undefined) message.allowed_mentions = body.allowed_mentions;
    if (body.attachments !== undefined || files.length) {
      const kept = (body.attachments ?? message.attachments).filter((a: any) => message.attachments.some((m) => m.id === a.id));
      message.attachments = [...kept, ...files.map((f, i) => ({ id: String(kept.length + i), filename: f.name, size: f.text.length }))];
    }
    message.loading = undefined;
    message.editedAt = this.now();
  }

  /** What the message would look like after an edit (to check it is not left empty). */
  preview(message: StoredMessage, data: any, files: RecordedRequest['files'] = []): StoredMessage {
    const copy = { ...message, attachments: [...message.attachments] };
    this.edit(copy, data, files);
    return copy;
  }

  delete(id: string): void {
    this.byId.delete(id);
  }

  pingedUsers(messageId: string): string[] {
    return [...new Set(this.pingLog.filter((p) => p.messageId === messageId).map((p) => p.userId))];
  }

  /** Discord's message object. */
  payload(message: StoredMessage, applicationId: string, author: unknown) {
    const fromInteraction = message.interactionToken !== undefined;
    return {
      id: message.id,
      channel_id: message.channel_id,
      author,
      content: message.content,
      embeds: message.embeds,
      components: message.components,
      attachments: message.attachments,
      mentions: [],
      mention_roles: message.pinged.roles,
      mention_everyone: message.pinged.everyone,
      pinned: false,
      tts: false,
      type: fromInteraction ? 20 : message.message_reference ? 19 : 0,
      flags: message.flags,
      timestamp: new Date(message.createdAt).toISOString(),
      edited_timestamp: message.editedAt === undefined ? null : new Date(message.editedAt).toISOString(),
      ...(message.message_reference ? { message_reference: { ...message.message_reference, channel_id: message.channel_id } } : {}),
      ...(fromInteraction ? { application_id: applicationId, webhook_id: applicationId } : {}),
    };
  }

  private logPings(message: StoredMessage, repliedAuthorId: string | undefined): void {
    const { users, roles, everyone } = message.pinged;
    const logged = new Set<string>();
    const log = (userId: string, via: PingRecord['via']) => {
      if (userId === this.botUserId || logged.has(userId)) return;
      logged.add(userId);
      this.pingLog.push({ messageId: message.id, userId, via, at: message.createdAt });
    };
    for (const id of users) log(id, id === repliedAuthorId && !mentionedIn(message.content, id) ? 'reply' : 'user');
    for (const role of roles) for (const id of this.guild.membersWithRole(role)) log(id, 'role');
    if (everyone) for (const id of this.guild.members()) log(id, 'everyone');
  }
}

function mentionedIn(content: string, userId: string): boolean {
  return content.includes(`<@${userId}>`) || content.includes(`<@!${userId}>`);
}

