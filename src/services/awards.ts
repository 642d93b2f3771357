/**
 * Awarding and reverting a link: each one DynamoDB transaction composed of the parts the
 * inventory, distributions, lists and members services build. Conflicts come back as reasons.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock, type Clock } from '../domain/clock';
import { utcDay } from '../domain/dates';
import type { Distribution } from './distributions';
import type { Link } from './inventory';
import type { Services } from './index';
import { failedConditionItem } from './errors';
import { runTransaction, type TransactWriteItem } from './transactions';

export interface AwardInput {
  /** The draft being confirmed: fixes the distribution id and makes a retried award idempotent. */
  draftId: string;
  link: Pick<Link, 'link_id' | 'link_type' | 'quality' | 'bonus'>;
  winner: { discord_id: string; username: string; last_link_at?: string };
  listId?: string;
  poolSize: number;
  drawnBefore: string[];
  distributedBy: string;
  notes?: string;
  /** Fixed when the draft is first confirmed, so a retry sends identical parameters. */
  at: Date;
}

export type AwardFailure = 'link_gone' | 'winner_served' | 'list_closed' | 'member_removed' | 'busy';
export type AwardResult = { ok: true; distribution: Distribution; repeated: boolean } | { ok: false; reason: AwardFailure };

export type RevertFailure = 'not_found' | 'already_reverted' | 'link_changed' | 'busy';
export type RevertResult = { ok: true; distribution: Distribution } | { ok: false; reason: RevertFailure };

/** DynamoDB's ClientRequestToken is 1–36 characters; a draft id is a UUID. */
export function distributionIdFor(draftId: string): string {
  return `dist_${draftId}`;
}

export class AwardsService {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly services: Pick<Services, 'members' | 'inventory' | 'distributions' | 'lists'>,
    private readonly clock: Clock = systemClock,
  ) {}

  async awardLink(input: AwardInput): Promise<AwardResult> {
    const { members, inventory, distributions, lists } = this.services;
    const distributedAt = input.at.toISOString();
    const record: Distribution = {
      distribution_id: distributionIdFor(input.draftId),
      member_id: input.winner.discord_id,
      member_username: input.winner.username,
      link_id: input.link.link_id,
      link_type: input.link.link_type,
      quality: input.link.quality,
      bonus: input.link.bonus,
      method: 'discord',
      distributed_by: input.distributedBy,
      distributed_at: distributedAt,
      distribution_date: utcDay(input.at),
      ...(input.notes ? { notes: input.notes } : {}),
      ...(input.listId ? { list_id: input.listId } : {}),
      pool_size: input.poolSize,
      drawn_before: input.drawnBefore,
      status: 'confirmed',
      ...(input.winner.last_link_at ? { previous_last_link_at: input.winner.last_link_at } : {}),
    };
    const items: TransactWriteItem[] = [
      inventory.awardItem(record.link_id, record.distribution_id),
      distributions.awardItem(record),
      members.awardItem(record.member_id, distributedAt),
    ];
    if (input.listId) items.push(lists.awardItem(input.listId, record.member_id));

    const outcome = await runTransaction(this.db, items, input.draftId);
    if (outcome.ok) return { ok: true, distribution: record, repeated: false };
    if ('busy' in outcome) return { ok: false, reason: 'busy' };

    const [link, distribution, member, list] = outcome.codes.map((code) => code === 'ConditionalCheckFailed');
    // This draft's award already went through (a retry after the idempotency window).
    if (distribution || (link && failedConditionItem({ Item: outcome.items[0] })?.distribution_id === record.distribution_id)) {
      const existing = await distributions.get(record.distribution_id, true);
      if (existing) return { ok: true, distribution: existing, repeated: true };
    }
    if (link) return { ok: false, reason: 'link_gone' };
    if (member) return { ok: false, reason: 'member_removed' };
    if (list) {
      const old = failedConditionItem({ Item: outcome.items[3] });
      return { ok: false, reason: old && old.is_active !== 'true' ? 'list_closed' : 'winner_served' };
    }
    return { ok: false, reason: 'busy' };
  }

  /** Marks a distribution reverted (kept), makes its link available, restores counts and list place. */
  async revertDistribution(distributionId: string, revertedBy: string, at = this.clock.now()): Promise<RevertResult> {
    const { members, inventory, distributions, lists } = this.services;
    // A member removed or changed between the read and the write: read again and retry (bounded).
    for (let attempt = 0; attempt < 3; attempt++) {
      const record = await distributions.get(distributionId, true);
      if (!record) return { ok: false, reason: 'not_found' };
      if (record.status === 'reverted') return { ok: false, reason: 'already_reverted' };
      const member = await members.get(record.member_id, true);
      const revertedAt = at.toISOString();

      const items: TransactWriteItem[] = [
        distributions.revertItem(distributionId, revertedBy, revertedAt),
        inventory.revertItem(record.link_id, distributionId),
      ];
      // A removed member has no counters left to restore; their history stays as it is.
      const memberIndex = member && member.links_received > 0 ? items.push(members.revertItem(record.member_id, record.previous_last_link_at, revertedAt)) - 1 : -1;
      if (record.list_id) items.push(lists.revertItem(record.list_id, record.member_id));

      const outcome = await runTransaction(this.db, items);
      if (outcome.ok) return { ok: true, distribution: { ...record, status: 'reverted', reverted_by: revertedBy, reverted_at: revertedAt } };
      if ('busy' in outcome) return { ok: false, reason: 'busy' };
      const failed = outcome.codes.map((code) => code === 'ConditionalCheckFailed');
      if (failed[0]) return { ok: false, reason: 'already_reverted' };
      if (failed[1]) return { ok: false, reason: 'link_changed' };
      if (memberIndex >= 0 && failed[memberIndex]) continue;
      // Lists are never deleted, so what is left is a change in flight: the user may try again.
      return { ok: false, reason: 'busy' };
    }
    return { ok: false, reason: 'busy' };
  }
}
