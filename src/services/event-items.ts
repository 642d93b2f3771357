/**
 * An attendance event as the lists table holds it (src/services/events.ts): its ids and bounds,
 * the `GuildEvent` type and the answers the service gives, and the codec of its item. Pure: no
 * reads, no writes.
 */
import type { EventKind } from '../domain/attendance';

export const EVENT_ID_PREFIX = 'event#';
export const EVENTS_HEAD_ID = 'events#head';
import { EVENT, EVENTS_PAGE, MAX_OPEN_EVENTS, readItem, writeItem } from '../db/schema';

export { EVENTS_PAGE, MAX_OPEN_EVENTS };
export const EVENT_NAME_MAX = 60;

/** Whether a lists-table id is one of the attendance items (not a list). */
export const isAttendanceItemId = (id: string) => id.startsWith(EVENT_ID_PREFIX) || id === EVENTS_HEAD_ID;

export type EventStatus = 'open' | 'closing' | 'closed';

export interface GuildEvent {
  event_id: string;
  kind: EventKind;
  name?: string;
  started_by: string;
  started_at: string;
  closes_at: string;
  status: EventStatus;
  present: string[];
  absent: string[];
  excused: string[];
  closed_at?: string;
  closed_by?: string;
  /** The ids of the events before it, newest first (at most EVENTS_PAGE). */
  earlier: string[];
  channel_id?: string;
  message_id?: string;
  version: number;
}

export type EventRefusal = 'not_found' | 'closed' | 'too_many_open' | 'not_on_roster' | 'already' | 'busy';
export type EventResult = { ok: true; event: GuildEvent } | { ok: false; reason: EventRefusal; event?: GuildEvent };

/** A new event's item (its present, absent and excused are empty: no attribute). */
export function toItem(event: GuildEvent): Record<string, unknown> {
  const { event_id, present: _p, absent: _a, excused: _e, ...rest } = event;
  return writeItem(EVENT, { list_id: event_id, record_type: 'event', ...rest });
}

/** An event as the item holds it: an unknown kind reads as other, an unknown status as closed. */
export function readEvent(item: Record<string, unknown>): GuildEvent {
  const stored = readItem(EVENT, item);
  const status = (['open', 'closing', 'closed'] as const).find((s) => s === stored.status) ?? 'closed';
  const kind = (['boss', 'omni', 'other'] as const).find((k) => k === stored.kind) ?? 'other';
  return {
    event_id: stored.list_id ?? '',
    kind,
    ...(stored.name ? { name: stored.name } : {}),
    started_by: stored.started_by ?? '',
    started_at: stored.started_at ?? '',
    closes_at: stored.closes_at ?? '',
    status,
    present: [...(stored.present ?? [])].sort(),
    absent: [...(stored.absent ?? [])].sort(),
    excused: [...(stored.excused ?? [])].sort(),
    ...(stored.closed_at !== undefined ? { closed_at: stored.closed_at } : {}),
    ...(stored.closed_by !== undefined ? { closed_by: stored.closed_by } : {}),
    earlier: stored.earlier ?? [],
    ...(stored.channel_id !== undefined ? { channel_id: stored.channel_id } : {}),
    ...(stored.message_id !== undefined ? { message_id: stored.message_id } : {}),
    version: stored.version ?? 1,
  };
}
