/**
 * What every part of the draws service shares (src/services/draws.ts, draw-sweep.ts,
 * draw-confirm.ts): the services and settings, the record's single-item updates, how a draw ends
 * (cancelled or expired), how a refused change is explained, and the change events.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../domain/clock';
import { utcDay } from '../domain/dates';
import { decideReroll, CONFIRM_IN_FLIGHT_MS, statsFromAwards, type CandidateStats, type DrawState, type Refusal } from '../domain/draw';
import { DrawPools, type DrawPool } from './draw-pools';
import { OpenDraws } from './open-draws';
import { retrying } from './retrying';
import type { Quality } from '../domain/ranks';
import type { Distribution } from './distribution-record';
import { HistoryIndex, TOP_MARKER } from './history-index';
import type { CountedMember, Member } from './member-items';
import type { DrawChange, RecordChanges } from './changes';
import { runTransaction, type TransactionPart } from './transactions';
import { UpdateBuilder } from './update-builder';
import type { DrawServices, DrawSettings, ChangeResult } from './draw-types';

export class DrawCore {
  readonly index: HistoryIndex;
  readonly open: OpenDraws;
  readonly pools: DrawPools;

  constructor(
    readonly db: DynamoDBDocumentClient,
    readonly s: DrawServices,
    readonly settings: DrawSettings,
    readonly clock: Clock,
    readonly changes: RecordChanges,
  ) {
    this.index = s.distributions.index;
    this.open = new OpenDraws(db, s.distributions.tableName);
    this.pools = new DrawPools(db, s.distributions.tableName);
  }

  get table(): string {
    return this.s.distributions.tableName;
  }

  /** One single-item update, retried when a race refused it (src/services/retrying.ts). */
  update(u: UpdateBuilder, id: string, extra: { ReturnValues?: 'ALL_NEW' } = {}) {
    const command = new UpdateCommand({ ...u.build(this.table, { distribution_id: id }), ...extra });
    return retrying(() => this.db.send(command));
  }

  get(id: string, consistent = true): Promise<Distribution | undefined> {
    return this.s.distributions.get(id, consistent);
  }

  /** Each candidate's links of this quality in the fairness window, and the last one whenever it was. */
  async figuresFor(candidates: Member[], quality: Quality, now: Date): Promise<Map<string, CandidateStats>> {
    const since = this.windowStart(now);
    const counted: CountedMember[] = await this.s.roster.countedAll(candidates);
    return new Map(
      // The window counts for `fewest` only: `longest` reads the last link whenever it was.
      counted.map((m) => [m.discord_id, statsFromAwards(m.counters.awards[quality], since)]),
    );
  }

  /** The pool a draw was drawn from: its pool items, or the record itself for records kept whole. */
  async poolOf(draw: Distribution): Promise<DrawPool> {
    if (draw.pool_chunks) return this.pools.read(draw.distribution_id, draw.pool_chunks);
    return { pool: draw.pool, wanting: [], figures: new Map() };
  }

  /** Condition: no confirm claimed, or only one older than the in-flight time (a dead process's). */
  noLiveClaim(u: UpdateBuilder, now: Date): string {
    return `(attribute_not_exists(${u.name('confirm_at')}) OR ${u.name('confirm_started_at')} < ${u.value(new Date(now.getTime() - CONFIRM_IN_FLIGHT_MS).toISOString())})`;
  }

  async leave(entry: { id: string; shard: number | undefined }): Promise<void> {
    if (entry.shard !== undefined) return this.open.leave(entry.id, entry.shard);
    await retrying(() => this.db.send(new UpdateCommand(new UpdateBuilder().delete('open_draws', new Set([entry.id])).build(this.table, { distribution_id: TOP_MARKER }))));
  }

  /**
   * Ends a draw as cancelled or expired: the record enters the date-index on the day it ended
   * (so officers see it in guild-wide history) and leaves the open draws, in one transaction.
   * Undefined when the draw changed meanwhile (nothing written).
   */
  async end(draw: Distribution, status: 'cancelled' | 'expired', now: Date, by?: string): Promise<Distribution | undefined> {
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

  /** Where the fairness window starts: what `fewest` counts, and what award logs keep. */
  windowStart(now: Date): string {
    return new Date(now.getTime() - this.settings.fairnessWindowDays * 86_400_000).toISOString();
  }

  /**
   * A refused change; a press on an overdue draw marks it expired on the way. That change is not
   * the press's own (it answers only "expired"), so views follow it as they follow the sweep.
   */
  async refused(draw: Distribution, refusal: Refusal, now: Date, origin: string): Promise<Extract<ChangeResult, { ok: false }>> {
    if (refusal.reason === 'expired') {
      const ended = await this.end(draw, 'expired', now);
      if (ended) this.emit(ended, 'expired', `expired-on-press:${origin}`);
      return { ok: false, reason: 'expired', draw: ended ?? (await this.get(draw.distribution_id)) };
    }
    return { ok: false, ...refusal, draw };
  }

  /** A conditional write lost a race: read the draw again and say what changed. */
  async explainChange(id: string, shownVersion: number | undefined, now: Date, origin: string): Promise<ChangeResult> {
    const draw = await this.get(id);
    if (!draw) return { ok: false, reason: 'not_found', draw };
    const refusal = await this.refusalOf(draw, shownVersion, now);
    if (refusal.reason === 'expired') return this.refused(draw, refusal, now, origin);
    return { ok: false, ...refusal, draw };
  }

  async refusalOf(draw: Distribution | undefined, shownVersion: number | undefined, now: Date): Promise<Refusal | { reason: 'not_found' }> {
    if (!draw) return { reason: 'not_found' };
    const decision = decideReroll(stateOf(draw), shownVersion, now);
    if (!decision.ok) return decision;
    return { reason: 'changed', version: draw.version };
  }

  emit(draw: Distribution, change: DrawChange, origin: string): void {
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
