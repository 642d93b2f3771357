/**
 * Sign-in with Discord (docs/web-api.md, "Sign-in and sessions"): OAuth2 authorization code with
 * `state` and PKCE (S256), scopes identify and guilds.members.read. /login sends the browser to
 * Discord with the state and the PKCE verifier kept in a short-lived signed cookie; /auth/callback
 * checks the state, exchanges the code, lets in members of the guild only, and sets the session
 * cookie. POST /logout ends it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebContext } from './context';
import { pkceChallenge, SCOPES, signInWithCode, SignInError } from './discord';
import { messagePage } from './pages';
import { cookieNames, encodeValue, newSession, randomToken, readSession, readSignIn, SESSION_TTL_MS, SIGN_IN_TTL_MS, sameToken } from './session';
import { csrfChecked, requireViewer, signedIn, Viewer } from './viewer';

const CALLBACK_PATH = '/auth/callback';

export function authRoutes(app: FastifyInstance, ctx: WebContext): void {
  const redirectUri = `${ctx.publicUrl}${CALLBACK_PATH}`;
  const cookie = { httpOnly: true, sameSite: 'lax' as const, secure: ctx.https, signed: true };
  const names = cookieNames(ctx.https);
  const now = () => ctx.clock.now().getTime();

  // Every request: who is signed in. A cookie with a bad signature, a malformed or expired value,
  // or a signed-out id is no session at all.
  app.decorateRequest('viewer', null);
  app.addHook('onRequest', async (request) => {
    const raw = request.cookies[names.session];
    if (!raw) return;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || unsigned.value === null) return;
    const session = readSession(unsigned.value, now());
    // Signed out since (here or before a restart): the version it names is no longer the user's.
    if (session && (await ctx.standings.isCurrent(session))) request.viewer = new Viewer(session, ctx);
  });

  app.get('/login', { onRequest: ctx.limits.signIn }, async (_request, reply) => {
    const state = randomToken(24);
    const verifier = randomToken(32);
    reply.setCookie(names.signIn, encodeValue({ state, verifier, exp: now() + SIGN_IN_TTL_MS }), {
      ...cookie,
      path: names.signInPath,
      maxAge: SIGN_IN_TTL_MS / 1000,
    });
    // Built by hand: Discord documents the scope list space-separated as %20.
    const query = [
      ['response_type', 'code'],
      ['client_id', ctx.discord.applicationId],
      ['scope', SCOPES.join(' ')],
      ['redirect_uri', redirectUri],
      ['state', state],
      ['code_challenge', pkceChallenge(verifier)],
      ['code_challenge_method', 'S256'],
      ['prompt', 'none'],
    ]
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join('&');
    return reply.redirect(`${ctx.endpoints.authorize}?${query}`, 302);
  });

  app.get(CALLBACK_PATH, { onRequest: ctx.limits.signIn }, async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const text = (key: string) => (typeof query[key] === 'string' ? (query[key] as string) : undefined);
    // The state cookie is single-use whatever happens next.
    const raw = request.cookies[names.signIn];
    reply.clearCookie(names.signIn, { ...cookie, path: names.signInPath });
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    const started = unsigned?.valid && unsigned.value !== null ? readSignIn(unsigned.value, now()) : undefined;

    if (text('error')) {
      return page(reply, 403, 'Sign-in cancelled', ['Discord did not sign you in (you may have pressed Cancel). Nothing was changed.']);
    }
    const code = text('code');
    if (!started || !code || !sameToken(text('state'), started.state)) {
      return page(reply, 400, 'Sign-in expired', ['This sign-in was not started here or took longer than 10 minutes. Start again from the sign-in page.']);
    }

    let user: { id: string; username: string };
    try {
      user = await signInWithCode(ctx.endpoints, {
        clientId: ctx.discord.applicationId,
        clientSecret: ctx.clientSecret,
        code,
        redirectUri,
        verifier: started.verifier,
        guildId: ctx.guildId,
      });
    } catch (error) {
      if (!(error instanceof SignInError)) throw error;
      if (error.reason === 'not_member') {
        request.log.info({ reason: error.message }, 'web sign-in refused: not a member');
        return page(reply, 403, 'Not a member', [`You are not a member of ${ctx.guildName()}.`, 'Only members of the guild can use this dashboard.']);
      }
      if (error.reason === 'pending') {
        request.log.info({ reason: error.message }, 'web sign-in refused: membership screening pending');
        return page(reply, 403, 'Membership screening pending', [
          `You have joined ${ctx.guildName()} but not yet accepted its rules (Discord’s membership screening).`,
          'Open the server in Discord, complete the screening, then sign in here again.',
        ]);
      }
      request.log.warn({ reason: error.message }, 'web sign-in failed');
      return page(reply, 502, 'Sign-in failed', ['Discord did not complete the sign-in. Try again in a minute.']);
    }

    const session = newSession(user, now(), await ctx.standings.get(user.id, true));
    reply.setCookie(names.session, encodeValue(session), { ...cookie, path: '/', maxAge: SESSION_TTL_MS / 1000 });
    request.log.info({ userId: user.id }, 'web sign-in');
    return reply.redirect('/', 303);
  });

  app.post('/logout', { onRequest: signedIn, preHandler: [ctx.limits.write, csrfChecked(ctx)] }, async (request: FastifyRequest, reply) => {
    const viewer = requireViewer(request);
    const { ver: version, guest } = viewer.session;
    ctx.standings.set(viewer.id, await ctx.services.sessions.signOut(viewer.id, { version, guest }));
    reply.clearCookie(names.session, { ...cookie, path: '/' });
    return { signed_out: true };
  });
}

function page(reply: FastifyReply, status: number, title: string, paragraphs: string[]) {
  return reply.code(status).type('text/html; charset=utf-8').send(messagePage(title, paragraphs));
}
