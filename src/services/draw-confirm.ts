/**
 * Confirm (src/services/draws.ts): the award of an open draw to the winner shown, in one
 * transaction, claimed first so that a retry awards at most once, and read back when the outcome
 * is unknown.
 */
import { utcDay } from '../domain/dates';
import { decideConfirm, CONFIRM_IN_FLIGHT_MS } from '../domain/draw';
import { isAway } from '../domain/ranks';
import { DEFAULT_ATTENDANCE, ineligibility, isInactive, type DebtKey } from '../domain/attendance';
import type { Distribution } from './distribution-record';
import { isDynamoUnavailable, isConditionalCheckFailed } from './errors';
import { wantFulfilled } from './member-awards';
import type { Counters, Member, RecentLink } from './member-items';
import { runTransaction, transactionToken, type TransactionPart } from './transactions';
import { UpdateBuilder } from './update-builder';
import type { AwardFailure, ChangeResult, ConfirmResult } from './draw-types';
import { stateOf, type DrawCore } from './draw-core';

export class DrawConfirm {
  constructor(private readonly core: DrawCore) {}

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
    const now = this.core.clock.now();
    let draw = await this.core.get(id);
    if (!draw) return { outcome: 'refused', reason: 'not_found', draw };
    const decision = decideConfirm(stateOf(draw), shownVersion, now);
    if (!decision.ok) {
      if (decision.reason === 'ended' && draw.status === 'confirmed') {
        // Awarded, maybe never announced (the read after the award failed): announce it now.
        if (!draw.announced_at) this.core.emit(draw, 'confirmed', origin);
        return { outcome: 'awarded', draw, repeated: true };
      }
      const refused = await this.core.refused(draw, decision, now, origin);
      return { outcome: 'refused', ...(refused as Extract<ChangeResult, { ok: false }>) };
    }

    const winner = await this.core.s.members.get(draw.winner_id!, true);
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
      const derived = member.counters && member.recent ? undefined : await this.core.s.roster.history(member.discord_id);
      const parts = await this.awardParts(draw, claim, member, derived, now);
      let outcome;
      try {
        outcome = await runTransaction(this.core.db, parts, { token: transactionToken(parts) });
      } catch (error) {
        if (!isDynamoUnavailable(error)) throw error;
        return this.readBack(id, origin);
      }
      if (outcome.ok) {
        // Unread (the read failed): the sweep announces it, as it is still on the open-draw markers.
        const awarded = await this.core.get(id).catch(() => undefined);
        if (!awarded) return { outcome: 'unknown', draw };
        this.core.emit(awarded, 'confirmed', origin);
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
      const fresh = await this.core.s.members.get(draw.winner_id!, true);
      if (!fresh) return this.notAwarded(draw, 'member_removed', origin);
      const still = this.ineligible(draw, fresh, this.core.clock.now());
      if (still) return this.notAwarded(draw, still, origin);
      if (attempt === 3) return this.notAwarded(draw, 'busy', origin);
      member = fresh;
    }
  }

  private async linkTakenElsewhere(draw: Distribution): Promise<boolean> {
    const link = await this.core.s.inventory.get(draw.link_id, true).catch(() => 'unknown' as const);
    if (link === 'unknown') return false;
    return !link || (link.is_available !== 'true' && link.distribution_id !== draw.distribution_id);
  }

  /** Why this member cannot be awarded this draw now (rank, attendance, away, a debt paid meanwhile), if they cannot. */
  private ineligible(draw: Distribution, member: Member, now: Date): Extract<AwardFailure, 'member_not_eligible' | 'member_away' | 'debt_paid'> | undefined {
    const rules = this.core.settings.attendance ?? DEFAULT_ATTENDANCE;
    if (ineligibility(member, draw.quality, this.core.settings.ranks, rules, now)) return 'member_not_eligible';
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
      { item: { Update: record.build(this.core.table, { distribution_id: draw.distribution_id }) }, reason: 'changed' },
      { item: this.core.s.inventory.awardItem(draw.link_id, draw.distribution_id), reason: 'link_gone' },
      { item: this.core.s.members.awardItem(winner, { id: draw.distribution_id, at: claim.at, quality: draw.quality, linkType: draw.link_type, today: day, skipIfAway: !draw.named, clearDebt: draw.compensation_debt as DebtKey | undefined, logSince: this.core.windowStart(now) }, derived), reason: 'member_changed' },
    ];
    if (draw.list_id) parts.push({ item: this.core.s.lists.awardItem(draw.list_id, draw.winner_id!), reason: 'winner_served' });
    // A want fulfilled leaves the winner's wants (awardItem) and its count, together.
    if (wantFulfilled(winner, draw.link_type).fulfilled) {
      await this.core.index.ensureWants();
      parts.push({ item: this.core.index.wantsItem([[draw.link_type, -1]]) });
    }
    // The day is listed before the award can enter the date-index on it (outside the transaction).
    await this.core.index.markDay(day, draw.quality);
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
      await this.core.update(update, draw.distribution_id);
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
      await this.core.update(release, draw.distribution_id).catch((error) => {
        if (!isConditionalCheckFailed(error)) throw error;
      });
      current = (await this.core.get(draw.distribution_id)) ?? draw;
      this.core.emit(current, 'released', origin);
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
      const draw = await this.core.get(id).catch(() => undefined);
      if (draw && !(draw.status === 'drawn' && draw.confirm)) break;
    }
    return this.readBack(id, origin);
  }

  /** After a lost answer: what the record says now. */
  private async readBack(id: string, origin: string): Promise<ConfirmResult> {
    let draw: Distribution | undefined;
    try {
      draw = await this.core.get(id);
    } catch (error) {
      if (isDynamoUnavailable(error)) return { outcome: 'unknown', draw: undefined };
      throw error;
    }
    if (draw?.status === 'confirmed') {
      this.core.emit(draw, 'confirmed', origin);
      return { outcome: 'awarded', draw, repeated: false };
    }
    if (draw?.status === 'drawn' && draw.confirm) return { outcome: 'unknown', draw };
    return { outcome: 'refused', ...((await this.core.refusalOf(draw, undefined, this.core.clock.now())) as { reason: 'ended'; status: Distribution['status'] }), draw };
  }

  private async explainConfirm(id: string, origin: string): Promise<ConfirmResult> {
    const result = await this.core.explainChange(id, undefined, this.core.clock.now(), origin);
    if (result.ok) return { outcome: 'refused', reason: 'changed', version: result.draw.version, draw: result.draw };
    if (result.reason === 'ended' && result.draw?.status === 'confirmed') return { outcome: 'awarded', draw: result.draw, repeated: true };
    return { outcome: 'refused', ...result };
  }
}
