/**
 * Changes to distribution records, announced to whoever shows them: the Discord view edits a
 * draw's message from them, whatever view made the change (Discord, the web, the sweep).
 */
import type { Distribution } from './distribution-record';

/** What happened to a draw (DrawsService). */
export type DrawChange = 'started' | 'rerolled' | 'cancelled' | 'expired' | 'confirmed' | 'released';

export type RecordChange = DrawChange | 'delivered' | 'reverted';

/**
 * Who made a change: `web`, `sweep`, `discord-command` (a command whose answer shows the record),
 * or `discord:<message id>` (a press that updates that message itself).
 */
export type ChangeListener = (record: Distribution, change: RecordChange, origin: string) => void;

export class RecordChanges {
  private readonly listeners = new Set<ChangeListener>();

  /** Returns how to stop listening. */
  listen(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(record: Distribution, change: RecordChange, origin: string): void {
    for (const listener of this.listeners) {
      try {
        listener(record, change, origin);
      } catch {
        // A view that fails to follow never changes the record; the next change renders again.
      }
    }
  }
}
