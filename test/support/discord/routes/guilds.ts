/**
 * Guild look-ups with the bot token: one member and the guild's roles, with the permissions
 * Discord computes from them. A user declared with `permissions` beyond what their roles give
 * (the tests' "admin") is given one hidden role carrying them, so the role list and the member
 * agree as they do on Discord, where permissions come only from roles (and ownership).
 */
import type { DiscordEmulator } from '../emulator';
import { MEMBER_PERMISSIONS, nextSnowflake, type EmulatedUser } from '../model';
import { DiscordError, Refuse } from '../refusals';
import type { Route } from '../rest';

export function guildRoutes(e: DiscordEmulator): Route[] {
  const permissionRoles = new Map<string, string>();
  const extraPermissions = (user: EmulatedUser) => user.permissions !== undefined && user.permissions !== MEMBER_PERMISSIONS;
  const permissionRoleOf = (user: EmulatedUser) => {
    let id = permissionRoles.get(user.id);
    if (!id) permissionRoles.set(user.id, (id = nextSnowflake()));
    return id;
  };
  const checkGuild = (guildId: string) => {
    // The bot is in exactly one guild; any other is one it cannot see.
    if (guildId !== e.guildId) throw Refuse.missingAccess();
  };
  return [
    {
      method: 'GET',
      path: '/guilds/:guild/members/:user',
      handle: ({ params }) => {
        checkGuild(params.guild);
        const user = e.users.get(params.user);
        if (!user || !e.guild.isMember(user.id)) throw new DiscordError(404, 10007, 'Unknown Member');
        const member = e.guild.apiMember(user);
        const roles = extraPermissions(user) ? [...member.roles, permissionRoleOf(user)] : member.roles;
        return { status: 200, body: { ...member, roles, user: e.guild.apiUser(user) } };
      },
    },
    {
      method: 'GET',
      path: '/guilds/:guild/roles',
      handle: ({ params }) => {
        checkGuild(params.guild);
        const base = { color: 0, hoist: false, managed: false, mentionable: false, flags: 0, icon: null, unicode_emoji: null };
        const declared = [{ id: e.guildId, name: '@everyone', permissions: MEMBER_PERMISSIONS }, ...e.roles.map((r) => ({ ...r, permissions: r.permissions ?? MEMBER_PERMISSIONS }))];
        const hidden = [...e.users.values()].filter((u) => e.guild.isMember(u.id) && extraPermissions(u)).map((u) => ({ id: permissionRoleOf(u), name: `permissions of ${u.username}`, permissions: u.permissions as string }));
        return { status: 200, body: [...declared, ...hidden].map((role, position) => ({ ...base, ...role, position })) };
      },
    },
  ];
}
