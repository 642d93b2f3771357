/**
 * Paginated answers keep their cursors here, behind a short key that fits a button's custom id
 * (DynamoDB cursors do not). Like drafts, pages live in memory for 15 minutes.
 */
import { randomBytes } from 'node:crypto';

const PAGE_TTL_MS = 15 * 60 * 1000;

export interface PageSession<F> {
  key: string;
  ownerId: string;
  filter: F;
  /** cursors[n] reads page n; cursors[0] is undefined (the first page). */
  cursors: (string | undefined)[];
  createdAt: number;
}

export class Pager {
  private sessions = new Map<string, PageSession<unknown>>();

  constructor(private readonly now: () => number = Date.now) {}

  open<F>(ownerId: string, filter: F): PageSession<F> {
    const cutoff = this.now() - PAGE_TTL_MS;
    for (const [key, s] of this.sessions) if (s.createdAt < cutoff) this.sessions.delete(key);
    const session: PageSession<F> = { key: randomBytes(6).toString('hex'), ownerId, filter, cursors: [undefined], createdAt: this.now() };
    this.sessions.set(session.key, session);
    return session;
  }

  get<F>(key: string): PageSession<F> | undefined {
    const session = this.sessions.get(key);
    if (!session || this.now() - session.createdAt > PAGE_TTL_MS) return undefined;
    return session as PageSession<F>;
  }
}
