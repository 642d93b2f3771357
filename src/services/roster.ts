/**
 * Members with their counters. FlavaFlav keeps counters on each member item; a member the
 * previous system wrote has none, so until `check:data --fix` adds them they are derived from
 * the member's history (one query on member-date-index per such member, bounded).
 */
import type { DistributionsService } from './distributions';
import { countersFromHistory, recentFromHistory } from './distribution-record';
import type { CountedMember, Counters, Member, RecentLink } from './member-items';
import type { MembersService } from './members';
import type { ReadOptions } from './pagination';

export class RosterService {
  constructor(
    private readonly members: MembersService,
    private readonly distributions: DistributionsService,
  ) {}

  async get(discordId: string, consistent = false, options: ReadOptions = {}): Promise<CountedMember | undefined> {
    const member = await this.members.get(discordId, consistent, options);
    return member ? this.counted(member, options) : undefined;
  }

  /** The member with counters: as kept on the item, or derived from their history (newest links too). */
  async counted(member: Member, options: ReadOptions = {}): Promise<CountedMember> {
    if (member.counters) return member as CountedMember;
    const history = await this.history(member.discord_id, options);
    return { ...member, counters: history.counters, recent: member.recent ?? history.recent };
  }

  /** What someone's history says they received: counters and newest links. */
  async history(discordId: string, options: ReadOptions = {}): Promise<{ counters: Counters; recent: RecentLink[] }> {
    const records = await this.distributions.memberRecords(discordId, options);
    return { counters: countersFromHistory(records), recent: recentFromHistory(records) };
  }

  /** Several members with counters; those needing history are read a few at a time. */
  async countedAll(members: Member[], options: ReadOptions = {}): Promise<CountedMember[]> {
    const out: CountedMember[] = new Array(members.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < members.length; i = next++) out[i] = await this.counted(members[i], options);
    };
    await Promise.all(Array.from({ length: Math.min(8, members.length) }, worker));
    return out;
  }
}
