/**
 * An attendance event as the lists table holds it (src/services/events.ts): its ids and bounds,
 * the `GuildEvent` type and the answers the service gives, and the codec of its item. Pure: no
 * reads, no writes.
 */
import type { EventKind } from '../domain/attendance';

export const EVENT_ID_PREFIX = 'event#';
export const EVENTS_HEAD_ID = 'events#head';
/** Events on a page, and the newest ids the head (and each event's `earlier`) keeps. */
export const EVENTS_PAGE = 10;
/** Events open for check-in at once. */
export const MAX_OPEN_EVENTS = 5;
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

export function toItem(event: GuildEvent): Record<string, unknown> {
  const { event_id, present: _p, absent: _a, excused: _e, ...rest } = event;
  return { list_id: event_id, record_type: 'event', ...rest };
}

export function readEvent(item: Record<string, unknown>): GuildEvent {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const status = (['open', 'closing', 'closed'] as const).find((s) => s === item.status) ?? 'closed';
  const kind = (['boss', 'omni', 'other'] as const).find((k) => k === item.kind) ?? 'other';
  return {
    event_id: text(item.list_id),
    kind,
    ...(typeof item.name === 'string' && item.name ? { name: item.name } : {}),
    started_by: text(item.started_by),
    started_at: text(item.started_at),
    closes_at: text(item.closes_at),
    status,
    present: strings(item.present).sort(),
    absent: strings(item.absent).sort(),
    excused: strings(item.excused).sort(),
    ...(typeof item.closed_at === 'string' ? { closed_at: item.closed_at } : {}),
    ...(typeof item.closed_by === 'string' ? { closed_by: item.closed_by } : {}),
    earlier: strings(item.earlier),
    ...(typeof item.channel_id === 'string' ? { channel_id: item.channel_id } : {}),
    ...(typeof item.message_id === 'string' ? { message_id: item.message_id } : {}),
    version: Number(item.version ?? 1),
  };
}

export function strings(value: unknown): string[] {
  if (value instanceof Set) return [...value].map(String);
  if (Array.isArray(value)) return value.map(String);
  return [];
}
