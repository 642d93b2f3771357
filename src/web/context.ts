/** What every part of the web server is handed: the app's services and settings, no globals. */
import type { preHandlerAsyncHookHandler } from 'fastify';
import type { Config } from '../config';
import { todayBy, type Clock } from '../domain/clock';
import type { Logger } from '../logger';
import type { Services } from '../services';
import { CursorSeal } from './cursors';
import { GuildLookups, oauthEndpoints, type OAuthEndpoints, type WebDiscord } from './discord';
import { RevokedSessions } from './session';

export interface WebDeps {
  config: Config;
  services: Services;
  clock: Clock;
  logger: Logger;
  discord: WebDiscord;
  /** What /healthz on WEB_PORT answers (the same check as HEALTH_PORT's); default: always ok. */
  health?: () => Promise<{ ok: boolean } & Record<string, unknown>>;
  /** Requests a minute; tests that sign in many users from one address raise signIn. */
  rateLimits?: Partial<WebRateLimits>;
}

export interface WebRateLimits {
  /** /login and /auth/callback together, per client address: 20 is 10 sign-ins a minute. */
  signInPerMinute: number;
  /** Every write, per signed-in user. */
  writesPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: WebRateLimits = { signInPerMinute: 20, writesPerMinute: 30 };

export interface WebContext extends WebDeps {
  publicUrl: string;
  https: boolean;
  guildId: string;
  sessionSecret: string;
  clientSecret: string;
  endpoints: OAuthEndpoints;
  lookups: GuildLookups;
  cursors: CursorSeal;
  /** Sessions signed out before they expired. */
  revoked: RevokedSessions;
  today(): string;
  /** The guild's name for pages, as the bot sees it. */
  guildName(): string;
  limits: {
    /** /login and /auth/callback together, per client address. */
    signIn: preHandlerAsyncHookHandler;
    /** Every write, per signed-in user. */
    write: preHandlerAsyncHookHandler;
  };
}

export function webContext(deps: WebDeps, limits: WebContext['limits']): WebContext {
  const { config } = deps;
  const { publicUrl, sessionSecret, clientSecret } = config.web;
  const guildId = config.discord.guildId;
  if (!publicUrl || !sessionSecret || !clientSecret || !guildId) throw new Error('the web dashboard needs PUBLIC_URL, SESSION_SECRET, DISCORD_CLIENT_SECRET and DISCORD_GUILD_ID');
  return {
    ...deps,
    publicUrl,
    https: publicUrl.startsWith('https:'),
    guildId,
    sessionSecret,
    clientSecret,
    endpoints: oauthEndpoints(config.discord.apiBaseUrl),
    lookups: new GuildLookups(deps.discord, guildId, deps.clock),
    cursors: new CursorSeal(sessionSecret),
    revoked: new RevokedSessions(),
    today: () => todayBy(deps.clock),
    guildName: () => deps.discord.guild()?.name ?? 'the guild',
    limits,
  };
}
