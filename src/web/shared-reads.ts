/**
 * Reads the dashboard shares among everyone looking at the same moment, kept a few seconds:
 * the roster (a Scan of the members table, 0.5 MB at 200 members) and /healthz's DescribeTable.
 * Whoever loops a page costs DynamoDB one read per KEEP_MS at most, whatever the rate limits
 * allow. A write through the dashboard drops the roster, so the officer who made it sees it.
 */
import { performance } from 'node:perf_hooks';
import type { Member } from '../services/member-items';

/** How long a shared read is reused: a change made in Discord shows on the dashboard within this. */
export const ROSTER_KEEP_MS = 5_000;
export const HEALTH_KEEP_MS = 5_000;

/** One value, read at most once per `keepMs` (bound: one value and one read in flight). */
export class KeptRead<T> {
  private kept: { at: number; value: Promise<T> } | undefined;

  constructor(
    private readonly read: () => Promise<T>,
    private readonly keepMs: number,
  ) {}

  get(): Promise<T> {
    const now = performance.now();
    if (this.kept && now - this.kept.at < this.keepMs) return this.kept.value;
    const value = this.read();
    const entry = { at: now, value };
    this.kept = entry;
    // A failed read is not kept: the next caller asks again.
    value.catch(() => {
      if (this.kept === entry) this.kept = undefined;
    });
    return value;
  }

  drop(): void {
    this.kept = undefined;
  }
}

export type RosterRead = KeptRead<readonly Member[]>;
