/**
 * What the dashboard asks Discord. With the user's OAuth2 token, only during sign-in: the token
 * exchange, who they are, and their membership of the guild. With the bot's token (the bot's own
 * REST client and rate limits), on each request: the member's roles and the guild's role
 * permissions, which decide officer now rather than at sign-in (cached up to 60 s per user).
 */
import { createHash } from 'node:crypto';
import { Routes, type REST } from 'discord.js';
import type { Clock } from '../domain/clock';
import { canManageGuildBy, type GuildRole } from '../domain/officers';

/** What the app hands the web server about Discord (no client internals beyond REST). */
export interface WebDiscord {
  /** The OAuth2 client id: DISCORD_APPLICATION_ID or the bot's application. */
  applicationId: string;
  /** The bot's REST client, for guild look-ups with its token. */
  rest: Pick<REST, 'get'>;
  /** The guild as the bot sees it now: its name for pages, its owner for Manage Server. */
  guild(): { name: string; ownerId: string } | undefined;
}

export interface OAuthEndpoints {
  /** <origin of DISCORD_API_BASE_URL, or https://discord.com>/oauth2/authorize */
  authorize: string;
  /** DISCORD_API_BASE_URL or https://discord.com/api, with /v10. */
  api: string;
}

export function oauthEndpoints(apiBaseUrl: string | undefined): OAuthEndpoints {
  const base = apiBaseUrl ?? 'https://discord.com/api';
  return { authorize: `${new URL(base).origin}/oauth2/authorize`, api: `${base}/v10` };
}

export const SCOPES = ['identify', 'guilds.members.read'] as const;

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** Why a sign-in stopped on Discord's side. */
export class SignInError extends Error {
  override name = 'SignInError';
  constructor(
    readonly reason: 'refused' | 'unreachable' | 'not_member' | 'pending',
    message: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 10_000;

async function call(url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new SignInError('unreachable', `${what}: ${(error as Error).message}`);
  }
}

/**
 * The sign-in's calls with the user's token: exchange the code (with the PKCE verifier), read
 * the user, then their guild membership. The access token is used for these two reads only and
 * then dropped: nothing keeps it.
 */
export async function signInWithCode(
  endpoints: OAuthEndpoints,
  input: { clientId: string; clientSecret: string; code: string; redirectUri: string; verifier: string; guildId: string },
): Promise<{ id: string; username: string; roles: string[] }> {
  const exchange = await call(
    `${endpoints.api}/oauth2/token`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        client_id: input.clientId,
        client_secret: input.clientSecret,
        grant_type: 'authorization_code',
        code: input.code,
        redirect_uri: input.redirectUri,
        code_verifier: input.verifier,
      }),
    },
    'token exchange',
  );
  const token = (await exchange.json().catch(() => ({}))) as { access_token?: string; error?: string };
  if (!exchange.ok || !token.access_token) throw new SignInError('refused', `token exchange answered ${exchange.status} ${token.error ?? ''}`.trim());
  const headers = { authorization: `Bearer ${token.access_token}`, accept: 'application/json' };

  const me = await call(`${endpoints.api}/users/@me`, { headers }, 'user look-up');
  const user = (await me.json().catch(() => ({}))) as { id?: string; username?: string; global_name?: string | null };
  if (!me.ok || !user.id) throw new SignInError('refused', `user look-up answered ${me.status}`);

  const member = await call(`${endpoints.api}/users/@me/guilds/${input.guildId}/member`, { headers }, 'membership look-up');
  // Discord answers 404 Unknown Guild for a guild the user is not in.
  if (member.status === 404) throw new SignInError('not_member', `user ${user.id} is not a member of the guild`);
  const body = (await member.json().catch(() => ({}))) as { roles?: string[]; pending?: boolean };
  if (!member.ok) throw new SignInError('refused', `membership look-up answered ${member.status}`);
  // Membership screening not passed yet: Discord itself lets them do nothing in the guild.
  if (body.pending === true) throw new SignInError('pending', `user ${user.id} has not passed the guild's membership screening`);
  return { id: user.id, username: user.username ?? user.id, roles: body.roles ?? [] };
}

export type MemberEvidence = { inGuild: false } | { inGuild: true; roleIds: string[]; canManageGuild: boolean };

/** Someone an officer names (to add to the roster), as the guild sees them now. */
export type GuildProfile = { inGuild: false } | { inGuild: true; username: string; isBot: boolean; joinedAt: string | undefined };

const CACHE_MS = 60_000;
const MAX_CACHED = 2_000;

/**
 * A member's standing in the guild as the bot sees it, from GET /guilds/{g}/members/{u} and
 * GET /guilds/{g}/roles. Each answer is kept up to 60 s, so a role given or taken away in Discord
 * counts on the dashboard within a minute without a Discord request per page view.
 */
export class GuildLookups {
  private readonly members = new Map<string, { at: number; evidence: MemberEvidence }>();
  private roles: { at: number; roles: GuildRole[] } | undefined;

  constructor(
    private readonly discord: WebDiscord,
    private readonly guildId: string,
    private readonly clock: Clock,
  ) {}

  async evidenceFor(userId: string): Promise<MemberEvidence> {
    const now = this.clock.now().getTime();
    const cached = this.members.get(userId);
    if (cached && now - cached.at < CACHE_MS) return cached.evidence;
    const evidence = await this.lookUp(userId);
    this.members.delete(userId);
    this.members.set(userId, { at: now, evidence });
    if (this.members.size > MAX_CACHED) this.members.delete(this.members.keys().next().value as string);
    return evidence;
  }

  /**
   * Who a user is in the guild: their name, whether they are a bot, when they joined. Not cached:
   * a write asks once, and a member who just joined must be found.
   */
  async profileOf(userId: string): Promise<GuildProfile> {
    let member: { user?: { username?: string; bot?: boolean }; joined_at?: string | null };
    try {
      member = (await this.discord.rest.get(Routes.guildMember(this.guildId, userId))) as typeof member;
    } catch (error) {
      // 10007 Unknown Member (or 10013 Unknown User): not in the guild.
      if ((error as { status?: number }).status === 404) return { inGuild: false };
      throw error;
    }
    return { inGuild: true, username: member.user?.username ?? userId, isBot: member.user?.bot === true, joinedAt: member.joined_at ?? undefined };
  }

  private async lookUp(userId: string): Promise<MemberEvidence> {
    let member: { roles?: string[] };
    try {
      member = (await this.discord.rest.get(Routes.guildMember(this.guildId, userId))) as { roles?: string[] };
    } catch (error) {
      // 10007 Unknown Member: they left (or were removed from) the guild since signing in.
      if ((error as { status?: number }).status === 404) return { inGuild: false };
      throw error;
    }
    const roleIds = member.roles ?? [];
    const canManageGuild = canManageGuildBy({
      guildId: this.guildId,
      ownerId: this.discord.guild()?.ownerId,
      userId,
      memberRoleIds: roleIds,
      roles: await this.guildRoles(),
    });
    return { inGuild: true, roleIds, canManageGuild };
  }

  private async guildRoles(): Promise<GuildRole[]> {
    const now = this.clock.now().getTime();
    if (this.roles && now - this.roles.at < CACHE_MS) return this.roles.roles;
    const roles = (await this.discord.rest.get(Routes.guildRoles(this.guildId))) as GuildRole[];
    this.roles = { at: now, roles };
    return roles;
  }
}
