/**
 * The emulated guild: its members, roles and channels as tests declare them, and the API shapes
 * Discord sends for them (users, members, resolved options, GUILD_CREATE, channels).
 */
import { MEMBER_PERMISSIONS, OptionType, nextSnowflake, type CommandOption, type EmulatedChannel, type EmulatedUser } from './model';

export interface EmulatedRole {
  id: string;
  name: string;
  mentionable?: boolean;
  /** Permission bitfield as a decimal string (default: view and send). */
  permissions?: string;
}

export class Guild {
  readonly users = new Map<string, EmulatedUser>();
  readonly roles: EmulatedRole[] = [];
  readonly channels = new Map<string, EmulatedChannel>();

  constructor(readonly id: string) {}

  isMember(userId: string): boolean {
    const user = this.users.get(userId);
    return user ? user.inGuild !== false : false;
  }

  /** Members holding a role (whom a role ping reaches). */
  membersWithRole(roleId: string): string[] {
    return [...this.users.values()].filter((u) => u.inGuild !== false && (u.roles ?? []).includes(roleId)).map((u) => u.id);
  }

  members(): string[] {
    return [...this.users.values()].filter((u) => u.inGuild !== false).map((u) => u.id);
  }

  apiUser(user: Pick<EmulatedUser, 'id' | 'username' | 'bot'>) {
    return { id: user.id, username: user.username, discriminator: '0', global_name: user.username, avatar: null, public_flags: 0, ...(user.bot ? { bot: true } : {}) };
  }

  apiMember(user: EmulatedUser) {
    return {
      roles: user.roles ?? [],
      joined_at: user.joinedAt ?? '2025-01-01T00:00:00.000Z',
      deaf: false,
      mute: false,
      flags: 0,
      pending: user.pending === true,
      nick: null,
      avatar: null,
      premium_since: null,
      communication_disabled_until: null,
    };
  }

  /**
   * `resolved` for user options. Discord resolves a member only for users in the guild: a user
   * option naming someone who left has `resolved.users[id]` but no `resolved.members[id]`.
   */
  resolvedFor(options: CommandOption[]): { users: Record<string, unknown>; members: Record<string, unknown> } | undefined {
    const ids = new Set<string>();
    const walk = (opts: CommandOption[]) => {
      for (const o of opts) {
        if (o.type === OptionType.User && typeof o.value === 'string') ids.add(o.value);
        if (o.options) walk(o.options);
      }
    };
    walk(options);
    if (!ids.size) return undefined;
    const users: Record<string, unknown> = {};
    const members: Record<string, unknown> = {};
    for (const id of ids) {
      const user: EmulatedUser = this.users.get(id) ?? { id, username: `user${id.slice(-4)}` };
      users[id] = this.apiUser(user);
      if (user.inGuild !== false) members[id] = { ...this.apiMember(user), permissions: user.permissions ?? MEMBER_PERMISSIONS };
    }
    return { users, members };
  }

  channelPayload(channel: EmulatedChannel, position = 0) {
    return { id: channel.id, type: 0, name: channel.name, position, permission_overwrites: [], guild_id: this.id, flags: 0 };
  }

  /** GUILD_CREATE: channels the bot cannot see are left out, as Discord does. */
  createPayload() {
    return {
      id: this.id,
      name: 'Outlands Scholars',
      icon: null,
      owner_id: nextSnowflake(),
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      features: [],
      mfa_level: 0,
      system_channel_flags: 0,
      premium_tier: 0,
      preferred_locale: 'en-US',
      nsfw_level: 0,
      premium_progress_bar_enabled: false,
      unavailable: false,
      member_count: this.members().length + 1,
      large: false,
      joined_at: '2025-01-01T00:00:00.000Z',
      roles: [{ id: this.id, name: '@everyone' }, ...this.roles].map((role, position) => ({
        ...role,
        permissions: (role as EmulatedRole).permissions ?? MEMBER_PERMISSIONS,
        position,
        color: 0,
        hoist: false,
        managed: false,
        mentionable: (role as EmulatedRole).mentionable ?? false,
        flags: 0,
      })),
      emojis: [],
      stickers: [],
      channels: [...this.channels.values()].filter((c) => c.botCanView).map((c, i) => this.channelPayload(c, i)),
      threads: [],
      members: [],
      voice_states: [],
      presences: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }
}
