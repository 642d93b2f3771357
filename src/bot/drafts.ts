/**
 * Distribution drafts: a draw waiting for an officer to Confirm, Reroll or Cancel. They live in
 * memory only and for at most 15 minutes, by design: a button pressed after a restart, or on a
 * draft that is over or too old, gets an "expired" answer instead of acting on stale state.
 */
import { randomUUID } from 'node:crypto';
import type { Quality } from '../domain/ranks';
import type { Link } from '../services/inventory';

export const DRAFT_TTL_MS = 15 * 60 * 1000;

export interface Draft {
  id: string;
  quality: Quality;
  link: Link;
  /** Everyone who could be drawn. */
  pool: string[];
  /** Drawn so far, in order; the last one is the current winner. */
  drawn: string[];
  listId?: string;
  /** Named by the officer instead of drawn. */
  named: boolean;
  createdBy: string;
  createdAt: number;
  /** open → confirming → (awarded | open again after a refusable conflict); or cancelled. */
  state: 'open' | 'confirming' | 'awarded' | 'cancelled';
  /** Fixed at the first Confirm, so a retried award sends identical parameters. */
  awardAt?: Date;
}

export class DraftStore {
  private drafts = new Map<string, Draft>();
  private timers = new Map<string, NodeJS.Timeout>();

  constructor(
    readonly ttlMs = DRAFT_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs `expire` when the draft times out while still open. It fires a few seconds early so the
   * interaction token (valid 15 minutes) can still edit the message; the draft ends then too.
   */
  onExpire(id: string, expire: () => void): void {
    const draft = this.drafts.get(id);
    if (!draft) return;
    const early = this.ttlMs > 60_000 ? 5_000 : 0;
    const timer = setTimeout(() => {
      this.timers.delete(id);
      const live = this.drafts.get(id);
      if (!live || live.state === 'confirming') return;
      this.drafts.delete(id);
      expire();
    }, Math.max(0, draft.createdAt + this.ttlMs - early - this.now()));
    timer.unref();
    this.timers.set(id, timer);
  }

  create(fields: Omit<Draft, 'id' | 'createdAt' | 'state'>): Draft {
    this.sweep();
    const draft: Draft = { ...fields, id: randomUUID(), createdAt: this.now(), state: 'open' };
    this.drafts.set(draft.id, draft);
    return draft;
  }

  /** The draft if it is still live (not over, not older than the time limit). */
  get(id: string): Draft | undefined {
    const draft = this.drafts.get(id);
    if (!draft) return undefined;
    if (this.now() - draft.createdAt > this.ttlMs) {
      this.finish(id);
      return undefined;
    }
    return draft;
  }

  /** Ends a draft: later presses are told it expired. */
  finish(id: string): void {
    this.drafts.delete(id);
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  /** Ends every draft (shutdown): their buttons answer "expired" from then on. */
  clear(): void {
    for (const id of [...this.drafts.keys()]) this.finish(id);
  }

  get size(): number {
    return this.drafts.size;
  }

  private sweep(): void {
    const cutoff = this.now() - this.ttlMs;
    for (const [id, draft] of this.drafts) if (draft.createdAt < cutoff) this.finish(id);
  }
}
