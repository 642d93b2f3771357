/**
 * How much work the interactions in flight hold the bot for, and so whether a new one may be
 * answered in time without a defer. Discord drops an interaction whose first response comes
 * after 3 seconds; a defer timer alone is not enough under a burst, because the event loop that
 * must run the timer is the one busy parsing a hundred answers. So the router asks here first:
 * when the work already admitted, this interaction's included, is expected to take longer than
 * DEFER_AT_ONCE_MS, the interaction is deferred before any of its work starts.
 *
 * Only a busy moment defers at once: alone, an answer goes in the interaction's callback (one
 * request, outside discord.js's 50 a second shared by edits and follow-ups).
 */

import { performance } from 'node:perf_hooks';

/**
 * What an interaction reads or writes before it can answer:
 * - `item`: a few single items (a member, a list, a stock line read shared with others); the default.
 * - `page`: a page of history or of the undelivered awards (a few queries).
 * - `transaction`: reads, a transaction and a read back (awards, reverts, a draw's buttons).
 * - `roster`: the whole roster (a Scan of the members table, shared by callers at the same moment).
 */
export type Work = 'item' | 'page' | 'transaction' | 'roster';

/**
 * Expected time one interaction of each kind holds the bot, in ms, on the 2 shared cores `npm run
 * bench` measures (a burst of 100 of a kind, divided by 100; the roster's at 2,000 members, once
 * per interaction after the shared read).
 */
export const WORK_MS: Readonly<Record<Work, number>> = { item: 8, page: 15, transaction: 35, roster: 300 };

/** Defer at once past this much work in flight: a third of Discord's 3 s, the rest for a busy loop. */
export const DEFER_AT_ONCE_MS = 1_000;

/**
 * How much slower than WORK_MS this machine runs now, learnt from the interactions that finish:
 * each one's time over the work that was in flight when it came (its own included). A machine
 * shared with other jobs, or a roster bigger than the bench's, defers sooner.
 */
// Never assumed faster than the bench measured: a fast moment does not postpone the defers.
const SLOWDOWN_MIN = 1;
const SLOWDOWN_MAX = 20;
/** Weight of the newest interaction in the learnt slowdown (an exponential moving average). */
const SLOWDOWN_WEIGHT = 0.2;

export class Workload {
  /** Expected ms of the interactions admitted and not yet finished (bounded by those in flight). */
  private held = 0;
  private count = 0;
  private factor = 1;

  constructor(
    private readonly limitMs = DEFER_AT_ONCE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /**
   * Admits an interaction: whether to defer it at once, and `done` to call when it has finished
   * (idempotent). Called before the interaction's first await, so a burst delivered in one go
   * sees itself.
   */
  admit(work: Work = 'item'): { deferNow: boolean; done(): void } {
    const ms = WORK_MS[work];
    this.held += ms;
    this.count += 1;
    const heldAtAdmission = this.held;
    const started = this.now();
    let finished = false;
    return {
      deferNow: this.held * this.factor > this.limitMs,
      done: () => {
        if (finished) return;
        finished = true;
        this.held -= ms;
        this.count -= 1;
        const sample = Math.min(SLOWDOWN_MAX, Math.max(SLOWDOWN_MIN, (this.now() - started) / heldAtAdmission));
        this.factor += SLOWDOWN_WEIGHT * (sample - this.factor);
      },
    };
  }

  /** How much slower than WORK_MS interactions have lately run (1: as the bench measured). */
  get slowdown(): number {
    return this.factor;
  }

  /** Expected ms of work in flight. */
  get heldMs(): number {
    return this.held;
  }

  get inFlight(): number {
    return this.count;
  }
}
