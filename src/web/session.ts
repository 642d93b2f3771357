/**
 * The dashboard's session: a cookie signed with SESSION_SECRET (HMAC-SHA256 through
 * @fastify/cookie) holding who signed in, a CSRF token and an expiry. The expiry is inside the
 * signed value as well as in Max-Age, so a cookie kept past its time (or replayed) is refused
 * even if a browser would still send it. Logout revokes the session id in memory until it
 * would have expired anyway; a restart forgets revocations, which only matters for a cookie
 * stolen before a logout and replayed after a restart within its 12 hours.
 */
import { hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'ff_session';
export const SESSION_TTL_MS = 12 * 3600_000;
/** The OAuth2 state and PKCE verifier, between /login and /auth/callback. */
export const SIGN_IN_COOKIE = 'ff_signin';
export const SIGN_IN_TTL_MS = 10 * 60_000;

/**
 * The cookies' names and the sign-in cookie's path. Over https both are `__Host-` cookies: the
 * browser keeps them only if Secure, for Path=/ and without a Domain, so a sibling subdomain
 * cannot plant one (a session of its choosing, or its own sign-in state: login CSRF). Such a
 * cookie must have Path=/, so the sign-in cookie is then sent to every path for its 10 minutes.
 */
export function cookieNames(https: boolean): { session: string; signIn: string; signInPath: string } {
  return https
    ? { session: `__Host-${SESSION_COOKIE}`, signIn: `__Host-${SIGN_IN_COOKIE}`, signInPath: '/' }
    : { session: SESSION_COOKIE, signIn: SIGN_IN_COOKIE, signInPath: '/auth/callback' };
}

/** What a key derived from SESSION_SECRET is for: each use has its own (a MAC of one is no MAC of the other). */
export type KeyUse = 'session cookies' | 'cursor seals';

/** The key for one use of SESSION_SECRET: HKDF-SHA256 with the use as its info, 32 bytes. */
export function subKey(secret: string, use: KeyUse): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'flavaflav dashboard', use, 32));
}

export interface Session {
  /** Session id: what logout revokes. */
  sid: string;
  /** Discord user id. */
  uid: string;
  username: string;
  /** Sent back in X-CSRF-Token on every write. */
  csrf: string;
  /** Expiry, ms since the epoch on the app's clock. */
  exp: number;
}

export interface SignIn {
  state: string;
  verifier: string;
  exp: number;
}

export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

export function newSession(user: { id: string; username: string }, nowMs: number): Session {
  return { sid: randomToken(18), uid: user.id, username: user.username, csrf: randomToken(), exp: nowMs + SESSION_TTL_MS };
}

/** The cookie's value before signing: base64url JSON. */
export function encodeValue(value: Session | SignIn): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeValue(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A verified (already unsigned) session value, or undefined if malformed or expired. */
export function readSession(text: string, nowMs: number): Session | undefined {
  const v = decodeValue(text);
  if (!v || typeof v.sid !== 'string' || typeof v.uid !== 'string' || typeof v.username !== 'string' || typeof v.csrf !== 'string' || typeof v.exp !== 'number') return undefined;
  if (!/^\d{17,20}$/.test(v.uid) || nowMs >= v.exp) return undefined;
  return { sid: v.sid, uid: v.uid, username: v.username, csrf: v.csrf, exp: v.exp };
}

export function readSignIn(text: string, nowMs: number): SignIn | undefined {
  const v = decodeValue(text);
  if (!v || typeof v.state !== 'string' || typeof v.verifier !== 'string' || typeof v.exp !== 'number' || nowMs >= v.exp) return undefined;
  return { state: v.state, verifier: v.verifier, exp: v.exp };
}

/** Constant-time equality of two tokens (false for different lengths or a missing one). */
export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Session ids signed out before they expired. Bounded: the oldest go first past `max`. */
export class RevokedSessions {
  private readonly until = new Map<string, number>();

  constructor(private readonly max = 10_000) {}

  revoke(session: Session, nowMs: number): void {
    for (const [sid, exp] of this.until) if (exp <= nowMs) this.until.delete(sid);
    this.until.set(session.sid, session.exp);
    while (this.until.size > this.max) this.until.delete(this.until.keys().next().value as string);
  }

  has(sid: string): boolean {
    return this.until.has(sid);
  }
}
