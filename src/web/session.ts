/**
 * The dashboard's session: a cookie signed with a key derived from SESSION_SECRET (HMAC-SHA256
 * through @fastify/cookie) holding who signed in, a CSRF token, an expiry and the session version
 * it was issued under. The expiry is inside the signed value as well as in Max-Age, so a cookie
 * kept past its time (or replayed) is refused even if a browser would still send it. Sign-out
 * raises the version in DynamoDB (services/sessions.ts), so a copied cookie is refused after it,
 * across restarts.
 */
import { hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { SessionStanding } from '../services/sessions';

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
  /** The session version it was issued under (valid while the user's version is still this). */
  ver: number;
  /** Issued to a guild member not on the roster (the guests' shared version). */
  guest: boolean;
}

export interface SignIn {
  state: string;
  verifier: string;
  exp: number;
}

export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

export function newSession(user: { id: string; username: string }, nowMs: number, standing: { version: number; guest: boolean }): Session {
  return { sid: randomToken(18), uid: user.id, username: user.username, csrf: randomToken(), exp: nowMs + SESSION_TTL_MS, ver: standing.version, guest: standing.guest };
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
  if (!Number.isSafeInteger(v.ver) || typeof v.guest !== 'boolean') return undefined;
  if (!/^\d{17,20}$/.test(v.uid) || nowMs >= v.exp) return undefined;
  return { sid: v.sid, uid: v.uid, username: v.username, csrf: v.csrf, exp: v.exp, ver: v.ver as number, guest: v.guest };
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

/** Each user's session standing, as last read: sessions are checked against it on every request. */
export interface StandingSource {
  standing(userId: string): Promise<SessionStanding>;
}

/** How long a standing read is reused: a sign-out made here updates it at once, a restart starts empty. */
export const STANDING_KEEP_MS = 30_000;
/** At most this many users' standings are kept (the oldest read go first). */
export const MAX_STANDINGS = 2_000;

/**
 * The session standings of users seen lately, so that a page with a dozen requests asks DynamoDB
 * once. Bounded: MAX_STANDINGS users, each kept STANDING_KEEP_MS.
 */
export class SessionStandings {
  private readonly kept = new Map<string, { at: number; standing: Promise<SessionStanding> }>();

  constructor(private readonly source: StandingSource) {}

  /** The standing, read at most every STANDING_KEEP_MS (`fresh`: read now, as at sign-in). */
  get(userId: string, fresh = false): Promise<SessionStanding> {
    const now = performance.now();
    const kept = this.kept.get(userId);
    if (!fresh && kept && now - kept.at < STANDING_KEEP_MS) return kept.standing;
    const standing = this.source.standing(userId);
    this.set(userId, standing, now);
    standing.catch(() => {
      if (this.kept.get(userId)?.standing === standing) this.kept.delete(userId);
    });
    return standing;
  }

  /** What a sign-out made here left: seen by this process at once. */
  set(userId: string, standing: SessionStanding | Promise<SessionStanding>, now = performance.now()): void {
    this.kept.delete(userId);
    this.kept.set(userId, { at: now, standing: Promise.resolve(standing) });
    while (this.kept.size > MAX_STANDINGS) this.kept.delete(this.kept.keys().next().value as string);
  }

  /** Whether a session is still valid: issued under the user's standing as it is now. */
  async isCurrent(session: Session): Promise<boolean> {
    const now = await this.get(session.uid);
    return now.version === session.ver && now.guest === session.guest;
  }
}
