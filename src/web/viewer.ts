/**
 * Who is asking: the signed-in member behind a request, and the checks routes put in front of
 * their handlers. Officer is decided per request, from the roles the bot sees now and the
 * roster, never frozen at sign-in.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isOfficerBy } from '../domain/officers';
import type { WebContext } from './context';
import type { MemberEvidence } from './discord';
import { forbidden, notSignedIn } from './errors';
import { sameToken, type Session } from './session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in member, or null (no cookie, a bad signature, expired, or signed out). */
    viewer: Viewer | null;
  }
}

export class Viewer {
  private evidence?: Promise<MemberEvidence>;
  private officer?: Promise<boolean>;

  constructor(
    readonly session: Session,
    private readonly ctx: WebContext,
  ) {}

  get id(): string {
    return this.session.uid;
  }

  membership(): Promise<MemberEvidence> {
    this.evidence ??= this.ctx.lookups.evidenceFor(this.id);
    return this.evidence;
  }

  /**
   * Officer (docs/architecture.md, "Ranks and officers"): an officer role or Manage Server in
   * Discord now, or is_officer on the roster.
   */
  isOfficer(): Promise<boolean> {
    this.officer ??= (async () => {
      const evidence = await this.membership();
      if (!evidence.inGuild) return false;
      const member = await this.ctx.services.members.get(this.id);
      return isOfficerBy({ ...evidence, officerRoleIds: this.ctx.config.discord.officerRoleIds, rosterSaysOfficer: member?.is_officer === true });
    })();
    return this.officer;
  }
}

export function requireViewer(request: FastifyRequest): Viewer {
  if (!request.viewer) throw notSignedIn();
  return request.viewer;
}

/** onRequest: a session, or 401. */
export async function signedIn(request: FastifyRequest): Promise<void> {
  requireViewer(request);
}

/** preHandler: still a member of the guild (they may have left since signing in), or 403. */
export function stillMember(ctx: WebContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const evidence = await requireViewer(request).membership();
    if (!evidence.inGuild) throw forbidden(`You are no longer a member of ${ctx.guildName()}. Nothing was changed.`);
  };
}

/** preHandler for officer-only routes: 403 for everyone else, before anything is read or written. */
export async function officerOnly(request: FastifyRequest): Promise<void> {
  if (!(await requireViewer(request).isOfficer())) throw forbidden('Only officers can do this. Nothing was changed.');
}

/**
 * preHandler of every write: the X-CSRF-Token header must equal the session's token, which
 * only this origin's own script can read (GET /api/v1/me), and a browser's Origin, when sent,
 * must be this dashboard's. Another site can make a signed-in browser send a request, but can
 * neither read the token nor forge the Origin.
 */
export function csrfChecked(ctx: WebContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const viewer = requireViewer(request);
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== ctx.publicUrl) throw forbidden('This request came from another site. Nothing was changed.');
    const header = request.headers['x-csrf-token'];
    if (!sameToken(typeof header === 'string' ? header : undefined, viewer.session.csrf)) {
      throw forbidden('Missing or wrong X-CSRF-Token header: send csrf_token from GET /api/v1/me. Nothing was changed.');
    }
  };
}
