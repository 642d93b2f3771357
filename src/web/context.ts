/** What every part of the web server is handed: the app's services and settings, no globals. */
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Config } from '../config';
import { todayBy, type Clock } from '../domain/clock';
import type { Logger } from '../logger';
import type { Services } from '../services';
import { CursorSeal } from './cursors';
import { GuildLookups, oauthEndpoints, type OAuthEndpoints, type WebDiscord } from './discord';
import { SessionStandings, subKey } from './session';
import { HEALTH_KEEP_MS, KeptRead, ROSTER_KEEP_MS, type RosterRead } from './shared-reads';

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
  /** Every API read (GET) but the ones below, per signed-in user. */
  readsPerMinute: number;
  /** Roster-sized reads (GET /api/v1/roster and /api/v1/lists, which name everyone), per signed-in user. */
  rosterReadsPerMinute: number;
  /** CSV exports (GET /api/v1/history?format=csv, built whole in memory), per signed-in user, an hour. */
  exportsPerHour: number;
  /** /healthz on the dashboard's port, per client address. */
  healthChecksPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: WebRateLimits = {
  signInPerMinute: 20,
  writesPerMinute: 30,
  readsPerMinute: 300,
  rosterReadsPerMinute: 30,
  exportsPerHour: 10,
  healthChecksPerMinute: 60,
};

export interface WebContext extends WebDeps {
  publicUrl: string;
  https: boolean;
  guildId: string;
  sessionSecret: string;
  clientSecret: string;
  endpoints: OAuthEndpoints;
  lookups: GuildLookups;
  cursors: CursorSeal;
  /** Users' session versions (sign-out across restarts), read at most every 30 s per user. */
  standings: SessionStandings;
  /** The roster, shared and kept ROSTER_KEEP_MS (every dashboard read of the whole roster goes here). */
  roster: RosterRead;
  /** What /healthz answers, kept HEALTH_KEEP_MS. */
  health: () => Promise<{ ok: boolean } & Record<string, unknown>>;
  today(): string;
  /** The guild's name for pages, as the bot sees it. */
  guildName(): string;
  limits: {
    /** /login and /auth/callback together, per client address. */
    signIn: preHandlerAsyncHookHandler;
    /** Every write, per signed-in user. */
    write: preHandlerAsyncHookHandler;
    /** Every API read, per signed-in user, counted by kind (readKind): reads, roster-sized, exports. */
    read: preHandlerAsyncHookHandler;
    /** /healthz, per client address. */
    health: preHandlerAsyncHookHandler;
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
    cursors: new CursorSeal(subKey(sessionSecret, 'cursor seals')),
    standings: new SessionStandings(deps.services.sessions),
    roster: new KeptRead(() => deps.services.members.listAll(), ROSTER_KEEP_MS),
    health: ((kept) => () => kept.get())(new KeptRead(deps.health ?? (async () => ({ ok: true })), HEALTH_KEEP_MS)),
    today: () => todayBy(deps.clock),
    guildName: () => deps.discord.guild()?.name ?? 'the guild',
    limits,
  };
}

/** Reads that name everyone: the whole roster each time (shared and kept, but still sorted and shown). */
const ROSTER_SIZED_READS = new Set(['/api/v1/roster', '/api/v1/lists', '/api/v1/events', '/api/v1/events/:id']);

/** What kind of read a request is, for its rate limit. */
export function readKind(request: FastifyRequest): 'export' | 'roster' | 'read' {
  const path = request.routeOptions.url ?? '';
  if (path === '/api/v1/history' && (request.query as Record<string, unknown> | undefined)?.format === 'csv') return 'export';
  return ROSTER_SIZED_READS.has(path) ? 'roster' : 'read';
}
