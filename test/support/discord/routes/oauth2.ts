/**
 * Discord's OAuth2 endpoints: the authorize page (at the site's root, as on discord.com), the
 * token exchange and the two look-ups a signed-in user's bearer token may make. The flow's rules
 * live in ../oauth2.ts; refusals go to the refusal log like every other route's.
 */
import type { DiscordEmulator } from '../emulator';
import { KNOWN_SCOPES, OAuthError, type AuthorizeRequest } from '../oauth2';
import { DiscordError } from '../refusals';
import type { Route, RouteResponse } from '../rest';

export function oauth2Routes(e: DiscordEmulator): Route[] {
  const oauth = e.oauth;
  const redirect = (location: string): RouteResponse => ({ status: 302, headers: { location } });
  return [
    {
      method: 'GET',
      path: '/oauth2/authorize',
      root: true,
      auth: 'none',
      handle: ({ query }) => {
        const request = oauth.readAuthorize(Object.fromEntries(query));
        const user = oauth.signedIn;
        if (!user) return { status: 200, html: page('Log in', '<h1>Log in to Discord to continue</h1><p>Nobody is logged in in this browser (emulator.oauth.signInAs).</p>') };
        if (request.prompt === 'none' && oauth.hasConsented(user.id, request.scopes)) return redirect(oauth.grant(user.id, request));
        return { status: 200, html: consentPage(e, user.id, user.username, request) };
      },
    },
    {
      method: 'POST',
      path: '/oauth2/authorize',
      root: true,
      auth: 'none',
      handle: ({ body }) => {
        const form = (body ?? {}) as Record<string, string | undefined>;
        const request = oauth.readAuthorize(form);
        const user = form.user ? e.users.get(form.user) : undefined;
        if (!user || user.id !== oauth.signedIn?.id) throw new DiscordError(401, 0, '401: Unauthorized');
        return redirect(form.decision === 'authorize' ? oauth.grant(user.id, request) : oauth.deny(request));
      },
    },
    {
      method: 'POST',
      path: '/oauth2/token',
      auth: 'none',
      handle: ({ body, headers }) => {
        if (!String(headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
          throw new OAuthError(400, 'invalid_request', 'The token endpoint takes application/x-www-form-urlencoded');
        }
        return { status: 200, body: oauth.exchange(body ?? {}, headers.authorization) };
      },
    },
    {
      method: 'GET',
      path: '/users/@me',
      auth: 'bearer',
      handle: ({ headers }) => {
        const grant = oauth.bearer(headers.authorization, 'identify');
        const user = e.users.get(grant.userId);
        if (!user) throw new DiscordError(401, 0, '401: Unauthorized');
        return { status: 200, body: { ...e.guild.apiUser(user), banner: null, accent_color: null, locale: 'en-US', mfa_enabled: false, flags: 0, premium_type: 0 } };
      },
    },
    {
      method: 'GET',
      path: '/users/@me/guilds/:guild/member',
      auth: 'bearer',
      handle: ({ headers, params }) => {
        const grant = oauth.bearer(headers.authorization, 'guilds.members.read');
        const user = e.users.get(grant.userId);
        // Discord answers "Unknown Guild" for any guild the user is not in, existing or not.
        if (!user || params.guild !== e.guildId || !e.guild.isMember(user.id)) throw new DiscordError(404, 10004, 'Unknown Guild');
        return { status: 200, body: { ...e.guild.apiMember(user), user: e.guild.apiUser(user) } };
      },
    },
  ];
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${escapeHtml(title)} | Discord</title></head><body>${body}</body></html>`;
}

/** What discord.com shows: the application, the account, the scopes, Authorize and Cancel. */
function consentPage(e: DiscordEmulator, userId: string, username: string, request: AuthorizeRequest): string {
  const hidden: Record<string, string | undefined> = {
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    response_type: 'code',
    scope: request.scopes.join(' '),
    state: request.state,
    code_challenge: request.codeChallenge,
    code_challenge_method: request.codeChallenge ? 'S256' : undefined,
    prompt: request.prompt,
    user: userId,
  };
  const fields = Object.entries(hidden)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v as string)}">`)
    .join('');
  const scopes = request.scopes.map((s) => `<li data-scope="${escapeHtml(s)}">${escapeHtml(KNOWN_SCOPES[s])}</li>`).join('');
  return page(
    'Authorize',
    `<main><p>Signed in as <strong id="account">${escapeHtml(username)}</strong></p>` +
      `<h1>${escapeHtml(e.botUser.username)} wants to access your account</h1>` +
      `<p>This will allow the developer of ${escapeHtml(e.botUser.username)} to:</p><ul id="scopes">${scopes}</ul>` +
      `<form method="post" action="/oauth2/authorize">${fields}` +
      `<button type="submit" name="decision" value="cancel">Cancel</button> ` +
      `<button type="submit" name="decision" value="authorize">Authorize</button></form></main>`,
  );
}
