/**
 * The draw as a stored record (SPEC §3): drawn, rerolled, cancelled, expired and confirmed by
 * conditional writes on its record, so what every view shows is what the record holds, across
 * presses, officers, processes and restarts. Discord and the web call the same methods; each
 * change is announced to listeners (the Discord view edits the draw's message from it).
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock';
import { utcDay } from '../domain/dates';
import {
  decideCancel,
  decideConfirm,
  decideExpire,
  decideReroll,
  DRAW_TTL_MS,
  CONFIRM_IN_FLIGHT_MS,
  pickWinner,
  candidatesFor,
  type CandidateStats,
  type DrawPolicy,
  type DrawState,
  type Refusal,
} from '../domain/draw';
import { isAway, standingOf, type Quality, type RankThresholds } from '../domain/ranks';
import { readDistribution, type Distribution, type DistributionsService } from './distributions';
import { isDynamoUnavailable, isConditionalCheckFailed } from './errors';
import { HistoryIndex } from './history-index';
import type { InventoryService, Link } from './inventory';
import type { DistributionList, ListsService } from './lists';
import type { CountedMember, Counters, Member, MembersService, RecentLink } from './members';
import type { RosterService } from './roster';
import type { ChangeListener, DrawChange, RecordChanges } from './changes';
import { runTransaction, transactionToken, type TransactionPart } from './transactions';
import { UpdateBuilder } from './update-builder';

export interface DrawSettings {
  ranks: RankThresholds;
  defaultPolicy: DrawPolicy;
  fairnessWindowDays: number;
}

export interface StartDraw {
  quality: Quality;
  linkType?: string;
  /** Names the winner instead of drawing. */
  memberId?: string;
  listId?: string;
  policy?: DrawPolicy;
  by: string;
  method: 'discord' | 'web';
}

export type StartRefusal =
  | { reason: 'no_stock' }
  | { reason: 'list_not_found' }
  | { reason: 'list_closed'; list: DistributionList }
  | { reason: 'list_wrong_quality'; list: DistributionList }
  | { reason: 'named_not_on_roster' }
  | { reason: 'named_not_eligible'; member: Member }
  | { reason: 'named_not_waiting'; list: DistributionList }
  | { reason: 'nobody'; list?: DistributionList };

/** Why an award was not made although the draw was open. Nothing was written. */
export type AwardFailure = 'link_gone' | 'winner_served' | 'list_closed' | 'member_removed' | 'member_away' | 'member_not_eligible' | 'busy';


export type ChangeResult = { ok: true; draw: Distribution } | ({ ok: false; draw: Distribution | undefined } & (Refusal | { reason: 'not_found' }));

export type ConfirmResult =
  | { outcome: 'awarded'; draw: Distribution; repeated: boolean }
  | ({ outcome: 'refused'; draw: Distribution | undefined } & (Refusal | { reason: 'not_found' }))
  | { outcome: 'not_awarded'; reason: AwardFailure; draw: Distribution }
  /** The write may or may not have happened (a lost answer): press Confirm again. */
  | { outcome: 'unknown'; draw: Distribution | undefined };


export interface DrawServices {
  members: MembersService;
  roster: RosterService;
  inventory: InventoryService;
  lists: ListsService;
  distributions: DistributionsService;
}

export class DrawsService {
  private readonly index: HistoryIndex;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly s: DrawServices,
    private readonly settings: DrawSettings,
    private readonly clock: Clock,
    private readonly changes: RecordChanges,
  ) {
    this.index = s.distributions.index;
  }

  /** Listen to every change of every record (e.g. to edit a draw's Discord message). Returns an unsubscribe. */
  onChange(listener: ChangeListener): () => void {
    return this.changes.listen(listener);
  }

  /**
   * Claims the announcement of an award: true for exactly one caller, so a confirm seen twice (a
   * retried transaction, two processes) is announced once.
   */
  async claimAnnouncement(id: string): Promise<boolean> {
    const update = new UpdateBuilder().set(['announced_at'], this.clock.now().toISOString());
    update.condition(`attribute_not_exists(${update.name('announced_at')}) AND ${update.name('status')} = ${update.value('confirmed')}`);
    try {
      await this.db.send(new UpdateCommand(update.build(this.s.distributions.tableName, { distribution_id: id })));
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  get(id: string, consistent = true): Promise<Distribution | undefined> {
    return this.s.distributions.get(id, consistent);
  }

  // ---- start ----------------------------------------------------------------------------------

  /**
   * Picks the link (the oldest available of the quality and type), the pool (the list, else the
   * active list of the quality, else every eligible member; away members skipped), and a winner
   * by policy and wants; then writes the draw record (`drawn`) before anything is shown.
   */
  async start(input: StartDraw, origin: string = input.method): Promise<{ ok: true; draw: Distribution } | ({ ok: false } & StartRefusal)> {
    const now = this.clock.now();
    const today = utcDay(now);
    // The link, the list and the roster do not depend on each other: one round trip, not three
    // (a refused draw reads the roster for nothing, a rare cost against every draw's wait).
    const [link, list, roster] = await Promise.all([
      this.s.inventory.oldestAvailable(input.quality, input.linkType),
      input.listId ? this.s.lists.get(input.listId) : this.s.lists.findActive(input.quality),
      this.s.members.listAll(),
    ]);
    if (!link) return { ok: false, reason: 'no_stock' };
    if (input.listId) {
      if (!list) return { ok: false, reason: 'list_not_found' };
      if (list.is_active !== 'true') return { ok: false, reason: 'list_closed', list };
      if (list.quality !== input.quality) return { ok: false, reason: 'list_wrong_quality', list };
    }

    const byId = new Map(roster.map((m) => [m.discord_id, m]));
    const considered = list ? list.eligible_members.map((id) => byId.get(id)).filter((m): m is Member => m !== undefined) : roster;
    const leftOut = { away: 0, too_new: 0, unreadable: 0 };
    const pool: Member[] = [];
    for (const m of considered) {
      const standing = standingOf(m, this.settings.ranks, today);
      if (standing.daysInGuild === null && !m.is_officer) leftOut.unreadable++;
      else if (!standing.eligibleFor.includes(input.quality)) leftOut.too_new++;
      else if (isAway(m, today)) leftOut.away++;
      else pool.push(m);
    }

    const policy = input.policy ?? this.settings.defaultPolicy;
    let winner: Member;
    let named = false;
    let listId = list?.list_id;
    let wanting: string[] = [];
    let figures = new Map<string, CandidateStats>();
    if (input.memberId) {
      const member = byId.get(input.memberId) ?? (await this.s.members.get(input.memberId, true));
      if (!member) return { ok: false, reason: 'named_not_on_roster' };
      const standing = standingOf(member, this.settings.ranks, today);
      if (!standing.eligibleFor.includes(input.quality) || (standing.daysInGuild === null && !member.is_officer)) return { ok: false, reason: 'named_not_eligible', member };
      const waiting = list?.eligible_members.includes(member.discord_id) ?? false;
      if (input.listId && !waiting) return { ok: false, reason: 'named_not_waiting', list: list! };
      // Named outside the list: the award does not touch the list.
      if (!waiting) listId = undefined;
      if (!pool.some((m) => m.discord_id === member.discord_id)) pool.push(member);
      winner = member;
      named = true;
    } else {
      const ids = pool.map((m) => m.discord_id);
      wanting = pool.filter((m) => m.wants.includes(link.link_type)).map((m) => m.discord_id);
      const tier = new Set(candidatesFor({ pool: ids, wanting: new Set(wanting), policy: 'uniform', stats: new Map() }).among);
      figures = policy === 'uniform' ? new Map() : await this.figuresFor(pool.filter((m) => tier.has(m.discord_id)), input.quality, now);
      const pick = pickWinner({ pool: ids, wanting: new Set(wanting), policy, stats: figures, exclude: new Set() });
      if (!pick) return { ok: false, reason: 'nobody', list };
      winner = byId.get(pick.winnerId)!;
    }

    const draw = this.newRecord({ input, link, list, listId, pool, leftOut, policy, winner, named, wanting, figures, now });
    await this.index.ensure();
    // The record and its place among the open draws (for the expiry sweep), together.
    const outcome = await runTransaction(this.db, [
      { item: { Put: { TableName: this.s.distributions.tableName, Item: draw, ConditionExpression: 'attribute_not_exists(distribution_id)' } }, reason: 'exists' },
      { item: this.index.topItem({ openDraw: draw.distribution_id as string }) },
    ]);
    if (!outcome.ok) throw new Error('a new draw record could not be written');
    const stored = readDistribution(draw);
    this.emit(stored, 'started', origin);
    return { ok: true, draw: stored };
  }

  private newRecord(p: {
    input: StartDraw;
    link: Link;
    list: DistributionList | undefined;
    listId: string | undefined;
    pool: Member[];
    leftOut: { away: number; too_new: number; unreadable: number };
    policy: DrawPolicy;
    winner: Member;
    named: boolean;
    wanting: string[];
    figures: Map<string, CandidateStats>;
    now: Date;
  }): Record<string, unknown> {
    return {
      distribution_id: `dist_${randomUUID()}`,
      status: 'drawn',
      version: 1,
      method: p.input.method,
      link_id: p.link.link_id,
      link_type: p.link.link_type,
      quality: p.link.quality,
      bonus: p.link.bonus,
      ...(p.listId ? { list_id: p.listId, list_name: p.list?.list_name } : {}),
      pool: p.pool.map((m) => m.discord_id),
      pool_size: p.pool.length,
      left_out: p.leftOut,
      policy: p.named ? undefined : p.policy,
      wanting: p.wanting,
      ...(p.figures.size ? { figures: Object.fromEntries(p.figures) } : {}),
      winner_id: p.winner.discord_id,
      winner_username: p.winner.username,
      named: p.named,
      drawn_before: [],
      drawn_before_names: [],
      rerolled_by: [],
      drawn_by: p.input.by,
      drawn_at: p.now.toISOString(),
      expires_at: new Date(p.now.getTime() + DRAW_TTL_MS).toISOString(),
    };
  }

  /** Each candidate's links of this quality in the fairness window, and the last one (SPEC §3). */
  private async figuresFor(candidates: Member[], quality: Quality, now: Date): Promise<Map<string, CandidateStats>> {
    const since = new Date(now.getTime() - this.settings.fairnessWindowDays * 86_400_000).toISOString();
    const counted: CountedMember[] = await this.s.roster.countedAll(candidates);
    return new Map(
      counted.map((m) => {
        const inWindow = m.counters.awards[quality].filter((a) => a.at >= since);
        return [m.discord_id, { count: inWindow.length, ...(inWindow.length ? { last: inWindow[inWindow.length - 1].at } : {}) }];
      }),
    );
  }

  /** Where the draw's message is, once it has been posted. */
  async setMessage(id: string, channelId: string, messageId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand(new UpdateBuilder().set(['channel_id'], channelId).set(['message_id'], messageId).condition('attribute_exists(distribution_id)').build(this.s.distributions.tableName, { distribution_id: id })),
    );
  }

  // ---- reroll, cancel, expire -------------------------------------------------------------------

  /** Draws again among those not yet drawn; the rerolled winner is recorded first. */
  async reroll(id: string, by: string, shownVersion: number | undefined, origin: string): Promise<ChangeResult> {
    const now = this.clock.now();
    const draw = await this.get(id);
    if (!draw) return { ok: false, reason: 'not_found', draw };
    const decision = decideReroll(stateOf(draw), shownVersion, now);
    if (!decision.ok) return this.refused(draw, decision, now, origin);

    const exclude = new Set([...draw.drawn_before, draw.winner_id!]);
    let figures = draw.figures;
    const tier = candidatesFor({ pool: draw.pool, wanting: new Set(draw.wanting), policy: 'uniform', stats: new Map(), exclude }).among;
    if (draw.policy && draw.policy !== 'uniform' && tier.some((m) => !figures.has(m))) {
      // The wanting members are all drawn: the rest of the pool needs its figures too.
      const members = (await Promise.all(tier.filter((m) => !figures.has(m)).map((m) => this.s.members.get(m)))).filter((m): m is Member => m !== undefined);
      figures = new Map([...figures, ...(await this.figuresFor(members, draw.quality, now))]);
    }
    const pick = pickWinner({ pool: draw.pool, wanting: new Set(draw.wanting), policy: draw.policy ?? 'uniform', stats: figures, exclude });
    if (!pick) return { ok: false, reason: 'exhausted', draw };
    const next = await this.s.members.get(pick.winnerId);

    const u = new UpdateBuilder()
      .set(['winner_id'], pick.winnerId)
      .set(['winner_username'], next?.username ?? pick.winnerId)
      .set(['drawn_before'], [...draw.drawn_before, draw.winner_id!])
      // Names kept beside the ids (padded for a record written before they were), so views read no roster.
      .set(['drawn_before_names'], [...draw.drawn_before.map((id, i) => draw.drawn_before_names[i] ?? id), draw.winner_username ?? draw.winner_id!])
      .set(['rerolled_by'], [...draw.rerolled_by, by])
      .set(['version'], draw.version + 1);
    if (figures !== draw.figures) u.set(['figures'], Object.fromEntries(figures));
    // Only from the version that was read, with nobody confirming: two rerolls never interleave.
    u.condition(`${u.name('status')} = ${u.value('drawn')} AND ${u.name('version')} = ${u.value(draw.version)} AND attribute_not_exists(${u.name('confirm_at')}) AND ${u.name('expires_at')} > ${u.value(now.toISOString())}`);
    let changed: Distribution;
    try {
      const { Attributes } = await this.db.send(new UpdateCommand({ ...u.build(this.s.distributions.tableName, { distribution_id: id }), ReturnValues: 'ALL_NEW' }));
      changed = readDistribution(Attributes ?? {});
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return this.explainChange(id, shownVersion, now, origin);
    }
    this.emit(changed, 'rerolled', origin);
    return { ok: true, draw: changed };
  }

  /** Ends an open draw: nobody is awarded, and the record stays with its pool and rerolls. */
  async cancel(id: string, by: string, origin: string): Promise<ChangeResult> {
    const now = this.clock.now();
    const draw = await this.get(id);
    if (!draw) return { ok: false, reason: 'not_found', draw };
    const decision = decideCancel(stateOf(draw), now);
    if (!decision.ok) return this.refused(draw, decision, now, origin);
    const ended = await this.end(draw, 'cancelled', now, by);
    if (!ended) return this.explainChange(id, undefined, now, origin);
    this.emit(ended, 'cancelled', origin);
    return { ok: true, draw: ended };
  }

  /** Marks every overdue open draw expired (start-up and every minute). Returns those it ended. */
  async expireOverdue(origin = 'sweep'): Promise<Distribution[]> {
    const now = this.clock.now();
    const top = await this.index.top({ consistent: true });
    if (!top.openDraws.length) return [];
    const open = await this.s.distributions.getMany(top.openDraws);
    const expired: Distribution[] = [];
    for (const draw of open) {
      if (!decideExpire(stateOf(draw), now).ok) continue;
      const ended = await this.end(draw, 'expired', now);
      if (ended) {
        expired.push(ended);
        this.emit(ended, 'expired', origin);
      }
    }
    // An id listed as open whose record ended elsewhere (or is gone) is dropped from the list.
    const stale = top.openDraws.filter((id) => !open.some((d) => d.distribution_id === id && d.status === 'drawn'));
    for (const id of stale) await this.db.send(new UpdateCommand(this.index.topItem({ closeDraw: id }).Update as never));
    return expired;
  }

  /**
   * Ends a draw as cancelled or expired: the record enters the date-index on the day it ended
   * (so officers see it in guild-wide history) and leaves the open draws, in one transaction.
   * Undefined when the draw changed meanwhile (nothing written).
   */
  private async end(draw: Distribution, status: 'cancelled' | 'expired', now: Date, by?: string): Promise<Distribution | undefined> {
    const at = now.toISOString();
    const day = utcDay(now);
    const record = new UpdateBuilder().set(['status'], status).set(['distributed_at'], at).set(['distribution_date'], day).set(['version'], draw.version + 1);
    if (by) record.set(['ended_by'], by);
    record.condition(`${record.name('status')} = ${record.value('drawn')} AND ${record.name('version')} = ${record.value(draw.version)}`);
    if (status === 'cancelled') record.condition(`attribute_not_exists(${record.name('confirm_at')})`);
    else record.condition(`${record.name('expires_at')} <= ${record.value(at)} AND (attribute_not_exists(${record.name('confirm_at')}) OR ${record.name('confirm_started_at')} < ${record.value(new Date(now.getTime() - CONFIRM_IN_FLIGHT_MS).toISOString())})`);
    if (status === 'expired') record.remove(['confirm_at']).remove(['confirm_by']).remove(['confirm_started_at']);
    await this.index.ensure();
    const outcome = await runTransaction(this.db, [
      { item: { Update: record.build(this.s.distributions.tableName, { distribution_id: draw.distribution_id }) }, reason: 'changed' },
      { item: this.index.dayItem(day, draw.quality) },
      { item: this.index.topItem({ month: day.slice(0, 7), closeDraw: draw.distribution_id }) },
    ]);
    if (!outcome.ok) {
      if ('busy' in outcome || 'inProgress' in outcome) throw Object.assign(new Error('the draw kept conflicting with other writes'), { name: 'ThrottlingException' });
      return undefined;
    }
    return this.get(draw.distribution_id);
  }

  // ---- confirm ----------------------------------------------------------------------------------

  /**
   * Awards the link to the winner the pressed message showed (`shownVersion`), in one transaction:
   * the record `drawn → confirmed`, the link available → not, the winner off the list's waiting
   * ids and onto its winners, the member's counters, and the history markers. The award's time
   * and presser are claimed on the record first, so a retry (a lost answer, a restart, a second
   * press) sends the same transaction and awards at most once. When the outcome is unknown the
   * record is read back before anything is said.
   */
  async confirm(id: string, by: string, shownVersion: number | undefined, origin: string): Promise<ConfirmResult> {
    const now = this.clock.now();
    let draw = await this.get(id);
    if (!draw) return { outcome: 'refused', reason: 'not_found', draw };
    const decision = decideConfirm(stateOf(draw), shownVersion, now);
    if (!decision.ok) {
      if (decision.reason === 'ended' && draw.status === 'confirmed') return { outcome: 'awarded', draw, repeated: true };
      const refused = await this.refused(draw, decision, now, origin);
      return { outcome: 'refused', ...(refused as Extract<ChangeResult, { ok: false }>) };
    }

    // The history marker (for the newest awards kept on it) does not depend on the winner: read both at once.
    const [winner, top] = await Promise.all([this.s.members.get(draw.winner_id!, true), this.index.top()]);
    if (!winner) return this.notAwarded(draw, 'member_removed', origin);
    if (!decision.retry) {
      const standing = standingOf(winner, this.settings.ranks, utcDay(now));
      if (!standing.eligibleFor.includes(draw.quality) || (standing.daysInGuild === null && !winner.is_officer)) return this.notAwarded(draw, 'member_not_eligible', origin);
      if (!draw.named && isAway(winner, utcDay(now))) return this.notAwarded(draw, 'member_away', origin);
      const claimed = await this.claim(draw, by, now);
      if (!claimed) return this.explainConfirm(id, origin);
      draw = claimed;
    }

    const claim = draw.confirm!;
    const day = claim.at.slice(0, 10);
    let member: Member = winner;
    // The winner's item may change between the read and the award (their first counters or newest
    // links written by another award at the same moment): read it again, a bounded number of times.
    for (let attempt = 1; ; attempt++) {
      const derived = member.counters && member.recent ? undefined : await this.s.roster.history(member.discord_id);
      const parts = await this.awardParts(draw, claim, member, derived, HistoryIndex.overflow(top));
      let outcome;
      try {
        outcome = await runTransaction(this.db, parts, { token: transactionToken(parts) });
      } catch (error) {
        if (!isDynamoUnavailable(error)) throw error;
        return this.readBack(id, origin);
      }
      if (outcome.ok) {
        const awarded = await this.get(id).catch(() => undefined);
        if (!awarded) return { outcome: 'unknown', draw };
        this.emit(awarded, 'confirmed', origin);
        return { outcome: 'awarded', draw: awarded, repeated: false };
      }
      if ('inProgress' in outcome) return { outcome: 'unknown', draw };
      if ('busy' in outcome) return this.notAwarded(draw, 'busy', origin);
      const reasons = outcome.failed.map((f) => f.reason);
      if (reasons.includes('changed')) return this.readBack(id, origin);
      const list = outcome.failed.find((f) => f.reason === 'winner_served');
      if (reasons.includes('link_gone')) return this.notAwarded(draw, 'link_gone', origin);
      if (list) return this.notAwarded(draw, list.item && list.item.is_active !== 'true' ? 'list_closed' : 'winner_served', origin);
      if (!reasons.includes('member_changed')) return this.notAwarded(draw, 'busy', origin);
      const fresh = await this.s.members.get(draw.winner_id!, true);
      if (!fresh) return this.notAwarded(draw, 'member_removed', origin);
      if (!draw.named && isAway(fresh, day)) return this.notAwarded(draw, 'member_away', origin);
      if (attempt === 3) return this.notAwarded(draw, 'busy', origin);
      member = fresh;
    }
  }

  private async awardParts(draw: Distribution, claim: NonNullable<Distribution['confirm']>, winner: Member, derived: { counters: Counters; recent: RecentLink[] } | undefined, overflow: string[]): Promise<TransactionPart<string>[]> {
    const day = claim.at.slice(0, 10);
    const record = new UpdateBuilder()
      .set(['status'], 'confirmed')
      .set(['member_id'], draw.winner_id!)
      .set(['member_username'], winner.username)
      .set(['distributed_by'], claim.by)
      .set(['distributed_at'], claim.at)
      .set(['distribution_date'], day)
      .set(['version'], draw.version + 1)
      .remove(['confirm_at'])
      .remove(['confirm_by'])
      .remove(['confirm_started_at']);
    // Only the claimed award of a still open draw: a second confirm, a cancel or an expiry first means no award here.
    record.condition(`${record.name('status')} = ${record.value('drawn')} AND ${record.name('confirm_at')} = ${record.value(claim.at)} AND ${record.name('winner_id')} = ${record.value(draw.winner_id!)}`);
    const parts: TransactionPart<string>[] = [
      { item: { Update: record.build(this.s.distributions.tableName, { distribution_id: draw.distribution_id }) }, reason: 'changed' },
      { item: this.s.inventory.awardItem(draw.link_id, draw.distribution_id), reason: 'link_gone' },
      { item: this.s.members.awardItem(winner, { id: draw.distribution_id, at: claim.at, quality: draw.quality, linkType: draw.link_type, today: day, skipIfAway: !draw.named }, derived), reason: 'member_changed' },
      { item: this.index.dayItem(day, draw.quality) },
      {
        item: this.index.topItem({
          month: day.slice(0, 7),
          closeDraw: draw.distribution_id,
          addUndelivered: draw.distribution_id,
          addRecent: { id: draw.distribution_id, member_id: draw.winner_id!, member_username: winner.username, link_type: draw.link_type, quality: draw.quality, distributed_at: claim.at },
          dropRecent: overflow,
        }),
      },
    ];
    if (draw.list_id) parts.push({ item: this.s.lists.awardItem(draw.list_id, draw.winner_id!), reason: 'winner_served' });
    await this.index.ensure();
    return parts;
  }

  /** Claims the confirm: its award time and presser, on a draw still showing what was pressed. */
  private async claim(draw: Distribution, by: string, now: Date): Promise<Distribution | undefined> {
    const at = now.toISOString();
    const update = new UpdateBuilder().set(['confirm_at'], at).set(['confirm_by'], by).set(['confirm_started_at'], at);
    update.condition(
      `${update.name('status')} = ${update.value('drawn')} AND ${update.name('version')} = ${update.value(draw.version)} AND attribute_not_exists(${update.name('confirm_at')}) AND ${update.name('expires_at')} > ${update.value(at)}`,
    );
    try {
      await this.db.send(new UpdateCommand(update.build(this.s.distributions.tableName, { distribution_id: draw.distribution_id })));
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
    return { ...draw, confirm: { at, by, startedAt: at } };
  }

  /** Nothing was awarded (a condition failed): the claim is released so the draw can go on. */
  private async notAwarded(draw: Distribution, reason: AwardFailure, origin: string): Promise<ConfirmResult> {
    let current = draw;
    if (draw.confirm) {
      const release = new UpdateBuilder().remove(['confirm_at']).remove(['confirm_by']).remove(['confirm_started_at']);
      release.condition(`${release.name('confirm_at')} = ${release.value(draw.confirm.at)}`);
      await this.db
        .send(new UpdateCommand(release.build(this.s.distributions.tableName, { distribution_id: draw.distribution_id })))
        .catch((error) => {
          if (!isConditionalCheckFailed(error)) throw error;
        });
      current = (await this.get(draw.distribution_id)) ?? draw;
      this.emit(current, 'released', origin);
    }
    return { outcome: 'not_awarded', reason, draw: current };
  }

  /** After a lost answer: what the record says now. */
  private async readBack(id: string, origin: string): Promise<ConfirmResult> {
    let draw: Distribution | undefined;
    try {
      draw = await this.get(id);
    } catch (error) {
      if (isDynamoUnavailable(error)) return { outcome: 'unknown', draw: undefined };
      throw error;
    }
    if (draw?.status === 'confirmed') {
      this.emit(draw, 'confirmed', origin);
      return { outcome: 'awarded', draw, repeated: false };
    }
    if (draw?.status === 'drawn' && draw.confirm) return { outcome: 'unknown', draw };
    return { outcome: 'refused', ...((await this.refusalOf(draw, undefined, this.clock.now())) as { reason: 'ended'; status: Distribution['status'] }), draw };
  }

  private async explainConfirm(id: string, origin: string): Promise<ConfirmResult> {
    const result = await this.explainChange(id, undefined, this.clock.now(), origin);
    if (result.ok) return { outcome: 'refused', reason: 'changed', version: result.draw.version, draw: result.draw };
    if (result.reason === 'ended' && result.draw?.status === 'confirmed') return { outcome: 'awarded', draw: result.draw, repeated: true };
    return { outcome: 'refused', ...result };
  }

  // ---- refusals -------------------------------------------------------------------------------------

  /**
   * A refused change; a press on an overdue draw marks it expired on the way. That change is not
   * the press's own (it answers only "expired"), so views follow it as they follow the sweep.
   */
  private async refused(draw: Distribution, refusal: Refusal, now: Date, origin: string): Promise<Extract<ChangeResult, { ok: false }>> {
    if (refusal.reason === 'expired') {
      const ended = await this.end(draw, 'expired', now);
      if (ended) this.emit(ended, 'expired', `expired-on-press:${origin}`);
      return { ok: false, reason: 'expired', draw: ended ?? (await this.get(draw.distribution_id)) };
    }
    return { ok: false, ...refusal, draw };
  }

  /** A conditional write lost a race: read the draw again and say what changed. */
  private async explainChange(id: string, shownVersion: number | undefined, now: Date, origin: string): Promise<ChangeResult> {
    const draw = await this.get(id);
    if (!draw) return { ok: false, reason: 'not_found', draw };
    const refusal = await this.refusalOf(draw, shownVersion, now);
    if (refusal.reason === 'expired') return this.refused(draw, refusal, now, origin);
    return { ok: false, ...refusal, draw };
  }

  private async refusalOf(draw: Distribution | undefined, shownVersion: number | undefined, now: Date): Promise<Refusal | { reason: 'not_found' }> {
    if (!draw) return { reason: 'not_found' };
    const decision = decideReroll(stateOf(draw), shownVersion, now);
    if (!decision.ok) return decision;
    return { reason: 'changed', version: draw.version };
  }

  private emit(draw: Distribution, change: DrawChange, origin: string): void {
    this.changes.emit(draw, change, origin);
  }
}

/** The rules' view of a record. */
export function stateOf(draw: Distribution): DrawState {
  return {
    status: draw.status,
    version: draw.version,
    winnerId: draw.winner_id ?? '',
    named: draw.named,
    expiresAt: draw.expires_at ?? new Date(0).toISOString(),
    ...(draw.confirm ? { confirm: { at: draw.confirm.at, startedAt: draw.confirm.startedAt } } : {}),
  };
}
