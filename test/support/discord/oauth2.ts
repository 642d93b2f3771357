/**
 * Discord's OAuth2 authorization-code flow, as strict as Discord: the consent page a browser sees,
 * one-use codes that expire after 10 minutes (on the emulator's clock), PKCE (S256), registered
 * redirect URIs, the client secret, and bearer tokens limited to the scopes granted. Which Discord
 * user is "logged in" in the browser is the test's choice (signInAs). Routes: routes/oauth2.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { EmulatedUser } from './model';
import { DiscordError } from './refusals';

/** Scopes this emulator grants; anything else is refused as Discord refuses an unknown scope. */
export const KNOWN_SCOPES: Record<string, string> = {
  identify: 'Access your username, avatar, and banner',
  'guilds.members.read': 'Read your member info (nickname, avatar, roles) for servers you belong to',
  guilds: 'Know what servers you’re in',
  email: 'Access your email address',
};

const CODE_TTL_MS = 10 * 60_000;
const TOKEN_TTL_S = 7 * 24 * 3600;

/** An OAuth2 error (RFC 6749 §5.2) in the shape Discord answers it: `{ error, error_description }`. */
export class OAuthError extends DiscordError {
  constructor(status: number, error: string, description: string) {
    super(status, error, description);
  }

  override get body(): Record<string, unknown> {
    return { error: this.code, error_description: this.message };
  }
}

export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
  codeChallenge: string | undefined;
  prompt: string;
}

interface CodeGrant {
  userId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge: string | undefined;
  expiresAt: number;
  used: boolean;
  /** Tokens issued for this code: revoked if the code is replayed (RFC 6749 §4.1.2). */
  tokens: string[];
}

export interface AccessGrant {
  userId: string;
  scopes: string[];
  expiresAt: number;
}

export class OAuth2Provider {
  /** The application's client secret; set by the test (the token endpoint refuses without one). */
  clientSecret: string | undefined;
  private readonly redirects = new Set<string>();
  private browserUser: EmulatedUser | undefined;
  private readonly codes = new Map<string, CodeGrant>();
  private readonly tokens = new Map<string, AccessGrant>();
  /** Scopes each user already granted: `prompt=none` skips the consent page for them. */
  private readonly consented = new Map<string, Set<string>>();

  constructor(
    private readonly now: () => number,
    readonly applicationId: string,
  ) {}

  /** The Discord user logged in in "the browser": who the consent page speaks for. */
  signInAs(user: EmulatedUser): void {
    this.browserUser = user;
  }

  signOut(): void {
    this.browserUser = undefined;
  }

  get signedIn(): EmulatedUser | undefined {
    return this.browserUser;
  }

  /** Registers a redirect URI, as the developer portal's OAuth2 → Redirects does. */
  allowRedirect(uri: string): void {
    this.redirects.add(uri);
  }

  /** Codes issued so far (for tests that check one was, or was not, handed out). */
  get codesIssued(): number {
    return this.codes.size;
  }

  /** Checks an authorize request as Discord does before it shows anything. */
  readAuthorize(params: Record<string, string | undefined>): AuthorizeRequest {
    if (params.client_id !== this.applicationId) throw new OAuthError(400, 'invalid_client', `Unknown client_id "${params.client_id ?? ''}"`);
    if (!params.redirect_uri || !this.redirects.has(params.redirect_uri)) {
      throw new OAuthError(400, 'invalid_request', `Invalid OAuth2 redirect_uri "${params.redirect_uri ?? ''}"`);
    }
    if (params.response_type !== 'code') throw new OAuthError(400, 'unsupported_response_type', 'response_type must be code');
    const scopes = (params.scope ?? '').split(' ').filter(Boolean);
    if (!scopes.length || scopes.some((s) => !(s in KNOWN_SCOPES))) throw new OAuthError(400, 'invalid_scope', `Invalid scope "${params.scope ?? ''}"`);
    if (params.code_challenge !== undefined || params.code_challenge_method !== undefined) {
      if (params.code_challenge_method !== 'S256') throw new OAuthError(400, 'invalid_request', 'code_challenge_method must be S256');
      if (!/^[A-Za-z0-9_-]{43}$/.test(params.code_challenge ?? '')) throw new OAuthError(400, 'invalid_request', 'code_challenge must be a base64url SHA-256');
    }
    const prompt = params.prompt ?? 'consent';
    if (prompt !== 'none' && prompt !== 'consent') throw new OAuthError(400, 'invalid_request', `Invalid prompt "${prompt}"`);
    return { clientId: params.client_id, redirectUri: params.redirect_uri, scopes, state: params.state, codeChallenge: params.code_challenge, prompt };
  }

  /** True when this user already granted every scope asked for (prompt=none then skips consent). */
  hasConsented(userId: string, scopes: string[]): boolean {
    const granted = this.consented.get(userId);
    return Boolean(granted && scopes.every((s) => granted.has(s)));
  }

  /** The user authorized: a one-use code, and where the browser goes next. */
  grant(userId: string, request: AuthorizeRequest): string {
    const granted = this.consented.get(userId) ?? new Set<string>();
    for (const scope of request.scopes) granted.add(scope);
    this.consented.set(userId, granted);
    const code = randomBytes(15).toString('base64url');
    this.codes.set(code, {
      userId,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      codeChallenge: request.codeChallenge,
      expiresAt: this.now() + CODE_TTL_MS,
      used: false,
      tokens: [],
    });
    return redirectTo(request.redirectUri, { code, state: request.state });
  }

  /** The user pressed Cancel: Discord sends the browser back with access_denied. */
  deny(request: AuthorizeRequest): string {
    return redirectTo(request.redirectUri, { error: 'access_denied', error_description: 'The resource owner or authorization server denied the request', state: request.state });
  }

  /** POST /oauth2/token with grant_type=authorization_code (form fields, client credentials in the body or Basic). */
  exchange(form: Record<string, string | undefined>, authorization: string | undefined): Record<string, unknown> {
    let clientId = form.client_id;
    let secret = form.client_secret;
    const basic = /^Basic (.+)$/.exec(authorization ?? '');
    if (basic) [clientId, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    if (clientId !== this.applicationId || this.clientSecret === undefined || secret !== this.clientSecret) {
      throw new OAuthError(401, 'invalid_client', 'Invalid client credentials');
    }
    if (form.grant_type !== 'authorization_code') throw new OAuthError(400, 'unsupported_grant_type', `Unsupported grant type "${form.grant_type ?? ''}"`);
    const grant = form.code ? this.codes.get(form.code) : undefined;
    if (!grant) throw new OAuthError(400, 'invalid_grant', 'Invalid "code" in request.');
    if (grant.used) {
      for (const token of grant.tokens) this.tokens.delete(token);
      throw new OAuthError(400, 'invalid_grant', 'Invalid "code" in request.');
    }
    if (this.now() >= grant.expiresAt) throw new OAuthError(400, 'invalid_grant', 'Invalid "code" in request.');
    if (form.redirect_uri !== grant.redirectUri) throw new OAuthError(400, 'invalid_grant', 'Invalid "redirect_uri" in request.');
    if (grant.codeChallenge !== undefined) {
      const verifier = form.code_verifier ?? '';
      if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || createHash('sha256').update(verifier).digest('base64url') !== grant.codeChallenge) {
        throw new OAuthError(400, 'invalid_grant', 'Invalid "code_verifier" in request.');
      }
    }
    grant.used = true;
    const accessToken = randomBytes(20).toString('base64url');
    grant.tokens.push(accessToken);
    this.tokens.set(accessToken, { userId: grant.userId, scopes: grant.scopes, expiresAt: this.now() + TOKEN_TTL_S * 1000 });
    return { access_token: accessToken, token_type: 'Bearer', expires_in: TOKEN_TTL_S, refresh_token: randomBytes(20).toString('base64url'), scope: grant.scopes.join(' ') };
  }

  /** The grant behind `Authorization: Bearer …`, or a 401 as Discord answers an unknown token. */
  bearer(authorization: string | undefined, scope: string): AccessGrant {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    const grant = token ? this.tokens.get(token) : undefined;
    if (!grant || this.now() >= grant.expiresAt) throw new DiscordError(401, 0, '401: Unauthorized');
    if (!grant.scopes.includes(scope)) throw new DiscordError(403, 50001, 'Missing Access');
    return grant;
  }
}

function redirectTo(uri: string, params: Record<string, string | undefined>): string {
  const url = new URL(uri);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}
