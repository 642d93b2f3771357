/**
 * The emulator's OAuth2 sign-in, driven over plain HTTP as a browser and a web server would:
 * consent page, code, token exchange with PKCE, bearer look-ups, and the bot's guild look-ups.
 * No bot, no DynamoDB.
 */
import { createHash, randomBytes } from 'node:crypto';
import { DiscordEmulator, manualClock, nextSnowflake, Permission, type EmulatedUser, type ManualClock } from '../support/discord-emulator';
import { TOKEN } from './client';

const REDIRECT = 'http://127.0.0.1:9/auth/callback';
const SECRET = 'emulator-client-secret';

let emulator: DiscordEmulator;
let clock: ManualClock;
let alice: EmulatedUser;
let outsider: EmulatedUser;
let officerRole: string;

beforeEach(async () => {
  clock = manualClock();
  emulator = await new DiscordEmulator(nextSnowflake(), TOKEN, { now: clock.now }).start();
  officerRole = nextSnowflake();
  emulator.addRole(officerRole, 'Officers');
  alice = emulator.addUser({ id: nextSnowflake(), username: 'alice', roles: [officerRole] });
  outsider = emulator.addUser({ id: nextSnowflake(), username: 'outsider', inGuild: false });
  emulator.oauth.allowRedirect(REDIRECT);
  emulator.oauth.clientSecret = SECRET;
});
afterEach(() => emulator.stop());

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeParams(challenge: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    response_type: 'code',
    client_id: emulator.applicationId,
    scope: 'identify guilds.members.read',
    redirect_uri: REDIRECT,
    state: 'state-123',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...extra,
  };
}

async function getAuthorize(params: Record<string, string>): Promise<Response> {
  return fetch(`${emulator.origin}/oauth2/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });
}

/** Submits the consent form as the browser would, pressing Authorize (or Cancel). */
async function submitConsent(html: string, decision: 'authorize' | 'cancel'): Promise<URL> {
  const fields = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m): [string, string] => [m[1], m[2].replace(/&#(\d+);/g, (_, c) => String.fromCharCode(Number(c)))]);
  const res = await fetch(`${emulator.origin}/oauth2/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([...fields, ['decision', decision]]),
    redirect: 'manual',
  });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

async function codeFor(user: EmulatedUser, challenge: string): Promise<string> {
  emulator.oauth.signInAs(user);
  const page = await getAuthorize(authorizeParams(challenge));
  expect(page.status).toBe(200);
  const back = await submitConsent(await page.text(), 'authorize');
  return back.searchParams.get('code')!;
}

async function exchange(fields: Record<string, string>, contentType = 'application/x-www-form-urlencoded') {
  const res = await fetch(`${emulator.apiBaseUrl}/v10/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: contentType.includes('json') ? JSON.stringify(fields) : new URLSearchParams(fields),
  });
  return { status: res.status, body: (await res.json()) as any };
}

const tokenFields = (code: string, verifier: string, extra: Record<string, string> = {}) => ({
  client_id: emulator.applicationId,
  client_secret: SECRET,
  grant_type: 'authorization_code',
  code,
  redirect_uri: REDIRECT,
  code_verifier: verifier,
  ...extra,
});

async function api(path: string, authorization: string) {
  const res = await fetch(`${emulator.apiBaseUrl}/v10${path}`, { headers: { authorization } });
  return { status: res.status, body: (await res.json()) as any };
}

describe('the authorize page', () => {
  it('shows the application, the account and the scopes; Authorize sends the browser back with a code and the state', async () => {
    const { challenge } = pkce();
    emulator.oauth.signInAs(alice);
    const page = await getAuthorize(authorizeParams(challenge));
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('FlavaFlav wants to access your account');
    expect(html).toContain('<strong id="account">alice</strong>');
    expect([...html.matchAll(/data-scope="([^"]+)"/g)].map((m) => m[1])).toEqual(['identify', 'guilds.members.read']);
    const back = await submitConsent(html, 'authorize');
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('state-123');
    expect(back.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{20}$/);
  });

  it('Cancel sends the browser back with access_denied and no code', async () => {
    emulator.oauth.signInAs(alice);
    const back = await submitConsent(await (await getAuthorize(authorizeParams(pkce().challenge))).text(), 'cancel');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('state-123');
    expect(back.searchParams.has('code')).toBe(false);
  });

  it('with prompt=none skips the page for a user who already authorized these scopes, and only then', async () => {
    const { challenge } = pkce();
    emulator.oauth.signInAs(alice);
    const first = await getAuthorize(authorizeParams(challenge, { prompt: 'none' }));
    expect(first.status).toBe(200);
    await submitConsent(await first.text(), 'authorize');
    const again = await getAuthorize(authorizeParams(challenge, { prompt: 'none' }));
    expect(again.status).toBe(302);
    expect(new URL(again.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    expect((await getAuthorize(authorizeParams(challenge, { scope: 'identify guilds.members.read email', prompt: 'none' }))).status).toBe(200);
  });

  it.each([
    ['an unknown client_id', { client_id: '1' }, 'invalid_client'],
    ['an unregistered redirect_uri', { redirect_uri: 'http://127.0.0.1:9/elsewhere' }, 'invalid_request'],
    ['an unknown scope', { scope: 'identify bot.everything' }, 'invalid_scope'],
    ['a plain PKCE challenge', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
  ])('refuses %s, and logs the refusal', async (_, extra, error) => {
    emulator.oauth.signInAs(alice);
    emulator.expectRefusal({ code: error, route: 'GET /oauth2/authorize', times: 1 });
    const res = await getAuthorize(authorizeParams(pkce().challenge, extra));
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error).toBe(error);
  });

  it('is not served under /api/v10, where only the API answers', async () => {
    emulator.expectRefusal({ code: 0, route: '/oauth2/authorize', times: 1 });
    const res = await fetch(`${emulator.apiBaseUrl}/v10/oauth2/authorize?${new URLSearchParams(authorizeParams(pkce().challenge))}`, { redirect: 'manual' });
    expect(res.status).toBe(404);
  });
});

describe('the token exchange', () => {
  it('trades a code and its PKCE verifier for a bearer token that reads the user and their guild member', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(alice, challenge);
    const { status, body } = await exchange(tokenFields(code, verifier));
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 604800, scope: 'identify guilds.members.read' });
    const bearer = `Bearer ${body.access_token}`;
    expect(await api('/users/@me', bearer)).toMatchObject({ status: 200, body: { id: alice.id, username: 'alice' } });
    const member = await api(`/users/@me/guilds/${emulator.guildId}/member`, bearer);
    expect(member).toMatchObject({ status: 200, body: { roles: [officerRole], user: { id: alice.id } } });
    // The bot's own /users/@me is still the bot's.
    expect((await api('/users/@me', `Bot ${TOKEN}`)).body).toMatchObject({ id: emulator.applicationId, bot: true });
  });

  it('accepts a code once; a replay is refused and revokes the token it gave', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(alice, challenge);
    const first = await exchange(tokenFields(code, verifier));
    emulator.expectRefusal({ code: 'invalid_grant', times: 1 });
    emulator.expectRefusal({ code: 0, route: 'GET /users/@me', times: 1 });
    expect(await exchange(tokenFields(code, verifier))).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'Invalid "code" in request.' } });
    expect((await api('/users/@me', `Bearer ${first.body.access_token}`)).status).toBe(401);
  });

  it('refuses a code after 10 minutes on the emulator’s clock', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(alice, challenge);
    clock.advance(10 * 60_000);
    emulator.expectRefusal({ code: 'invalid_grant', times: 1 });
    expect((await exchange(tokenFields(code, verifier))).body.error).toBe('invalid_grant');
  });

  it.each([
    ['a wrong code_verifier', (f: Record<string, string>) => ({ ...f, code_verifier: pkce().verifier }), 400, 'invalid_grant'],
    ['another redirect_uri', (f: Record<string, string>) => ({ ...f, redirect_uri: 'http://127.0.0.1:9/other' }), 400, 'invalid_grant'],
    ['a wrong client secret', (f: Record<string, string>) => ({ ...f, client_secret: 'guess' }), 401, 'invalid_client'],
    ['another grant type', (f: Record<string, string>) => ({ ...f, grant_type: 'client_credentials' }), 400, 'unsupported_grant_type'],
  ])('refuses %s', async (_, change, status, error) => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(alice, challenge);
    emulator.expectRefusal({ code: error, route: 'POST /oauth2/token', times: 1 });
    expect(await exchange(change(tokenFields(code, verifier)))).toMatchObject({ status, body: { error } });
  });

  it('takes only a form, as Discord does', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(alice, challenge);
    emulator.expectRefusal({ code: 'invalid_request', times: 1 });
    expect((await exchange(tokenFields(code, verifier), 'application/json')).body.error).toBe('invalid_request');
  });
});

describe('bearer look-ups', () => {
  it('refuses an unknown token (401) and a user outside the guild (404 Unknown Guild)', async () => {
    emulator.expectRefusal({ code: 0, route: 'GET /users/@me', times: 1 });
    expect((await api('/users/@me', 'Bearer not-a-token')).status).toBe(401);

    const { verifier, challenge } = pkce();
    const code = await codeFor(outsider, challenge);
    const { body } = await exchange(tokenFields(code, verifier));
    expect((await api('/users/@me', `Bearer ${body.access_token}`)).body.id).toBe(outsider.id);
    emulator.expectRefusal({ code: 10004, times: 1 });
    expect(await api(`/users/@me/guilds/${emulator.guildId}/member`, `Bearer ${body.access_token}`)).toEqual({ status: 404, body: { message: 'Unknown Guild', code: 10004 } });
  });

  it('refuses a look-up the granted scopes do not cover', async () => {
    const { verifier, challenge } = pkce();
    emulator.oauth.signInAs(alice);
    const page = await getAuthorize(authorizeParams(challenge, { scope: 'identify' }));
    const code = (await submitConsent(await page.text(), 'authorize')).searchParams.get('code')!;
    const { body } = await exchange(tokenFields(code, verifier));
    emulator.expectRefusal({ code: 50001, times: 1 });
    expect((await api(`/users/@me/guilds/${emulator.guildId}/member`, `Bearer ${body.access_token}`)).status).toBe(403);
  });
});

describe('the bot’s guild look-ups', () => {
  it('give a member’s roles and the roles’ permissions, Manage Server included where it was declared', async () => {
    const admin = emulator.addUser({ id: nextSnowflake(), username: 'admin', permissions: String(Permission.ManageGuild | Permission.ViewChannel) });
    const bot = `Bot ${TOKEN}`;
    expect((await api(`/guilds/${emulator.guildId}/members/${alice.id}`, bot)).body).toMatchObject({ roles: [officerRole], user: { id: alice.id } });
    const adminMember = (await api(`/guilds/${emulator.guildId}/members/${admin.id}`, bot)).body;
    const roles = (await api(`/guilds/${emulator.guildId}/roles`, bot)).body as { id: string; permissions: string }[];
    expect(roles[0]).toMatchObject({ id: emulator.guildId, name: '@everyone' });
    const granted = roles.filter((r) => adminMember.roles.includes(r.id)).reduce((bits, r) => bits | BigInt(r.permissions), 0n);
    expect(granted & Permission.ManageGuild).toBe(Permission.ManageGuild);
    const aliceBits = roles.filter((r) => r.id === officerRole || r.id === emulator.guildId).reduce((bits, r) => bits | BigInt(r.permissions), 0n);
    expect(aliceBits & Permission.ManageGuild).toBe(0n);
  });

  it('refuse a user outside the guild, another guild, and a user’s bearer token', async () => {
    emulator.expectRefusal({ code: 10007, times: 1 });
    emulator.expectRefusal({ code: 50001, times: 1 });
    emulator.expectRefusal({ code: 0, route: 'GET /guilds/:guild/roles', times: 1 });
    expect((await api(`/guilds/${emulator.guildId}/members/${outsider.id}`, `Bot ${TOKEN}`)).body).toEqual({ message: 'Unknown Member', code: 10007 });
    expect((await api(`/guilds/${nextSnowflake()}/roles`, `Bot ${TOKEN}`)).status).toBe(403);
    expect((await api(`/guilds/${emulator.guildId}/roles`, 'Bearer anything')).status).toBe(401);
  });
});
