/**
 * The announcement of awards and the sweep (src/services/draws.ts): an award is announced once
 * (claimed, done or given back), and every minute overdue open draws are expired and awards left
 * unannounced are announced again.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { HISTORY_TOP, readItem } from '../db/schema';
import { decideExpire } from '../domain/draw';
import type { OpenEntry } from './open-draws';
import { retrying } from './retrying';
import type { Distribution } from './distribution-record';
import { isConditionalCheckFailed } from './errors';
import { TOP_MARKER } from './history-index';
import { UpdateBuilder } from './update-builder';
import { stateOf, type DrawCore } from './draw-core';

/** An announcement claimed longer ago than this was left by a process that died: the sweep claims it again. */
export const ANNOUNCE_IN_FLIGHT_MS = 60_000;
/** An award still unannounced this long after it was made is given up on (and leaves the open-draw markers). */
export const ANNOUNCE_GIVE_UP_MS = 24 * 3_600_000;

export class DrawSweep {
  constructor(private readonly core: DrawCore) {}

  /**
   * Claims the announcement of an award (the channel post and the message edit): true for one
   * caller at a time, so a confirm seen twice (a retried transaction, two processes, the sweep)
   * is announced once. A claim left by a process that died is claimed again after
   * ANNOUNCE_IN_FLIGHT_MS; `announced()` ends it, `announceFailed()` gives it back.
   */
  async claimAnnouncement(id: string): Promise<boolean> {
    const now = this.core.clock.now();
    const update = new UpdateBuilder().set(['announce_claimed_at'], now.toISOString());
    update.condition(
      `${update.name('status')} = ${update.value('confirmed')} AND attribute_not_exists(${update.name('announced_at')}) AND (attribute_not_exists(${update.name('announce_claimed_at')}) OR ${update.name('announce_claimed_at')} < ${update.value(new Date(now.getTime() - ANNOUNCE_IN_FLIGHT_MS).toISOString())})`,
    );
    try {
      await this.core.update(update, id);
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** The award has been announced: recorded on it, and it leaves the open-draw markers. */
  async announced(draw: Distribution): Promise<void> {
    const update = new UpdateBuilder().set(['announced_at'], this.core.clock.now().toISOString()).remove(['announce_claimed_at']);
    update.condition(`attribute_exists(${update.name('distribution_id')})`);
    await this.core.update(update, draw.distribution_id);
    if (draw.open_shard !== undefined) await this.core.open.leave(draw.distribution_id, draw.open_shard);
  }

  /** The announcement failed: the claim is given back, and the sweep tries again. */
  async announceFailed(id: string): Promise<void> {
    const update = new UpdateBuilder().remove(['announce_claimed_at']);
    update.condition(`attribute_not_exists(${update.name('announced_at')})`);
    await this.core.update(update, id).catch((error) => {
      if (!isConditionalCheckFailed(error)) throw error;
    });
  }

  /**
   * The sweep (start-up and every minute): reads the open-draw markers and their records, both
   * strongly consistently; marks every overdue open draw expired; announces awards left
   * unannounced (a process that died, a read that failed after the award); and takes off the
   * markers only the ids whose records it read as ended (and announced). Returns the draws it expired.
   */
  async expireOverdue(origin = 'sweep'): Promise<Distribution[]> {
    const now = this.core.clock.now();
    const entries: (OpenEntry | { id: string; shard: undefined })[] = [...(await this.core.open.list()), ...(await this.legacyOpen()).map((id) => ({ id, shard: undefined }))];
    if (!entries.length) return [];
    const records = new Map((await this.core.s.distributions.getMany(entries.map((e) => e.id), { consistent: true })).map((d) => [d.distribution_id, d]));
    const expired: Distribution[] = [];
    for (const entry of entries) {
      const draw = records.get(entry.id);
      // The record and its entry are written in one transaction, and this read is consistent: an
      // entry without a record never gets one.
      if (!draw) {
        await this.core.leave(entry);
        continue;
      }
      if (draw.status === 'drawn') {
        if (!decideExpire(stateOf(draw), now).ok) continue;
        const ended = await this.core.end(draw, 'expired', now);
        if (ended) {
          expired.push(ended);
          this.core.emit(ended, 'expired', origin);
        }
        continue;
      }
      if (draw.status === 'confirmed' && !draw.announced_at && entry.shard !== undefined) {
        const age = now.getTime() - Date.parse(draw.distributed_at ?? draw.drawn_at ?? now.toISOString());
        if (age < ANNOUNCE_GIVE_UP_MS) {
          // Announced by the follower (claimAnnouncement makes it once); it then leaves the markers.
          const claimedAt = draw.announce_claimed_at ? Date.parse(draw.announce_claimed_at) : undefined;
          if (claimedAt === undefined || now.getTime() - claimedAt >= ANNOUNCE_IN_FLIGHT_MS) this.core.emit(draw, 'confirmed', origin);
          continue;
        }
      }
      await this.core.leave(entry);
    }
    return expired;
  }

  /** Draws opened before the open-draw markers existed, still listed on `#history` (until the sweep ends them). */
  private async legacyOpen(): Promise<string[]> {
    const { Item } = await retrying(() => this.core.db.send(new GetCommand({ TableName: this.core.table, Key: { distribution_id: TOP_MARKER }, ProjectionExpression: 'open_draws', ConsistentRead: true })));
    return [...(readItem(HISTORY_TOP, Item).open_draws ?? [])];
  }
}
