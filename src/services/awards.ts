/**
 * What happens to an award after it is made: reverting it (docs/architecture.md, "A draw's life")
 * and recording its delivery in game (the Delivered button). Each is one transaction composed from the services
 * it touches.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock, type Clock } from '../domain/clock';
import { countersFromHistory, isStanding, recentFromHistory, type Distribution } from './distribution-record';
import type { DistributionsService } from './distributions';
import { RecordChanges } from './changes';
import { ReadCoalescer } from './coalesce';
import { addMonths, HistoryIndex, TOP_MARKER } from './history-index';
import { isConditionalCheckFailed } from './errors';
import type { ReadOptions } from './pagination';
import type { Counters } from './member-items';
import type { MembersService } from './members';
import type { InventoryService } from './inventory';
import type { ListsService } from './lists';
import { runTransaction, type TransactionPart } from './transactions';
import { UpdateBuilder } from './update-builder';

/** /deliveries and the daily reminder list the undelivered awards of this many days, today included. */
export const UNDELIVERED_WINDOW_DAYS = 30;

export type RevertFailure = 'not_found' | 'not_an_award' | 'already_reverted' | 'link_changed' | 'busy';
export type RevertResult =
  | {
      ok: true;
      distribution: Distribution;
      /** The link went back to the stock (false: it is no longer in the inventory at all). */
      linkRestored: boolean;
      /** The member got their place on the list back. */
      listPlaceRestored: boolean;
    }
  | { ok: false; reason: RevertFailure };

export type DeliveryResult = { ok: true; distribution: Distribution } | { ok: false; reason: 'not_found' | 'not_an_award' | 'already_delivered'; distribution?: Distribution };

export class AwardsService {
  private readonly index: HistoryIndex;
  /** Undelivered awards read by several callers at once (a burst of Delivered presses on /deliveries), shared. */
  private readonly undeliveredReads = new ReadCoalescer<Distribution[]>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly services: { members: MembersService; inventory: InventoryService; distributions: DistributionsService; lists: ListsService },
    private readonly clock: Clock = systemClock,
    private readonly changes: RecordChanges = new RecordChanges(),
  ) {
    this.index = services.distributions.index;
  }

  /**
   * Marks a confirmed award reverted (the record is kept), makes its link available again, and
   * restores the member's counters and last link to what their history says without it, and their
   * list place only if no other standing award from that list keeps them among its winners.
   */
  async revertDistribution(distributionId: string, revertedBy: string, origin: string, at = this.clock.now()): Promise<RevertResult> {
    const { members, inventory, distributions, lists } = this.services;
    // A member or list changed between the read and the write: read again and retry (bounded).
    for (let attempt = 0; attempt < 3; attempt++) {
      const record = await distributions.get(distributionId, true);
      if (!record) return { ok: false, reason: 'not_found' };
      if (record.status === 'reverted') return { ok: false, reason: 'already_reverted' };
      if (!isStanding(record) || !record.member_id) return { ok: false, reason: 'not_an_award' };
      const [member, link] = await Promise.all([members.get(record.member_id, true), record.link_id ? inventory.get(record.link_id, true) : Promise.resolve(undefined)]);
      // The member-date-index may lag behind the last writes: it is read only for a member whose
      // item keeps no counters (the previous system's), whose awards are then old.
      const history = member?.counters ? undefined : await distributions.memberRecords(record.member_id);
      const revertedAt = at.toISOString();

      const parts: TransactionPart<'already_reverted' | 'link_changed' | 'member_changed'>[] = [
        { item: this.revertRecordItem(distributionId, revertedBy, revertedAt), reason: 'already_reverted' },
      ];
      // A link no longer in the inventory has nothing to go back to the stock.
      if (link) parts.push({ item: inventory.revertItem(record.link_id, distributionId), reason: 'link_changed' });
      // A removed member has no counters left to restore; their history stays as it is.
      if (member) {
        // The item's counters list every award it counts: without this one, they are the truth.
        const after = member.counters ? await this.countersWithout(member.counters, record) : countersFromHistory(history ?? [], distributionId);
        parts.push({ item: members.revertItem(member, after, revertedAt, distributionId, recentFromHistory(history ?? [])), reason: 'member_changed' });
      }
      const listPlaceRestored = Boolean(record.list_id && !(await this.keepsListPlace(record, member?.counters, history)));
      if (listPlaceRestored) parts.push({ item: lists.revertItem(record.list_id!, record.member_id) });

      const outcome = await runTransaction(this.db, parts);
      if (outcome.ok) {
        const reverted: Distribution = { ...record, status: 'reverted', reverted_by: revertedBy, reverted_at: revertedAt };
        this.changes.emit(reverted, 'reverted', origin);
        return { ok: true, distribution: reverted, linkRestored: Boolean(link), listPlaceRestored };
      }
      if (!('failed' in outcome)) return { ok: false, reason: 'busy' };
      const reasons = outcome.failed.map((f) => f.reason);
      if (reasons.includes('already_reverted')) return { ok: false, reason: 'already_reverted' };
      if (reasons.includes('link_changed')) return { ok: false, reason: 'link_changed' };
    }
    return { ok: false, reason: 'busy' };
  }

  /**
   * Records that an award was handed over in game, once: a second press changes nothing. Who may
   * say so (an officer, or the winner) is the caller's to check.
   */
  async markDelivered(distributionId: string, by: string, origin: string, at = this.clock.now()): Promise<DeliveryResult> {
    const record = await this.services.distributions.get(distributionId, true);
    if (!record) return { ok: false, reason: 'not_found' };
    if (!isStanding(record)) return { ok: false, reason: 'not_an_award', distribution: record };
    if (record.delivered_at) return { ok: false, reason: 'already_delivered', distribution: record };
    const deliveredAt = at.toISOString();
    const update = new UpdateBuilder().set(['delivered_at'], deliveredAt).set(['delivered_by'], by);
    // Once, and only on a standing award: two presses at once record the first.
    update.condition(`attribute_not_exists(${update.name('delivered_at')}) AND (${update.name('status')} = ${update.value('confirmed')} OR attribute_not_exists(${update.name('status')}))`);
    let written = true;
    try {
      await this.db.send(new UpdateCommand(update.build(this.services.distributions.tableName, { distribution_id: distributionId })));
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      written = false;
    }
    const now = await this.services.distributions.get(distributionId, true);
    if (written && now) {
      this.changes.emit(now, 'delivered', origin);
      return { ok: true, distribution: now };
    }
    if (now?.delivered_at) return { ok: false, reason: 'already_delivered', distribution: now };
    return { ok: false, reason: 'not_an_award', distribution: now };
  }

  /**
   * Confirmed awards of the last UNDELIVERED_WINDOW_DAYS days not yet handed over in game, oldest
   * first: the month markers say which of those days hold records, and each is read (a bounded
   * number of queries, whatever the history). Older awards still undelivered are not listed.
   * Callers asking at the same time share one read that began after they asked (ReadCoalescer),
   * unless they may give up on theirs (a signal).
   */
  async undelivered(options: ReadOptions = {}): Promise<Distribution[]> {
    if (options.signal) return this.readUndelivered(options);
    return [...(await this.undeliveredReads.read('undelivered', () => this.readUndelivered(options)))];
  }

  private async readUndelivered(options: ReadOptions): Promise<Distribution[]> {
    const today = this.clock.now();
    const from = new Date(today.getTime() - (UNDELIVERED_WINDOW_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    const { days } = await this.index.daysNewestFirst(addMonths(today.toISOString().slice(0, 7), 1), UNDELIVERED_WINDOW_DAYS + 31, { since: from, signal: options.signal });
    return this.services.distributions.undeliveredOn(days, options);
  }

  /**
   * Claims the day's delivery reminder: true for exactly one caller per day, across restarts and
   * processes, so the announcement channel gets it once.
   */
  async claimReminder(day: string): Promise<boolean> {
    const update = new UpdateBuilder().set(['reminded_on'], day);
    update.condition(`attribute_not_exists(${update.name('reminded_on')}) OR ${update.name('reminded_on')} <> ${update.value(day)}`);
    try {
      await this.db.send(new UpdateCommand(update.build(this.services.distributions.tableName, { distribution_id: TOP_MARKER })));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /**
   * A member's counters without one award. The item's log keeps the awards in the fairness window
   * and the newest of each quality: when the award reverted was that newest, the one before it
   * may be older than the log keeps, so the member's history (the index) names it (the index may
   * lag only behind awards newer than it, which the log holds).
   */
  private async countersWithout(counters: Counters, record: Distribution): Promise<Counters> {
    const after = withoutAward(counters, record.distribution_id);
    const log = counters.awards[record.quality];
    const wasNewest = log.some((a) => a.id === record.distribution_id) && log.every((a) => a.at <= (record.distributed_at ?? ''));
    if (!wasNewest) return after;
    const indexed = (await this.services.distributions.memberRecords(record.member_id!)).filter((d) => isStanding(d) && d.distribution_id !== record.distribution_id && d.distributed_at);
    // The index may still show an award reverted a moment ago as standing: the newest few are read back.
    const byAge = (of: Distribution[]) => [...of].sort((a, b) => b.distributed_at!.localeCompare(a.distributed_at!)).slice(0, 5);
    const ids = new Set([...byAge(indexed.filter((d) => d.quality === record.quality)), ...byAge(indexed)].map((d) => d.distribution_id));
    const standing = (await this.services.distributions.getMany([...ids], { consistent: true })).filter((d) => isStanding(d) && d.distributed_at);
    const newest = (of: Distribution[]) => of.reduce<Distribution | undefined>((n, d) => (!n || d.distributed_at! > n.distributed_at! ? d : n), undefined);
    const before = newest(standing.filter((d) => d.quality === record.quality));
    if (before && !after.awards[record.quality].some((a) => a.id === before.distribution_id)) after.awards[record.quality].push({ at: before.distributed_at!, id: before.distribution_id });
    const last = newest(standing)?.distributed_at;
    if (last && (!after.last_link_at || last > after.last_link_at)) after.last_link_at = last;
    return after;
  }

  /**
   * Whether another standing award from the same list keeps the member among its winners. The
   * candidates are the member's other awards of the list's quality made since the list was
   * created (from their counters, else their history), each read back consistently.
   */
  private async keepsListPlace(record: Distribution, counters: Counters | undefined, history: Distribution[] | undefined): Promise<boolean> {
    const list = await this.services.lists.get(record.list_id!, true);
    if (!list) return false;
    const since = list.created_at;
    const log = counters?.awards[record.quality] ?? [];
    const fromLog = log.filter((a) => a.id !== record.distribution_id && a.at >= since).map((a) => a.id);
    // The log keeps the awards in the fairness window: when the list is older than what it keeps,
    // the member's history (the index) names the older ones too.
    const older = counters && log.every((a) => a.at > since) ? await this.services.distributions.memberRecords(record.member_id!) : history;
    const fromHistory = (older ?? []).filter((d) => d.distribution_id !== record.distribution_id && d.list_id === record.list_id).map((d) => d.distribution_id);
    const ids = [...new Set([...fromLog, ...fromHistory])];
    if (!ids.length) return false;
    const others = await this.services.distributions.getMany(ids, { consistent: true });
    return others.some((d) => isStanding(d) && d.list_id === record.list_id);
  }

  private revertRecordItem(distributionId: string, revertedBy: string, revertedAt: string) {
    const update = new UpdateBuilder().set(['status'], 'reverted').set(['reverted_by'], revertedBy).set(['reverted_at'], revertedAt);
    // Two officers reverting at once: only the first changes anything. A record without a status
    // was written by the previous system and is a standing award.
    update.condition(`attribute_exists(${update.name('distribution_id')}) AND (${update.name('status')} = ${update.value('confirmed')} OR attribute_not_exists(${update.name('status')}))`);
    return { Update: update.build(this.services.distributions.tableName, { distribution_id: distributionId }) };
  }
}

/** Counters kept on a member item, without one award. */
function withoutAward(counters: Counters, distributionId: string): Counters {
  const awards = { bronze: counters.awards.bronze.filter((a) => a.id !== distributionId), silver: counters.awards.silver.filter((a) => a.id !== distributionId), gold: counters.awards.gold.filter((a) => a.id !== distributionId) };
  const newest = [...awards.bronze, ...awards.silver, ...awards.gold].map((a) => a.at).sort().pop();
  return { links_received: Math.max(0, counters.links_received - 1), last_link_at: newest, awards };
}
