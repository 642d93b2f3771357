/**
 * What members want (`wants` on the member item, `/want`; docs/architecture.md): kept on each
 * member, and counted per link type on a marker item in the same transaction, so `/inventory add`
 * can say how many want what was added with one read instead of a scan of the roster.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { findLinkType } from '../domain/catalog';
import type { Clock } from '../domain/clock';
import type { HistoryIndex } from './history-index';
import { MAX_WANTS, readMember, type Member } from './member-items';
import type { MembersService } from './members';
import type { ReadOptions } from './pagination';
import { runTransaction } from './transactions';

export type WantChange = { ok: true; member: Member } | { ok: false; reason: 'not_found' | 'already' | 'full' | 'not_wanted' | 'busy' };

export class WantsService {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly members: MembersService,
    private readonly index: HistoryIndex,
    private readonly clock: Clock,
  ) {}

  async add(discordId: string, linkType: string): Promise<WantChange> {
    return this.change(discordId, linkType, 1);
  }

  /**
   * Removes a want given by its catalog name (any case) or as it is stored: a want whose type has
   * left the catalog can still be removed.
   */
  async remove(discordId: string, linkType: string): Promise<WantChange> {
    return this.change(discordId, findLinkType(linkType)?.name ?? linkType.trim(), -1);
  }

  /** How many members want each of these link types. */
  counts(linkTypes: string[], options: ReadOptions = {}): Promise<Map<string, number>> {
    return this.index.wantCounts(linkTypes, options);
  }

  /**
   * Removes a member from the roster (their history is kept), uncounting their wants in the same
   * transaction. Undefined when they are not on the roster.
   */
  async removeMember(discordId: string): Promise<Member | undefined> {
    // Changed between the read and the write (a want added): read again (bounded).
    for (let attempt = 0; attempt < 3; attempt++) {
      const member = await this.members.get(discordId, true);
      if (!member) return undefined;
      await this.index.ensureWants();
      const parts = [this.members.removeItem(member), ...(member.wants.length ? [{ item: this.index.wantsItem(member.wants.map((w) => [w, -1] as [string, number])) }] : [])];
      const outcome = await runTransaction(this.db, parts);
      if (outcome.ok) return member;
      if (!('failed' in outcome)) break;
    }
    throw Object.assign(new Error('the member kept changing while being removed'), { name: 'ThrottlingException' });
  }

  private async change(discordId: string, linkType: string, delta: 1 | -1): Promise<WantChange> {
    const now = this.clock.now().toISOString();
    const part = delta > 0 ? this.members.addWantItem(discordId, linkType, now) : this.members.removeWantItem(discordId, linkType, now);
    const counted = { item: this.index.wantsItem([[linkType, delta]]) };
    if (delta > 0) await this.index.ensureWants();
    let outcome;
    try {
      outcome = await runTransaction(this.db, [part, counted]);
    } catch (error) {
      // No counts yet: nothing was ever wanted through the bot (a want being removed was counted
      // when added). A want written elsewhere, as a restore of the members table alone leaves it,
      // is removed alone: there are no counts to keep.
      if (delta > 0 || (error as { name?: string }).name !== 'ValidationException') throw error;
      outcome = await runTransaction(this.db, [part]);
    }
    if (outcome.ok) {
      const member = await this.members.get(discordId, true);
      return member ? { ok: true, member } : { ok: false, reason: 'not_found' };
    }
    if (!('failed' in outcome)) return { ok: false, reason: 'busy' };
    const old = outcome.failed[0]?.item;
    if (!old) return { ok: false, reason: 'not_found' };
    const wants = readMember(old).wants;
    if (delta < 0) return { ok: false, reason: 'not_wanted' };
    return { ok: false, reason: wants.includes(linkType) ? 'already' : wants.length >= MAX_WANTS ? 'full' : 'busy' };
  }
}
