/**
 * The draw as a stored record (docs/architecture.md, "A draw's life"): drawn, rerolled, cancelled,
 * expired and confirmed by conditional writes on its record, so what every view shows is what the
 * record holds, across presses, officers, processes and restarts. Discord and the web call the same
 * methods; each change is announced to listeners (the Discord view edits the draw's message from
 * it).
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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
  statsFromAwards,
  type CandidateStats,
  type DrawPolicy,
  type DrawState,
  type Refusal,
} from '../domain/draw';
import { DrawPools, type DrawPool } from './draw-pools';
import { OpenDraws, type OpenEntry } from './open-draws';
import { retrying } from './retrying';
import { isAway, standingOf, type Quality, type RankThresholds } from '../domain/ranks';
import { DEFAULT_ATTENDANCE, debtFor, drawExclusion, ineligibility, isInactive, owedFirst, type AttendanceRules, type DebtKey } from '../domain/attendance';
import { readDistribution, type Distribution } from './distribution-record';
import type { DistributionsService } from './distributions';
import { isDynamoUnavailable, isConditionalCheckFailed } from './errors';
import { HistoryIndex, TOP_MARKER } from './history-index';
import type { InventoryService, Link } from './inventory';
import type { DistributionList, ListsService } from './lists';
import { wantFulfilled } from './member-awards';
import type { CountedMember, Counters, Member, RecentLink } from './member-items';
import type { MembersService } from './members';
import type { RosterService } from './roster';
import type { ChangeListener, DrawChange, RecordChanges } from './changes';
import { runTransaction, transactionToken, type TransactionPart } from './transactions';
import { UpdateBuilder } from './update-builder';

export interface DrawSettings {
  ranks: RankThresholds;
  defaultPolicy: DrawPolicy;
  fairnessWindowDays: number;
  /** Attendance rules (docs/attendance.md); off when absent. */
  attendance?: AttendanceRules;
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
  | { reason: 'nobody'; list?: DistributionList }
  /** As many draws as the open-draw markers hold are open or unannounced (src/services/open-draws.ts). */
  | { reason: 'too_many_open' };

/** Why an award was not made although the draw was open. Nothing was written. */
export type AwardFailure = 'link_gone' | 'winner_served' | 'list_closed' | 'member_removed' | 'member_away' | 'member_not_eligible' | 'debt_paid' | 'busy';

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

/** An announcement claimed longer ago than this was left by a process that died: the sweep claims it again. */
export const ANNOUNCE_IN_FLIGHT_MS = 60_000;
/** An award still unannounced this long after it was made is given up on (and leaves the open-draw markers). */
export const ANNOUNCE_GIVE_UP_MS = 24 * 3_600_000;

export class DrawsService {
  private readonly index: HistoryIndex;
  readonly open: OpenDraws;
  readonly pools: DrawPools;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly s: DrawServices,
    private readonly settings: DrawSettings,
    private readonly clock: Clock,
    private readonly changes: RecordChanges,
  ) {
    this.index = s.distributions.index;
    this.open = new OpenDraws(db, s.distributions.tableName);
    this.pools = new DrawPools(db, s.distributions.tableName);
  }

  /** Listen to every change of every record (e.g. to edit a draw's Discord message). Returns an unsubscribe. */
  onChange(listener: ChangeListener): () => void {
    return this.changes.listen(listener);
  }

  private get table(): string {
    return this.s.distributions.tableName;
  }

  /** One single-item update, retried when a race refused it (src/services/retrying.ts). */
  private update(u: UpdateBuilder, id: string, extra: { ReturnValues?: 'ALL_NEW' } = {}) {
    const command = new UpdateCommand({ ...u.build(this.table, { distribution_id: id }), ...extra });
    return retrying(() => this.db.send(command));
  }

  /**
   * Claims the announcement of an award (the channel post and the message edit): true for one
   * caller at a time, so a confirm seen twice (a retried transaction, two processes, the sweep)
   * is announced once. A claim left by a process that died is claimed again after
   * ANNOUNCE_IN_FLIGHT_MS; `announced()` ends it, `announceFailed()` gives it back.
   */
  async claimAnnouncement(id: string): Promise<boolean> {
    const now = this.clock.now();
    const update = new UpdateBuilder().set(['announce_claimed_at'], now.toISOString());
    update.condition(
      `${update.name('status')} = ${update.value('confirmed')} AND attribute_not_exists(${update.name('announced_at')}) AND (attribute_not_exists(${update.name('announce_claimed_at')}) OR ${update.name('announce_claimed_at')} < ${update.value(new Date(now.getTime() - ANNOUNCE_IN_FLIGHT_MS).toISOString())})`,
    );
    try {
      await this.update(update, id);
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** The award has been announced: recorded on it, and it leaves the open-draw markers. */
  async announced(draw: Distribution): Promise<void> {
    const update = new UpdateBuilder().set(['announced_at'], this.clock.now().toISOString()).remove(['announce_claimed_at']);
    update.condition(`attribute_exists(${update.name('distribution_id')})`);
    await this.update(update, draw.distribution_id);
    if (draw.open_shard !== undefined) await this.open.leave(draw.distribution_id, draw.open_shard);
  }

  /** The announcement failed: the claim is given back, and the sweep tries again. */
  async announceFailed(id: string): Promise<void> {
    const update = new UpdateBuilder().remove(['announce_claimed_at']);
    update.condition(`attribute_not_exists(${update.name('announced_at')})`);
    await this.update(update, id).catch((error) => {
      if (!isConditionalCheckFailed(error)) throw error;
    });
  }

  get(id: string, consistent = true): Promise<Distribution | undefined> {
    return this.s.distributions.get(id, consistent);
  }

  /** The open draws, newest first, read strongly consistently from the open-draw markers. */
  async openDraws(): Promise<Distribution[]> {
    const entries = await this.open.list();
    const records = await this.s.distributions.getMany(entries.map((e) => e.id), { consistent: true });
    return records.filter((d) => d.status === 'drawn').sort((a, b) => (b.drawn_at ?? '').localeCompare(a.drawn_at ?? ''));
  }

  /** What the pool items of a draw measure, in started KB per item as DynamoDB bills a write. */
  async poolSizeKb(id: string): Promise<number> {
    const draw = await this.get(id);
    if (!draw?.pool_chunks) return 0;
    const pool = await this.pools.read(id, draw.pool_chunks);
    return this.pools.items(id, pool).reduce((sum, item) => sum + Math.ceil(itemBytes(item) / 1024), 0);
  }

  // ---- start ----------------------------------------------------------------------------------

  /**
   * Picks the link (the oldest available of the quality and type), the pool (the list, else the
   * active list of the quality, else every eligible member; away members skipped), and a winner
   * by policy and wants; then writes the pool items and the draw record (`drawn`) before anything
   * is shown.
   */
  async start(input: StartDraw, origin: string = input.method): Promise<{ ok: true; draw: Distribution } | ({ ok: false } & StartRefusal)> {
    const now = this.clock.now();
    const today = utcDay(now);
    // The link, the list and the roster do not depend on each other: one round trip, not three
    // (a refused draw reads the roster for nothing, a rare cost against every draw's wait).
    const [link, list, roster] = await Promise.all([
      this.s.inventory.oldestAvailable(input.quality, input.linkType),
      input.listId ? this.s.lists.get(input.listId, true) : this.s.lists.findActive(input.quality),
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
    const attendance = this.settings.attendance ?? DEFAULT_ATTENDANCE;
    const leftOut = { away: 0, too_new: 0, unreadable: 0, ...(attendance.required ? { attendance: 0, inactive: 0 } : {}) };
    const pool: Member[] = [];
    for (const m of considered) {
      const reason = drawExclusion(m, input.quality, this.settings.ranks, attendance, now);
      if (reason) leftOut[reason] = (leftOut[reason] ?? 0) + 1;
      else pool.push(m);
    }

    const policy = input.policy ?? this.settings.defaultPolicy;
    let winner: Member;
    let named = false;
    let listId = list?.list_id;
    let wanting: string[] = [];
    let figures = new Map<string, CandidateStats>();
    // Those owed a link of this quality (or any) come first, oldest debt first, whatever the policy.
    const owed = input.memberId ? [] : owedFirst(pool, input.quality);
    const compensation = owed.length ? { reason: owed[0].debt.reason, debt: owed[0].debt.key } : undefined;
    if (owed.length) {
      winner = owed[0].member;
      pool.splice(0, pool.length, ...owed.map((o) => o.member));
    } else if (input.memberId) {
      const member = byId.get(input.memberId) ?? (await this.s.members.get(input.memberId, true));
      if (!member) return { ok: false, reason: 'named_not_on_roster' };
      const standing = standingOf(member, this.settings.ranks, today);
      if (!standing.eligibleFor.includes(input.quality) || (standing.daysInGuild === null && !member.is_officer) || ineligibility(member, input.quality, this.settings.ranks, attendance, now)) return { ok: false, reason: 'named_not_eligible', member };
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
      // Every candidate's figures, once: a reroll past the wanting members needs the rest's too,
      // and the pool items are never written again.
      figures = policy === 'uniform' ? new Map() : await this.figuresFor(pool, input.quality, now);
      const pick = pickWinner({ pool: ids, wanting: new Set(wanting), policy, stats: figures, exclude: new Set() });
      if (!pick) return { ok: false, reason: 'nobody', list };
      winner = byId.get(pick.winnerId)!;
    }

    const id = `dist_${randomUUID()}`;
    const drawPool: DrawPool = { pool: pool.map((m) => m.discord_id), wanting, figures };
    // The pool first: a record never points at pool items that are not there.
    await this.pools.write(id, drawPool);
    await this.index.ensure();
    // The record and its place among the open draws (for the expiry sweep), together; a full
    // shard refuses, and the next one is tried. A draw not started takes its pool items away.
    // (Only when it is known not written: after an error whose outcome is unknown the pool stays.)
    const started = await this.writeRecord(id, (shard) => this.newRecord({ id, input, link, list, listId, pool: drawPool, leftOut, policy, winner, named, compensation, now, shard }));
    if (started === 'busy') {
      await this.pools.discard(id, DrawPools.chunks(drawPool.pool.length)).catch(() => undefined);
      throw Object.assign(new Error('the draw kept conflicting with other writes'), { name: 'ThrottlingException' });
    }
    if (!started) {
      await this.pools.discard(id, DrawPools.chunks(drawPool.pool.length)).catch(() => undefined);
      return { ok: false, reason: 'too_many_open' };
    }
    this.emit(started, 'started', origin);
    return { ok: true, draw: started };
  }

  /** Writes a new record and its place on an open-draw marker; undefined when every marker is full, 'busy' when conflicts kept it from being written. */
  private async writeRecord(id: string, record: (shard: number) => Record<string, unknown>): Promise<Distribution | 'busy' | undefined> {
    for (const shard of OpenDraws.shardOrder()) {
      const draw = record(shard);
      const outcome = await runTransaction(this.db, [
        { item: { Put: { TableName: this.table, Item: draw, ConditionExpression: 'attribute_not_exists(distribution_id)' } }, reason: 'exists' },
        { item: this.open.joinItem(id, shard), reason: 'shard_full' },
      ]);
      if (outcome.ok) return readDistribution(draw);
      if ('busy' in outcome) return 'busy';
      if ('inProgress' in outcome) throw Object.assign(new Error('the draw kept conflicting with other writes'), { name: 'ThrottlingException' });
      if (!outcome.failed.every((f) => f.reason === 'shard_full')) throw new Error('a new draw record could not be written');
    }
    return undefined;
  }

  private newRecord(p: {
    id: string;
    input: StartDraw;
    link: Link;
    list: DistributionList | undefined;
    listId: string | undefined;
    pool: DrawPool;
    leftOut: { away: number; too_new: number; unreadable: number; attendance?: number; inactive?: number };
    compensation: { reason: string; debt: string } | undefined;
    policy: DrawPolicy;
    winner: Member;
    named: boolean;
    now: Date;
    shard: number;
  }): Record<string, unknown> {
    const counts = [...p.pool.figures.values()].map((f) => f.count);
    const winnerFigures = p.pool.figures.get(p.winner.discord_id);
    return {
      distribution_id: p.id,
      status: 'drawn',
      version: 1,
      method: p.input.method,
      link_id: p.link.link_id,
      link_type: p.link.link_type,
      quality: p.link.quality,
      bonus: p.link.bonus,
      ...(p.listId ? { list_id: p.listId, list_name: p.list?.list_name } : {}),
      // The pool, the wants and the figures are on the pool items (src/services/draw-pools.ts).
      pool_chunks: DrawPools.chunks(p.pool.pool.length),
      pool_size: p.pool.pool.length,
      left_out: p.leftOut,
      policy: p.named ? undefined : p.policy,
      wanting_count: p.pool.wanting.length,
      ...(counts.length ? { figures_range: { min: Math.min(...counts), max: Math.max(...counts) } } : {}),
      ...(winnerFigures ? { winner_figures: winnerFigures } : {}),
      left_to_draw: p.named ? 0 : new Set(p.pool.pool).size - 1,
      winner_id: p.winner.discord_id,
      winner_username: p.winner.username,
      named: p.named,
      drawn_before: [],
      drawn_before_names: [],
      rerolled_by: [],
      drawn_by: p.input.by,
      drawn_at: p.now.toISOString(),
      expires_at: new Date(p.now.getTime() + DRAW_TTL_MS).toISOString(),
      open_shard: p.shard,
      ...(p.compensation ? { compensation: p.compensation.reason, compensation_debt: p.compensation.debt } : {}),
    };
  }

  /** Each candidate's links of this quality in the fairness window, and the last one whenever it was. */
  private async figuresFor(candidates: Member[], quality: Quality, now: Date): Promise<Map<string, CandidateStats>> {
    const since = this.windowStart(now);
    const counted: CountedMember[] = await this.s.roster.countedAll(candidates);
    return new Map(
      // The window counts for `fewest` only: `longest` reads the last link whenever it was.
      counted.map((m) => [m.discord_id, statsFromAwards(m.counters.awards[quality], since)]),
    );
  }

  /** Where the draw's message is, once it has been posted. */
  async setMessage(id: string, channelId: string, messageId: string): Promise<void> {
    await this.update(new UpdateBuilder().set(['channel_id'], channelId).set(['message_id'], messageId).condition('attribute_exists(distribution_id)'), id);
  }

  /** The pool a draw was drawn from: its pool items, or the record itself for records kept whole. */
  private async poolOf(draw: Distribution): Promise<DrawPool> {
    if (draw.pool_chunks) return this.pools.read(draw.distribution_id, draw.pool_chunks);
    return { pool: draw.pool, wanting: [], figures: new Map() };
  }

  // ---- reroll, cancel, expire -------------------------------------------------------------------

  /** Draws again among those not yet drawn; the rerolled winner is recorded first. */
  async reroll(id: string, by: string, shownVersion: number | undefined, origin: string): Promise<ChangeResult> {
    const now = this.clock.now();
    const draw = await this.get(id);
    if (!draw) return { ok: false, reason: 'not_found', draw };
    const decision = decideReroll(stateOf(draw), shownVersion, now);
    if (!decision.ok) return this.refused(draw, decision, now, origin);

    const drawn = await this.poolOf(draw);
    const exclude = new Set([...draw.drawn_before, draw.winner_id!]);
    let figures = drawn.figures;
    const tier = candidatesFor({ pool: drawn.pool, wanting: new Set(drawn.wanting), policy: 'uniform', stats: new Map(), exclude }).among;
    if (draw.policy && draw.policy !== 'uniform' && tier.some((m) => !figures.has(m))) {
      // A record kept whole before pool items had figures for the wanting members only.
      const members = (await Promise.all(tier.filter((m) => !figures.has(m)).map((m) => this.s.members.get(m)))).filter((m): m is Member => m !== undefined);
      figures = new Map([...figures, ...(await this.figuresFor(members, draw.quality, now))]);
    }
    // A compensation draw goes on in the order owed (oldest debt first).
    const owedNext = draw.compensation !== undefined ? drawn.pool.find((m) => !exclude.has(m)) : undefined;
    const pick = draw.compensation !== undefined ? (owedNext ? { winnerId: owedNext } : null) : pickWinner({ pool: drawn.pool, wanting: new Set(drawn.wanting), policy: draw.policy ?? 'uniform', stats: figures, exclude });
    if (!pick) return { ok: false, reason: 'exhausted', draw };
    // Consistent: a compensation draw names the debt the next winner is owed, as it is now.
    const next = await this.s.members.get(pick.winnerId, draw.compensation !== undefined);

    const u = new UpdateBuilder()
      .set(['winner_id'], pick.winnerId)
      .set(['winner_username'], next?.username ?? pick.winnerId)
      .set(['drawn_before'], [...draw.drawn_before, draw.winner_id!])
      // Names kept beside the ids (padded for a record written before they were), so views read no roster.
      .set(['drawn_before_names'], [...draw.drawn_before.map((id, i) => draw.drawn_before_names[i] ?? id), draw.winner_username ?? draw.winner_id!])
      .set(['rerolled_by'], [...draw.rerolled_by, by])
      .set(['left_to_draw'], Math.max(0, candidatesFor({ pool: drawn.pool, wanting: new Set(), policy: 'uniform', stats: new Map(), exclude: new Set([...exclude, pick.winnerId]) }).among.length))
      .set(['version'], draw.version + 1)
      // A claim left by a process that died is released by this write (its award can no longer come).
      .remove(['confirm_at'])
      .remove(['confirm_by'])
      .remove(['confirm_started_at']);
    const winnerFigures = figures.get(pick.winnerId);
    if (winnerFigures) u.set(['winner_figures'], winnerFigures);
    else u.remove(['winner_figures']);
    if (draw.compensation !== undefined) {
      // The next one owed is served for their own debt (its reason, and which one the award clears).
      const debt = next ? debtFor(next.debts, draw.quality) : undefined;
      if (!debt) return { ok: false, reason: 'exhausted', draw };
      u.set(['compensation'], debt.reason).set(['compensation_debt'], debt.key);
    }
    // Only from the version that was read, with nobody confirming: two rerolls never interleave.
    u.condition(`${u.name('status')} = ${u.value('drawn')} AND ${u.name('version')} = ${u.value(draw.version)} AND ${this.noLiveClaim(u, now)} AND ${u.name('expires_at')} > ${u.value(now.toISOString())}`);
    let changed: Distribution;
    try {
      const { Attributes } = await this.update(u, id, { ReturnValues: 'ALL_NEW' });
      changed = readDistribution(Attributes ?? {});
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return this.explainChange(id, shownVersion, now, origin);
    }
    this.emit(changed, 'rerolled', origin);
    return { ok: true, draw: changed };
  }

  /** Condition: no confirm claimed, or only one older than the in-flight time (a dead process's). */
  private noLiveClaim(u: UpdateBuilder, now: Date): string {
    return `(attribute_not_exists(${u.name('confirm_at')}) OR ${u.name('confirm_started_at')} < ${u.value(new Date(now.getTime() - CONFIRM_IN_FLIGHT_MS).toISOString())})`;
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

  /**
   * The sweep (start-up and every minute): reads the open-draw markers and their records, both
   * strongly consistently; marks every overdue open draw expired; announces awards left
   * unannounced (a process that died, a read that failed after the award); and takes off the
   * markers only the ids whose records it read as ended (and announced). Returns the draws it expired.
   */
  async expireOverdue(origin = 'sweep'): Promise<Distribution[]> {
    const now = this.clock.now();
    const entries: (OpenEntry | { id: string; shard: undefined })[] = [...(await this.open.list()), ...(await this.legacyOpen()).map((id) => ({ id, shard: undefined }))];
    if (!entries.length) return [];
    const records = new Map((await this.s.distributions.getMany(entries.map((e) => e.id), { consistent: true })).map((d) => [d.distribution_id, d]));
    const expired: Distribution[] = [];
    for (const entry of entries) {
      const draw = records.get(entry.id);
      // The record and its entry are written in one transaction, and this read is consistent: an
      // entry without a record never gets one.
      if (!draw) {
        await this.leave(entry);
        continue;
      }
      if (draw.status === 'drawn') {
        if (!decideExpire(stateOf(draw), now).ok) continue;
        const ended = await this.end(draw, 'expired', now);
        if (ended) {
          expired.push(ended);
          this.emit(ended, 'expired', origin);
        }
        continue;
      }
      if (draw.status === 'confirmed' && !draw.announced_at && entry.shard !== undefined) {
        const age = now.getTime() - Date.parse(draw.distributed_at ?? draw.drawn_at ?? now.toISOString());
        if (age < ANNOUNCE_GIVE_UP_MS) {
          // Announced by the follower (claimAnnouncement makes it once); it then leaves the markers.
          const claimedAt = draw.announce_claimed_at ? Date.parse(draw.announce_claimed_at) : undefined;
          if (claimedAt === undefined || now.getTime() - claimedAt >= ANNOUNCE_IN_FLIGHT_MS) this.emit(draw, 'confirmed', origin);
          continue;
        }
      }
      await this.leave(entry);
    }
    return expired;
  }

  private async leave(entry: { id: string; shard: number | undefined }): Promise<void> {
    if (entry.shard !== undefined) return this.open.leave(entry.id, entry.shard);
    await retrying(() => this.db.send(new UpdateCommand(new UpdateBuilder().delete('open_draws', new Set([entry.id])).build(this.table, { distribution_id: TOP_MARKER }))));
  }

  /** Draws opened before the open-draw markers existed, still listed on `#history` (until the sweep ends them). */
  private async legacyOpen(): Promise<string[]> {
    const { Item } = await retrying(() => this.db.send(new GetCommand({ TableName: this.table, Key: { distribution_id: TOP_MARKER }, ProjectionExpression: 'open_draws', ConsistentRead: true })));
    return Item?.open_draws instanceof Set ? [...Item.open_draws].map(String) : [];
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
    record.condition(`${record.name('status')} = ${record.value('drawn')} AND ${record.name('version')} = ${record.value(draw.version)} AND ${this.noLiveClaim(record, now)}`);
    if (status === 'expired') record.condition(`${record.name('expires_at')} <= ${record.value(at)}`);
    // A claim left by a process that died goes with the draw.
    record.remove(['confirm_at']).remove(['confirm_by']).remove(['confirm_started_at']);
    await this.index.ensure();
    // The day is listed before the record can enter the date-index on it (outside the transaction).
    await this.index.markDay(day, draw.quality);
    const parts: TransactionPart<string>[] = [{ item: { Update: record.build(this.table, { distribution_id: draw.distribution_id }) }, reason: 'changed' }];
    if (draw.open_shard !== undefined) parts.push({ item: this.open.leaveItem(draw.distribution_id, draw.open_shard) });
    const outcome = await runTransaction(this.db, parts);
    if (!outcome.ok) {
      if ('busy' in outcome || 'inProgress' in outcome) throw Object.assign(new Error('the draw kept conflicting with other writes'), { name: 'ThrottlingException' });
      return undefined;
    }
    if (draw.open_shard === undefined) await this.leave({ id: draw.distribution_id, shard: undefined });
    return this.get(draw.distribution_id);
  }

  // ---- confirm ----------------------------------------------------------------------------------

  /**
   * Awards the link to the winner the pressed message showed (`shownVersion`), in one transaction:
   * the record `drawn → confirmed`, the link available → not, the winner off the list's waiting
   * ids and onto its winners, the member's counters, and the history markers. The award's time
   * and presser are claimed on the record first, so a retry (a lost answer, a restart, a second
   * press) sends the same transaction and awards at most once. The winner's eligibility is checked
   * on every attempt, on a consistent read whose join date the award's condition holds to. When
   * the outcome is unknown the record is read back before anything is said.
   */
  async confirm(id: string, by: string, shownVersion: number | undefined, origin: string): Promise<ConfirmResult> {
    const now = this.clock.now();
    let draw = await this.get(id);
    if (!draw) return { outcome: 'refused', reason: 'not_found', draw };
    const decision = decideConfirm(stateOf(draw), shownVersion, now);
    if (!decision.ok) {
      if (decision.reason === 'ended' && draw.status === 'confirmed') {
        // Awarded, maybe never announced (the read after the award failed): announce it now.
        if (!draw.announced_at) this.emit(draw, 'confirmed', origin);
        return { outcome: 'awarded', draw, repeated: true };
      }
      const refused = await this.refused(draw, decision, now, origin);
      return { outcome: 'refused', ...(refused as Extract<ChangeResult, { ok: false }>) };
    }

    const winner = await this.s.members.get(draw.winner_id!, true);
    if (!winner) return this.notAwarded(draw, 'member_removed', origin);
    const ineligible = this.ineligible(draw, winner, now);
    if (ineligible) return this.notAwarded(draw, ineligible, origin);
    if (!decision.retry) {
      const claimed = await this.claim(draw, by, now);
      if (!claimed) return this.explainConfirm(id, origin);
      draw = claimed;
    }

    const claim = draw.confirm!;
    let member: Member = winner;
    // The winner's item may change between the read and the award (their first counters or newest
    // links written by another award at the same moment): read it again, a bounded number of times.
    for (let attempt = 1; ; attempt++) {
      const derived = member.counters && member.recent ? undefined : await this.s.roster.history(member.discord_id);
      const parts = await this.awardParts(draw, claim, member, derived, now);
      let outcome;
      try {
        outcome = await runTransaction(this.db, parts, { token: transactionToken(parts) });
      } catch (error) {
        if (!isDynamoUnavailable(error)) throw error;
        return this.readBack(id, origin);
      }
      if (outcome.ok) {
        // Unread (the read failed): the sweep announces it, as it is still on the open-draw markers.
        const awarded = await this.get(id).catch(() => undefined);
        if (!awarded) return { outcome: 'unknown', draw };
        this.emit(awarded, 'confirmed', origin);
        return { outcome: 'awarded', draw: awarded, repeated: false };
      }
      // The same award is still being applied (a retry of a lost answer): read back once it may have settled.
      if ('inProgress' in outcome) return this.readBackSettled(id, origin);
      // Still conflicting after the retries: most often many draws of one link confirmed at once,
      // one of which has taken it. Say so when a consistent read shows it; otherwise "busy".
      if ('busy' in outcome) return this.notAwarded(draw, (await this.linkTakenElsewhere(draw)) ? 'link_gone' : 'busy', origin);
      const reasons = outcome.failed.map((f) => f.reason);
      if (reasons.includes('changed')) return this.readBack(id, origin);
      const list = outcome.failed.find((f) => f.reason === 'winner_served');
      if (reasons.includes('link_gone')) return this.notAwarded(draw, 'link_gone', origin);
      if (list) return this.notAwarded(draw, list.item && list.item.is_active !== 'true' ? 'list_closed' : 'winner_served', origin);
      if (!reasons.includes('member_changed')) return this.notAwarded(draw, 'busy', origin);
      const fresh = await this.s.members.get(draw.winner_id!, true);
      if (!fresh) return this.notAwarded(draw, 'member_removed', origin);
      const still = this.ineligible(draw, fresh, this.clock.now());
      if (still) return this.notAwarded(draw, still, origin);
      if (attempt === 3) return this.notAwarded(draw, 'busy', origin);
      member = fresh;
    }
  }

  private async linkTakenElsewhere(draw: Distribution): Promise<boolean> {
    const link = await this.s.inventory.get(draw.link_id, true).catch(() => 'unknown' as const);
    if (link === 'unknown') return false;
    return !link || (link.is_available !== 'true' && link.distribution_id !== draw.distribution_id);
  }

  /** Where the fairness window starts: what `fewest` counts, and what award logs keep. */
  private windowStart(now: Date): string {
    return new Date(now.getTime() - this.settings.fairnessWindowDays * 86_400_000).toISOString();
  }

  /** Why this member cannot be awarded this draw now (rank, attendance, away, a debt paid meanwhile), if they cannot. */
  private ineligible(draw: Distribution, member: Member, now: Date): Extract<AwardFailure, 'member_not_eligible' | 'member_away' | 'debt_paid'> | undefined {
    const rules = this.settings.attendance ?? DEFAULT_ATTENDANCE;
    if (ineligibility(member, draw.quality, this.settings.ranks, rules, now)) return 'member_not_eligible';
    // Inactive (misses in a row) leaves a member out of random picks, as away does; an officer may still name them.
    if (!draw.named && isInactive(member.attendance, rules)) return 'member_not_eligible';
    if (!draw.named && isAway(member, utcDay(now))) return 'member_away';
    if (draw.compensation_debt && !member.debts.some((d) => d.key === draw.compensation_debt)) return 'debt_paid';
    return undefined;
  }

  private async awardParts(draw: Distribution, claim: NonNullable<Distribution['confirm']>, winner: Member, derived: { counters: Counters; recent: RecentLink[] } | undefined, now: Date): Promise<TransactionPart<string>[]> {
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
    // Before the draw's expiry, or while its claim may still be in flight: never a claim found days later.
    record.condition(`${record.name('expires_at')} > ${record.value(now.toISOString())} OR ${record.name('confirm_started_at')} > ${record.value(new Date(now.getTime() - CONFIRM_IN_FLIGHT_MS).toISOString())}`);
    const parts: TransactionPart<string>[] = [
      { item: { Update: record.build(this.table, { distribution_id: draw.distribution_id }) }, reason: 'changed' },
      { item: this.s.inventory.awardItem(draw.link_id, draw.distribution_id), reason: 'link_gone' },
      { item: this.s.members.awardItem(winner, { id: draw.distribution_id, at: claim.at, quality: draw.quality, linkType: draw.link_type, today: day, skipIfAway: !draw.named, clearDebt: draw.compensation_debt as DebtKey | undefined, logSince: this.windowStart(now) }, derived), reason: 'member_changed' },
    ];
    if (draw.list_id) parts.push({ item: this.s.lists.awardItem(draw.list_id, draw.winner_id!), reason: 'winner_served' });
    // A want fulfilled leaves the winner's wants (awardItem) and its count, together.
    if (wantFulfilled(winner, draw.link_type).fulfilled) {
      await this.index.ensureWants();
      parts.push({ item: this.index.wantsItem([[draw.link_type, -1]]) });
    }
    // The day is listed before the award can enter the date-index on it (outside the transaction).
    await this.index.markDay(day, draw.quality);
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
      await this.update(update, draw.distribution_id);
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
      await this.update(release, draw.distribution_id).catch((error) => {
        if (!isConditionalCheckFailed(error)) throw error;
      });
      current = (await this.get(draw.distribution_id)) ?? draw;
      this.emit(current, 'released', origin);
    }
    return { outcome: 'not_awarded', reason, draw: current };
  }

  /**
   * After DynamoDB said the same award is still in progress: read the record back (consistently)
   * a few times, about 1.5 s in all, until it is no longer being confirmed; then say what it says.
   */
  private async readBackSettled(id: string, origin: string): Promise<ConfirmResult> {
    for (const ms of [100, 200, 400, 800]) {
      await new Promise((r) => setTimeout(r, ms));
      const draw = await this.get(id).catch(() => undefined);
      if (draw && !(draw.status === 'drawn' && draw.confirm)) break;
    }
    return this.readBack(id, origin);
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
    rerolls: draw.drawn_before.length,
    ...(draw.confirm ? { confirm: { at: draw.confirm.at, startedAt: draw.confirm.startedAt } } : {}),
  };
}

/** An item's size as DynamoDB counts it, closely enough to bill a write: names and values, in bytes. */
export function itemBytes(item: Record<string, unknown>): number {
  const size = (v: unknown): number => {
    if (typeof v === 'string') return Buffer.byteLength(v);
    if (typeof v === 'number') return 21;
    if (typeof v === 'boolean' || v === null || v === undefined) return 1;
    if (v instanceof Set) return [...v].reduce((n: number, x) => n + size(x), 0);
    if (Array.isArray(v)) return 3 + v.reduce((n: number, x) => n + 1 + size(x), 0);
    if (typeof v === 'object') return 3 + Object.entries(v as Record<string, unknown>).reduce((n, [k, x]) => n + 1 + Buffer.byteLength(k) + size(x), 0);
    return 0;
  };
  return Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + size(v), 0);
}
