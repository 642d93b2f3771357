/**
 * Awaiting what the bot sends: a request matching a predicate (already made or future, bounded
 * by a timeout), and an interaction's answer, which for a deferred callback is the edit or
 * follow-up that comes after it.
 */
import type { EventEmitter } from 'node:events';
import type { RecordedRequest, SentInteraction } from './model';

interface Host extends EventEmitter {
  readonly requests: RecordedRequest[];
  readonly applicationId: string;
}

export class Waiter {
  constructor(private readonly host: Host) {}

  /** Resolves with the first request (already made, from index `since`, or future) that matches. */
  request(match: (r: RecordedRequest) => boolean, options: { since?: number; timeoutMs?: number } = {}): Promise<RecordedRequest> {
    const found = this.host.requests.slice(options.since ?? 0).find(match);
    if (found) return Promise.resolve(found);
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.host.off('request', listener);
        const last = this.host.requests.slice(-5).map((r) => `${r.method} ${r.path} → ${r.status}`);
        reject(new Error(`no matching request within ${timeoutMs} ms; last: ${last.join(', ')}`));
      }, timeoutMs);
      const listener = (r: RecordedRequest) => {
        if (!match(r)) return;
        clearTimeout(timer);
        this.host.off('request', listener);
        resolve(r);
      };
      this.host.on('request', listener);
    });
  }

  async answer(interaction: SentInteraction, timeoutMs: number): Promise<{ type: number; data: any; files: RecordedRequest['files'] }> {
    const callback = await this.request((r) => r.path === `/interactions/${interaction.id}/${interaction.token}/callback`, { timeoutMs });
    const type = callback.body?.type;
    if (type === 5 || type === 6) {
      const original = `/webhooks/${this.host.applicationId}/${interaction.token}/messages/@original`;
      const isFollowUp = this.isFollowUp(interaction);
      const edit = await this.request((r) => (r.method === 'PATCH' && r.path === original) || isFollowUp(r), { timeoutMs });
      return { type, data: edit.body, files: edit.files };
    }
    return { type, data: callback.body?.data ?? {}, files: callback.files };
  }

  isFollowUp(interaction: SentInteraction): (r: RecordedRequest) => boolean {
    const path = `/webhooks/${this.host.applicationId}/${interaction.token}`;
    return (r) => r.method === 'POST' && r.path === path;
  }
}
