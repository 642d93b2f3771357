/** Routes discord.js calls at startup: the gateway URL, the bot's identity, command registration. */
import type { DiscordEmulator } from '../emulator';
import { nextSnowflake } from '../model';
import { DiscordError } from '../refusals';
import type { Route } from '../rest';

export function applicationRoutes(e: DiscordEmulator): Route[] {
  const checkApplication = (id: string) => {
    if (id !== e.applicationId) throw new DiscordError(404, 10002, 'Unknown Application');
  };
  return [
    {
      method: 'GET',
      path: '/gateway/bot',
      handle: () => ({ status: 200, body: { url: e.gatewayUrl, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } } }),
    },
    { method: 'GET', path: '/users/@me', handle: () => ({ status: 200, body: e.botUser }) },
    { method: 'GET', path: '/applications/@me', handle: () => ({ status: 200, body: { id: e.applicationId, name: 'FlavaFlav', flags: 0, bot: e.botUser } }) },
    {
      method: 'PUT',
      path: '/applications/:application/guilds/:guild/commands',
      handle: ({ params, body }) => {
        checkApplication(params.application);
        const registered = (body as any[]).map((c) => ({ ...c, id: nextSnowflake(), application_id: e.applicationId, guild_id: params.guild, version: nextSnowflake() }));
        e.commands.set(params.guild, registered);
        return { status: 200, body: registered };
      },
    },
    {
      method: 'GET',
      path: '/applications/:application/guilds/:guild/commands',
      handle: ({ params }) => {
        checkApplication(params.application);
        return { status: 200, body: e.commands.get(params.guild) ?? [] };
      },
    },
  ];
}
