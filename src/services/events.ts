/**
 * Attendance events (docs/attendance.md), kept in the lists table beside the lists: an event item
 * (`event#<uuid>`) and one head item (`events#head`). Neither carries `is_active` or `quality`, so
 * neither is in `active-quality-index`. Bounds: an event's present, absent and excused sets are
 * bounded by the roster; `earlier` holds at most EVENTS_PAGE ids; the head holds the EVENTS_PAGE
 * newest ids and at most MAX_OPEN_EVENTS open ones. Events are listed newest first by following
 * `earlier`, one batch read a page, never by a scan.
 *
 * Closing an event writes each member's attendance: `closing` (the roll fixed on the event), then
 * the members (each write idempotent), then `closed`. A close that stops half-way is finished by
 * the next close or sweep, which writes the same thing again.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../db/requests';
import { afterEvent, closingRoll, type Attendance, type AttendanceRules, type EventKind } from '../domain/attendance';
import type { Clock } from '../domain/clock';
import { isConditionalCheckFailed } from './errors';
import { EVENTS_HEAD, readItem } from '../db/schema';
import { EVENT_ID_PREFIX, EVENTS_HEAD_ID, EVENTS_PAGE, MAX_OPEN_EVENTS, readEvent, toItem, type EventResult, type GuildEvent } from './event-items';
import type { Member } from './member-items';
import type { MembersService } from './members';
import { isPossibleKey, type ReadOptions } from './pagination';
import { runTransaction } from './transactions';

/** Member writes of a close in flight at once. */
const CLOSE_CONCURRENCY = 8;

export class EventsService {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly members: MembersService,
    private readonly rules: AttendanceRules,
    private readonly clock: Clock,
  ) {}

  async get(eventId: string, consistent = false, { signal }: ReadOptions = {}): Promise<GuildEvent | undefined> {
    if (!eventId.startsWith(EVENT_ID_PREFIX) || !isPossibleKey(eventId)) return undefined;
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { list_id: eventId }, ConsistentRead: consistent }), { abortSignal: signal });
    return Item && Item.record_type === 'event' ? readEvent(Item) : undefined;
  }

  private async head(consistent: boolean, signal?: AbortSignal): Promise<{ recent: string[]; open: string[]; version: number }> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { list_id: EVENTS_HEAD_ID }, ConsistentRead: consistent }), { abortSignal: signal });
    const stored = readItem(EVENTS_HEAD, Item);
    return { recent: stored.recent ?? [], open: [...(stored.open ?? [])], version: stored.version ?? 0 };
  }

  /** Starts an event: check-in open for the configured hours. */
  async start(input: { kind: EventKind; name?: string; by: string }, now = this.clock.now()): Promise<EventResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const head = await this.head(true);
      if (head.open.length >= MAX_OPEN_EVENTS) return { ok: false, reason: 'too_many_open' };
      const event: GuildEvent = {
        event_id: `${EVENT_ID_PREFIX}${randomUUID()}`,
        kind: input.kind,
        ...(input.name ? { name: input.name } : {}),
        started_by: input.by,
        started_at: now.toISOString(),
        closes_at: new Date(now.getTime() + this.rules.checkinHours * 3_600_000).toISOString(),
        status: 'open',
        present: [],
        absent: [],
        excused: [],
        earlier: head.recent.slice(0, EVENTS_PAGE),
        version: 1,
      };
      const outcome = await runTransaction(this.db, [
        { item: { Put: { TableName: this.tableName, Item: toItem(event), ConditionExpression: 'attribute_not_exists(list_id)' } }, reason: 'exists' },
        {
          // The head as read: two events started at once both land, one after the other.
          item: {
            Update: {
              TableName: this.tableName,
              Key: { list_id: EVENTS_HEAD_ID },
              UpdateExpression: 'SET recent = :recent, version = :next ADD #open :id',
              ConditionExpression: head.version ? 'version = :seen' : 'attribute_not_exists(version)',
              ExpressionAttributeNames: { '#open': 'open' },
              ExpressionAttributeValues: { ':recent': [event.event_id, ...head.recent].slice(0, EVENTS_PAGE), ':next': head.version + 1, ':id': new Set([event.event_id]), ...(head.version ? { ':seen': head.version } : {}) },
            },
          },
          reason: 'head_changed',
        },
      ]);
      if (outcome.ok) return { ok: true, event };
    }
    return { ok: false, reason: 'busy' };
  }

  /** Newest first: the first page from the head, the next ones from the last event shown. */
  async page(cursor: string | undefined, options: ReadOptions = {}): Promise<{ events: GuildEvent[]; cursor?: string }> {
    let ids: string[];
    if (cursor) {
      const from = await this.get(cursor, false, options);
      if (!from) return { events: [] };
      ids = from.earlier;
    } else ids = (await this.head(false, options.signal)).recent;
    const events = await this.getMany(ids.slice(0, EVENTS_PAGE), options);
    const last = events[events.length - 1];
    return { events, ...(last && last.earlier.length ? { cursor: last.event_id } : {}) };
  }

  /** The newest event (for commands that name none). */
  async newest(): Promise<GuildEvent | undefined> {
    const { recent } = await this.head(true);
    return recent.length ? this.get(recent[0], true) : undefined;
  }

  async setMessage(eventId: string, channelId: string, messageId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { list_id: eventId },
        UpdateExpression: 'SET channel_id = :c, message_id = :m',
        ConditionExpression: 'attribute_exists(list_id)',
        ExpressionAttributeValues: { ':c': channelId, ':m': messageId },
      }),
    );
  }

  /**
   * Marks a roster member present (`present` true) or not. While check-in is open only the event
   * changes; once closed, the member's attendance is corrected with it.
   */
  async mark(eventId: string, memberId: string, present: boolean, now = this.clock.now()): Promise<EventResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const [event, member] = await Promise.all([this.get(eventId, true), this.members.get(memberId, true)]);
      if (!event) return { ok: false, reason: 'not_found' };
      if (!member) return { ok: false, reason: 'not_on_roster', event };
      if (event.status === 'open' && event.closes_at <= now.toISOString()) {
        await this.close(eventId, 'sweep', now);
        continue;
      }
      if (event.present.includes(memberId) === present) return { ok: false, reason: 'already', event };
      if (event.status === 'closing') await this.finish(event, now);
      const result = event.status === 'open' ? await this.markOpen(event, memberId, present, now) : await this.correct(event, member, present, now);
      if (result) return { ok: true, event: result };
    }
    return { ok: false, reason: 'busy' };
  }

  /** A member checks themself in; only while check-in is open. */
  async checkIn(eventId: string, memberId: string, now = this.clock.now()): Promise<EventResult> {
    const [event, member] = await Promise.all([this.get(eventId, true), this.members.get(memberId, true)]);
    if (!event) return { ok: false, reason: 'not_found' };
    if (!member) return { ok: false, reason: 'not_on_roster', event };
    if (event.status !== 'open' || event.closes_at <= now.toISOString()) return { ok: false, reason: 'closed', event };
    if (event.present.includes(memberId)) return { ok: false, reason: 'already', event };
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = attempt === 0 ? event : await this.get(eventId, true);
      if (!current || current.status !== 'open' || current.closes_at <= now.toISOString()) return { ok: false, reason: 'closed', event: current };
      if (current.present.includes(memberId)) return { ok: false, reason: 'already', event: current };
      const changed = await this.markOpen(current, memberId, true, now);
      if (changed) return { ok: true, event: changed };
    }
    return { ok: false, reason: 'busy' };
  }

  private async markOpen(event: GuildEvent, memberId: string, present: boolean, now: Date): Promise<GuildEvent | undefined> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { list_id: event.event_id },
          UpdateExpression: `${present ? 'ADD' : 'DELETE'} present :m SET version = version + :one`,
          // Only while open and before check-in ends: a check-in never lands after the close's roll.
          // Check-ins commute (a set), so a burst of them never waits on each other; each moves the
          // version, which the close's roll is conditioned on.
          ConditionExpression: '#status = :open AND closes_at > :now',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':m': new Set([memberId]), ':one': 1, ':open': 'open', ':now': now.toISOString() },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? readEvent(Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  /** A correction after the close: the event's roll and the member's attendance, each as read. */
  private async correct(event: GuildEvent, member: Member, present: boolean, now: Date): Promise<GuildEvent | undefined> {
    const id = member.discord_id;
    const next = afterEvent(withoutEvent(member, event), { id: event.event_id, kind: event.kind, at: event.started_at }, present, this.rules, now).attendance;
    const from = event.absent.includes(id) ? 'absent' : event.excused.includes(id) ? 'excused' : undefined;
    const remove = present ? (from ? `DELETE ${from} :m` : '') : 'DELETE present :m';
    const add = present ? 'ADD present :m' : 'ADD absent :m';
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { list_id: event.event_id },
          UpdateExpression: `${add} ${remove} SET version = version + :one`.replace(/\s+/g, ' '),
          ConditionExpression: '#status = :closed AND version = :seen',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':m': new Set([id]), ':one': 1, ':closed': 'closed', ':seen': event.version },
          ReturnValues: 'ALL_NEW',
        }),
      );
      // The member follows; a member who changed meanwhile is read again (bounded).
      let current: Member | undefined = member;
      for (let attempt = 0; current && attempt < 3; attempt++) {
        const wanted = attempt === 0 ? next : afterEvent(withoutEvent(current, event), { id: event.event_id, kind: event.kind, at: event.started_at }, present, this.rules, now).attendance;
        const written = await this.members.writeAttendance(current, wanted, now);
        if (written !== 'changed') break;
        current = await this.members.get(id, true);
      }
      return Attributes ? readEvent(Attributes) : undefined;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  /**
   * Closes check-in: every roster member is present, absent or excused (away that day), and each
   * one's attendance is written. `by` 'sweep' closes only an event whose check-in time is over.
   */
  async close(eventId: string, by: string, now = this.clock.now()): Promise<EventResult> {
    const event = await this.get(eventId, true);
    if (!event) return { ok: false, reason: 'not_found' };
    if (event.status === 'closed') return { ok: false, reason: 'closed', event };
    if (event.status === 'closing') return { ok: true, event: await this.finish(event, now) };
    if (by === 'sweep' && event.closes_at > now.toISOString()) return { ok: false, reason: 'busy', event };
    const roster = await this.members.listAll(100, true);
    const roll = closingRoll(roster, new Set(event.present), now.toISOString().slice(0, 10));
    let closing: GuildEvent;
    try {
      const values: Record<string, unknown> = { ':closing': 'closing', ':open': 'open', ':seen': event.version, ':at': now.toISOString(), ':by': by, ':one': 1 };
      const set = ['#status = :closing', 'closed_at = :at', 'closed_by = :by', 'version = version + :one'];
      const remove: string[] = [];
      // Empty sets cannot be stored: an empty part of the roll is no attribute.
      for (const part of ['present', 'absent', 'excused'] as const) {
        if (roll[part].length) {
          set.push(`${part} = :${part}`);
          values[`:${part}`] = new Set(roll[part]);
        } else remove.push(part);
      }
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { list_id: eventId },
          UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
          // The roll is of the event as read: a check-in meanwhile makes the close read again.
          ConditionExpression: '#status = :open AND version = :seen',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      closing = readEvent(Attributes ?? {});
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const again = await this.get(eventId, true);
      if (again?.status === 'open') return this.close(eventId, by, now);
      if (again?.status === 'closing') return { ok: true, event: await this.finish(again, now, roster) };
      return { ok: false, reason: 'closed', event: again };
    }
    return { ok: true, event: await this.finish(closing, now, roster) };
  }

  /** Writes every member's attendance for a closing event (again, harmlessly, after a crash), then marks it closed. */
  private async finish(event: GuildEvent, now: Date, roster?: readonly Member[]): Promise<GuildEvent> {
    const byId = new Map((roster ?? (await this.members.listAll(100, true))).map((m) => [m.discord_id, m]));
    const info = { id: event.event_id, kind: event.kind, at: event.started_at };
    const work = [...event.present.map((id) => [id, true] as const), ...event.absent.map((id) => [id, false] as const)];
    let next = 0;
    const worker = async () => {
      while (next < work.length) {
        const [id, present] = work[next++];
        let member = byId.get(id);
        for (let attempt = 0; member && attempt < 5; attempt++) {
          const outcome = await this.members.applyEvent(member, info, present, this.rules, now);
          if (outcome !== 'changed') break;
          member = await this.members.get(id, true);
        }
      }
    };
    await Promise.all(Array.from({ length: CLOSE_CONCURRENCY }, worker));
    const outcome = await runTransaction(this.db, [
      {
        item: {
          Update: {
            TableName: this.tableName,
            Key: { list_id: event.event_id },
            UpdateExpression: 'SET #status = :closed, version = version + :one',
            ConditionExpression: '#status = :closing',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':closed': 'closed', ':closing': 'closing', ':one': 1 },
          },
        },
        reason: 'done',
      },
      {
        item: {
          Update: {
            TableName: this.tableName,
            Key: { list_id: EVENTS_HEAD_ID },
            UpdateExpression: 'DELETE #open :id',
            ExpressionAttributeNames: { '#open': 'open' },
            ExpressionAttributeValues: { ':id': new Set([event.event_id]) },
          },
        },
      },
    ]);
    if (!outcome.ok && !('failed' in outcome)) throw Object.assign(new Error('the event close kept conflicting with other writes'), { name: 'ThrottlingException' });
    return (await this.get(event.event_id, true)) ?? event;
  }

  /** Closes every event whose check-in time is over, and finishes any close that stopped half-way (start-up and every minute). */
  async closeOverdue(now = this.clock.now()): Promise<GuildEvent[]> {
    const { open } = await this.head(true);
    const closed: GuildEvent[] = [];
    for (const event of await this.getMany(open, {}, true)) {
      if (event.status === 'closed') {
        await this.db.send(new UpdateCommand({ TableName: this.tableName, Key: { list_id: EVENTS_HEAD_ID }, UpdateExpression: 'DELETE #open :id', ExpressionAttributeNames: { '#open': 'open' }, ExpressionAttributeValues: { ':id': new Set([event.event_id]) } }));
        continue;
      }
      if (event.status === 'open' && event.closes_at > now.toISOString()) continue;
      const result = await this.close(event.event_id, 'sweep', now);
      if (result.ok) closed.push(result.event);
    }
    return closed;
  }

  private async getMany(ids: string[], options: ReadOptions = {}, consistent = false): Promise<GuildEvent[]> {
    if (!ids.length) return [];
    const found = await batchGetAll(this.db, this.tableName, ids.map((id) => ({ list_id: id })), { consistent, signal: options.signal, what: 'the events' });
    const events = found.filter((i) => i.record_type === 'event').map(readEvent);
    return ids.map((id) => events.find((e) => e.event_id === id)).filter((e): e is GuildEvent => e !== undefined);
  }
}

/** A member's attendance as if an event had not been recorded (for a correction of it). */
function withoutEvent(member: Member, event: GuildEvent): Attendance {
  const a = member.attendance;
  const attended = a.attended.filter((x) => x.event !== event.event_id);
  const missed = a.missed.filter((x) => x.event !== event.event_id);
  // Its attendance may be what ended the last run of misses: then the newest other one did.
  const lastAttendedAt = a.lastAttendedAt === event.started_at ? attended.map((x) => x.at).sort().pop() : a.lastAttendedAt;
  return { attended, missed, ...(lastAttendedAt ? { lastAttendedAt } : {}) };
}
