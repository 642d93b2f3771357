/**
 * The draw as a stored record (docs/architecture.md, "A draw's life"): drawn, rerolled, cancelled,
 * expired and confirmed by conditional writes on its record, so what every view shows is what the
 * record holds, across presses, officers, processes and restarts. Discord and the web call the same
 * methods; each change is announced to listeners (the Discord view edits the draw's message from
 * it).
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock';
import { utcDay } from '../domain/dates';
import { decideCancel, decideReroll, DRAW_TTL_MS, pickWinner, candidatesFor, type CandidateStats, type DrawPolicy } from '../domain/draw';
import { DrawPools, type DrawPool } from './draw-pools';
import { OpenDraws } from './open-draws';
import { standingOf } from '../domain/ranks';
import { DEFAULT_ATTENDANCE, debtFor, drawExclusion, ineligibility, owedFirst } from '../domain/attendance';
import { readDistribution, type Distribution } from './distribution-record';
import { isConditionalCheckFailed } from './errors';
import type { Link } from './inventory';
import type { DistributionList } from './lists';
import type { Member } from './member-items';
import type { ChangeListener, RecordChanges } from './changes';
import { runTransaction } from './transactions';
import { UpdateBuilder } from './update-builder';
import { DISTRIBUTION, writeItem } from '../db/schema';
import type { ChangeResult, ConfirmResult, DrawServices, DrawSettings, StartDraw, StartRefusal } from './draw-types';
import { DrawCore, stateOf } from './draw-core';
import { DrawConfirm } from './draw-confirm';
import { DrawSweep } from './draw-sweep';

export class DrawsService {
  readonly open: OpenDraws;
  readonly pools: DrawPools;
  private readonly core: DrawCore;
  private readonly sweep: DrawSweep;
  private readonly confirming: DrawConfirm;

  constructor(db: DynamoDBDocumentClient, s: DrawServices, settings: DrawSettings, clock: Clock, changes: RecordChanges) {
    this.core = new DrawCore(db, s, settings, clock, changes);
    this.open = this.core.open;
    this.pools = this.core.pools;
    this.sweep = new DrawSweep(this.core);
    this.confirming = new DrawConfirm(this.core);
  }

  /** Listen to every change of every record (e.g. to edit a draw's Discord message). Returns an unsubscribe. */
  onChange(listener: ChangeListener): () => void {
    return this.core.changes.listen(listener);
  }

  /** Claims the announcement of an award (src/services/draw-sweep.ts): true for one caller at a time. */
  claimAnnouncement(id: string): Promise<boolean> {
    return this.sweep.claimAnnouncement(id);
  }

  /** The award has been announced: recorded on it, and it leaves the open-draw markers. */
  announced(draw: Distribution): Promise<void> {
    return this.sweep.announced(draw);
  }

  /** The announcement failed: the claim is given back, and the sweep tries again. */
  announceFailed(id: string): Promise<void> {
    return this.sweep.announceFailed(id);
  }

  get(id: string, consistent = true): Promise<Distribution | undefined> {
    return this.core.get(id, consistent);
  }

  /** The open draws, newest first, read strongly consistently from the open-draw markers. */
  async openDraws(): Promise<Distribution[]> {
    const entries = await this.open.list();
    const records = await this.core.s.distributions.getMany(entries.map((e) => e.id), { consistent: true });
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
    const now = this.core.clock.now();
    const today = utcDay(now);
    // The link, the list and the roster do not depend on each other: one round trip, not three
    // (a refused draw reads the roster for nothing, a rare cost against every draw's wait).
    const [link, list, roster] = await Promise.all([
      this.core.s.inventory.oldestAvailable(input.quality, input.linkType),
      input.listId ? this.core.s.lists.get(input.listId, true) : this.core.s.lists.findActive(input.quality),
      this.core.s.members.listAll(),
    ]);
    if (!link) return { ok: false, reason: 'no_stock' };
    if (input.listId) {
      if (!list) return { ok: false, reason: 'list_not_found' };
      if (list.is_active !== 'true') return { ok: false, reason: 'list_closed', list };
      if (list.quality !== input.quality) return { ok: false, reason: 'list_wrong_quality', list };
    }

    const byId = new Map(roster.map((m) => [m.discord_id, m]));
    const considered = list ? list.eligible_members.map((id) => byId.get(id)).filter((m): m is Member => m !== undefined) : roster;
    const attendance = this.core.settings.attendance ?? DEFAULT_ATTENDANCE;
    const leftOut = { away: 0, too_new: 0, unreadable: 0, ...(attendance.required ? { attendance: 0, inactive: 0 } : {}) };
    const pool: Member[] = [];
    for (const m of considered) {
      const reason = drawExclusion(m, input.quality, this.core.settings.ranks, attendance, now);
      if (reason) leftOut[reason] = (leftOut[reason] ?? 0) + 1;
      else pool.push(m);
    }

    const policy = input.policy ?? this.core.settings.defaultPolicy;
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
      const member = byId.get(input.memberId) ?? (await this.core.s.members.get(input.memberId, true));
      if (!member) return { ok: false, reason: 'named_not_on_roster' };
      const standing = standingOf(member, this.core.settings.ranks, today);
      if (!standing.eligibleFor.includes(input.quality) || (standing.daysInGuild === null && !member.is_officer) || ineligibility(member, input.quality, this.core.settings.ranks, attendance, now)) return { ok: false, reason: 'named_not_eligible', member };
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
      figures = policy === 'uniform' ? new Map() : await this.core.figuresFor(pool, input.quality, now);
      const pick = pickWinner({ pool: ids, wanting: new Set(wanting), policy, stats: figures, exclude: new Set() });
      if (!pick) return { ok: false, reason: 'nobody', list };
      winner = byId.get(pick.winnerId)!;
    }

    const id = `dist_${randomUUID()}`;
    const drawPool: DrawPool = { pool: pool.map((m) => m.discord_id), wanting, figures };
    // The pool first: a record never points at pool items that are not there.
    await this.pools.write(id, drawPool);
    await this.core.index.ensure();
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
    this.core.emit(started, 'started', origin);
    return { ok: true, draw: started };
  }

  /** Writes a new record and its place on an open-draw marker; undefined when every marker is full, 'busy' when conflicts kept it from being written. */
  private async writeRecord(id: string, record: (shard: number) => Record<string, unknown>): Promise<Distribution | 'busy' | undefined> {
    for (const shard of OpenDraws.shardOrder()) {
      const draw = record(shard);
      const outcome = await runTransaction(this.core.db, [
        { item: { Put: { TableName: this.core.table, Item: draw, ConditionExpression: 'attribute_not_exists(distribution_id)' } }, reason: 'exists' },
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
    return writeItem(DISTRIBUTION, {
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
    });
  }

  /** Where the draw's message is, once it has been posted. */
  /**
   * Records where the draw's message is, and returns the record as it now stands: a change made
   * before this (a press on the web, the sweep) found no message to edit, so the caller shows it.
   */
  async setMessage(id: string, channelId: string, messageId: string): Promise<Distribution> {
    const { Attributes } = await this.core.update(new UpdateBuilder().set(['channel_id'], channelId).set(['message_id'], messageId).condition('attribute_exists(distribution_id)'), id, { ReturnValues: 'ALL_NEW' });
    return readDistribution(Attributes ?? {});
  }

  // ---- reroll, cancel, expire -------------------------------------------------------------------

  /** Draws again among those not yet drawn; the rerolled winner is recorded first. */
  async reroll(id: string, by: string, shownVersion: number | undefined, origin: string): Promise<ChangeResult> {
    const now = this.core.clock.now();
    const draw = await this.get(id);
    if (!draw) return { ok: false, reason: 'not_found', draw };
    const decision = decideReroll(stateOf(draw), shownVersion, now);
    if (!decision.ok) return this.core.refused(draw, decision, now, origin);

    const drawn = await this.core.poolOf(draw);
    const exclude = new Set([...draw.drawn_before, draw.winner_id!]);
    let figures = drawn.figures;
    const tier = candidatesFor({ pool: drawn.pool, wanting: new Set(drawn.wanting), policy: 'uniform', stats: new Map(), exclude }).among;
    if (draw.policy && draw.policy !== 'uniform' && tier.some((m) => !figures.has(m))) {
      // A record kept whole before pool items had figures for the wanting members only.
      const members = (await Promise.all(tier.filter((m) => !figures.has(m)).map((m) => this.core.s.members.get(m)))).filter((m): m is Member => m !== undefined);
      figures = new Map([...figures, ...(await this.core.figuresFor(members, draw.quality, now))]);
    }
    // A compensation draw goes on in the order owed (oldest debt first).
    const owedNext = draw.compensation !== undefined ? drawn.pool.find((m) => !exclude.has(m)) : undefined;
    const pick = draw.compensation !== undefined ? (owedNext ? { winnerId: owedNext } : null) : pickWinner({ pool: drawn.pool, wanting: new Set(drawn.wanting), policy: draw.policy ?? 'uniform', stats: figures, exclude });
    if (!pick) return { ok: false, reason: 'exhausted', draw };
    // Consistent: a compensation draw names the debt the next winner is owed, as it is now.
    const next = await this.core.s.members.get(pick.winnerId, draw.compensation !== undefined);

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
    u.condition(`${u.name('status')} = ${u.value('drawn')} AND ${u.name('version')} = ${u.value(draw.version)} AND ${this.core.noLiveClaim(u, now)} AND ${u.name('expires_at')} > ${u.value(now.toISOString())}`);
    let changed: Distribution;
    try {
      const { Attributes } = await this.core.update(u, id, { ReturnValues: 'ALL_NEW' });
      changed = readDistribution(Attributes ?? {});
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return this.core.explainChange(id, shownVersion, now, origin);
    }
    this.core.emit(changed, 'rerolled', origin);
    return { ok: true, draw: changed };
  }

  /** Ends an open draw: nobody is awarded, and the record stays with its pool and rerolls. */
  async cancel(id: string, by: string, origin: string): Promise<ChangeResult> {
    const now = this.core.clock.now();
    const draw = await this.get(id);
    if (!draw) return { ok: false, reason: 'not_found', draw };
    const decision = decideCancel(stateOf(draw), now);
    if (!decision.ok) return this.core.refused(draw, decision, now, origin);
    const ended = await this.core.end(draw, 'cancelled', now, by);
    if (!ended) return this.core.explainChange(id, undefined, now, origin);
    this.core.emit(ended, 'cancelled', origin);
    return { ok: true, draw: ended };
  }

  /** The sweep (src/services/draw-sweep.ts): expires overdue open draws, announces awards left unannounced. Returns the draws it expired. */
  expireOverdue(origin = 'sweep'): Promise<Distribution[]> {
    return this.sweep.expireOverdue(origin);
  }

  // ---- confirm ----------------------------------------------------------------------------------

  /** Awards the link to the winner the pressed message showed (src/services/draw-confirm.ts). */
  confirm(id: string, by: string, shownVersion: number | undefined, origin: string): Promise<ConfirmResult> {
    return this.confirming.confirm(id, by, shownVersion, origin);
  }
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
