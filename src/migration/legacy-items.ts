/**
 * What each item of a legacy single table (key `discord_id`) becomes in the four tables. Pure:
 * the same legacy item always gives the same result, which is what makes the migration
 * idempotent (a second run computes the same keys and finds them already written).
 */
import { createHash } from 'node:crypto';
import { legacyAttendance, type Attendance, type Debt } from '../domain/attendance';
import { findLinkType, type LinkType } from '../domain/catalog';
import { storedDay, storedInstant, utcDay } from '../domain/dates';
import { displayId } from '../domain/ids';
import { sanitizeLinkType } from '../domain/link-ids';
import { isQuality, type Quality } from '../domain/ranks';
import type { TableKind } from '../db/schema';

export type Migrated = { ok: true; kind: TableKind; key: string; item: Record<string, unknown> } | { ok: false; reason: string };

type Item = Record<string, unknown>;

const DISCORD_ID = /^\d{15,21}$/;
const VALID_LINK_ID = /^(bronze|silver|gold)_[A-Za-z0-9_]+$/;
/** Markers older versions wrote to say what an item is; they mean nothing in the four tables. */
const MARKERS = ['item_type', 'entity', 'type'];

/** What a legacy item is: an explicit marker, or else the attributes only that kind has. */
export function kindOf(item: Item): TableKind | undefined {
  const declared = String(item.item_type ?? item.entity ?? item.type ?? '').toLowerCase();
  if (['member', 'user'].includes(declared)) return 'members';
  if (['link', 'inventory'].includes(declared)) return 'inventory';
  if (['distribution', 'award'].includes(declared)) return 'distributions';
  if (declared === 'list') return 'lists';
  // The single table at 9abbdbc kept a link-history item (an award) under its member's key.
  if (isLinkHistory(item)) return 'distributions';
  if ('list_name' in item || 'eligible_members' in item) return 'lists';
  if ('distributed_at' in item && 'member_id' in item) return 'distributions';
  if ('link_type' in item && 'quality' in item) return 'inventory';
  if ('join_date' in item || 'guild_join_date' in item) return 'members';
  return undefined;
}

/** A link-history item of the single table at 9abbdbc: who received a link of which quality, when. */
export function isLinkHistory(item: Item): boolean {
  return 'date_received' in item && 'link_id' in item && !('member_id' in item);
}

/**
 * The id of the award a link-history item becomes: derived from what identifies the item (its
 * key and when the link was received), so every run computes the same one and finds it written.
 */
export function legacyAwardId(item: Item): string {
  return `legacy_${createHash('sha256').update(`${text(item.discord_id)}\n${text(item.link_id)}\n${text(item.date_received)}`).digest('hex').slice(0, 20)}`;
}

/**
 * The id a legacy link gets. A valid id is kept; one with spaces or other unsafe characters (the
 * old ids that broke the bot) is rebuilt as `{quality}_{sanitized type}_{suffix}`, the suffix
 * hashed from the old id: every run, and every distribution pointing at the link, agrees on it,
 * and two old ids that differ only in unsafe characters still get different new ids.
 */
export function migratedLinkId(oldId: string, quality: Quality, linkType: string): string {
  if (VALID_LINK_ID.test(oldId)) return oldId;
  const suffix = createHash('sha256').update(oldId).digest('hex').slice(0, 16);
  return `${quality}_${sanitizeLinkType(linkType)}_${suffix}`;
}

const isTrue = (v: unknown) => v === true || v === 'true' || v === 1 || v === '1';
const flag = (v: unknown): 'true' | 'false' => (isTrue(v) ? 'true' : 'false');
const idsOf = (v: unknown): string[] => (v instanceof Set ? [...v] : Array.isArray(v) ? v : []).map(String).filter(Boolean);
const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v).trim());
/** The legacy attributes, minus markers and whatever the caller replaces. */
const rest = (item: Item, ...names: string[]): Item => {
  const copy = { ...item };
  for (const name of [...MARKERS, ...names]) delete copy[name];
  return copy;
};

const qualityOf = (item: Item): Quality | undefined => {
  const quality = text(item.quality).toLowerCase();
  return isQuality(quality) ? quality : undefined;
};

/** The quality and link type a link or distribution names (catalog spelling when known), or why it names none. */
function linkNamedBy(item: Item, what: string): { quality: Quality; linkType: string; type: LinkType | undefined; bonus: string } | { reason: string } {
  const quality = qualityOf(item);
  if (!quality) return { reason: `${what} has quality "${text(item.quality)}", not bronze, silver or gold` };
  const type = findLinkType(text(item.link_type));
  const linkType = type?.name ?? text(item.link_type);
  if (!linkType) return { reason: `${what} has no link_type` };
  return { quality, linkType, type, bonus: text(item.bonus) || type?.bonus[quality] || '' };
}

/** Turns one legacy item into an item of one of the four tables, or says why it cannot. */
export function migrateItem(item: Item, now = new Date()): Migrated {
  const kind = kindOf(item);
  if (!kind) return { ok: false, reason: 'not a member, link, distribution or list (no join_date, link_type, distributed_at or list_name)' };
  const migrate = { members: member, inventory: link, distributions: isLinkHistory(item) ? linkHistoryAward : distribution, lists: list }[kind];
  return migrate(item, now.toISOString());
}

/** The stale figures older shapes stored on members; ranks and eligibility are derived when read. */
const STALE_MEMBER_ATTRIBUTES = ['rank', 'silver_eligible', 'gold_eligible', 'days_in_guild'];

/**
 * A member, in any shape the legacy table held: FlavaFlav's, or the older one of 9abbdbc
 * (`discord_username`, `guild_join_date`, `role`), whose other attributes (characters,
 * attendance) are kept as they are. Counters are copied only when the item kept them: otherwise
 * they are derived from the member's history, and `check:data --fix` adds them.
 */
function member(item: Item, now: string): Migrated {
  const id = text(item.discord_id);
  if (!DISCORD_ID.test(id)) return { ok: false, reason: `member key "${id}" is not a Discord id` };
  const joinName = item.join_date === undefined && item.guild_join_date !== undefined ? 'guild_join_date' : 'join_date';
  const joinDate = storedDay(item[joinName]);
  if (!joinDate) return { ok: false, reason: `member ${id} has no valid ${joinName} (YYYY-MM-DD or an RFC 3339 time)` };
  const awayUntil = storedDay(item.away_until);
  // The older shape said who was an officer with a role; a flag, when there is one, decides.
  const isOfficer = item.is_officer !== undefined ? isTrue(item.is_officer) : item.role === 'admin' || item.role === 'officer';
  const addedDate = text(item.added_date) || text(item.created_at) || now;
  return {
    ok: true,
    kind: 'members',
    key: id,
    item: {
      ...rest(item, ...STALE_MEMBER_ATTRIBUTES, 'away_until', 'discord_username', 'guild_join_date', 'links_received', ...(item.added_date === undefined ? ['created_at'] : [])),
      discord_id: id,
      username: text(item.username) || text(item.discord_username) || id,
      join_date: joinDate,
      is_officer: isOfficer,
      added_by: text(item.added_by) || 'migration',
      added_date: addedDate,
      updated_at: text(item.updated_at) || now,
      ...(item.links_received !== undefined ? { links_received: Math.max(0, Math.trunc(Number(item.links_received)) || 0) } : {}),
      ...(awayUntil ? { away_until: awayUntil } : {}),
      ...legacyAttendanceAttributes(item),
    },
  };
}

/**
 * The attendance and debt the previous system's fields stand for, as FlavaFlav's attributes
 * (docs/attendance.md), beside those fields (kept as they are). Nothing when the item has its own.
 */
export function legacyAttendanceAttributes(item: Item): Record<string, unknown> {
  const legacy = legacyAttendance(item, storedInstant);
  const out: Record<string, unknown> = {};
  if (legacy.attendance && item.attended === undefined && item.missed === undefined) Object.assign(out, attendanceAttributes(legacy.attendance));
  if (legacy.debt && item.debts === undefined) out.debts = debtAttributes(legacy.debt);
  return out;
}

export function attendanceAttributes(a: Attendance): Record<string, unknown> {
  return {
    attended: Object.fromEntries(a.attended.map((e) => [e.event, { kind: e.kind, at: e.at }])),
    missed: Object.fromEntries(a.missed.map((m) => [m.event, m.at])),
    ...(a.lastAttendedAt ? { last_attended_at: a.lastAttendedAt } : {}),
  };
}

export function debtAttributes(debt: Debt): Record<string, unknown> {
  return { [debt.key]: { reason: debt.reason, since: debt.since, by: debt.by } };
}

function link(item: Item, now: string): Migrated {
  const oldId = text(item.link_id ?? item.discord_id);
  const named = linkNamedBy(item, `link "${oldId}"`);
  if ('reason' in named) return { ok: false, reason: named.reason };
  const { quality, linkType, type, bonus } = named;
  const linkId = migratedLinkId(oldId, quality, linkType);
  const handedOut = text(item.distribution_id) !== '';
  return {
    ok: true,
    kind: 'inventory',
    key: linkId,
    item: {
      ...rest(item, 'discord_id'),
      link_id: linkId,
      link_type: linkType,
      quality,
      category: text(item.category) || type?.category || 'Unknown',
      bonus,
      // Older items may lack the flag: a link with a distribution was handed out.
      is_available: item.is_available === undefined ? flag(!handedOut) : flag(item.is_available),
      added_by: text(item.added_by) || 'migration',
      added_date: text(item.added_date) || now,
      ...(linkId !== oldId ? { legacy_link_id: oldId } : {}),
    },
  };
}

function distribution(item: Item): Migrated {
  const id = text(item.distribution_id ?? item.discord_id);
  const memberId = text(item.member_id);
  if (!DISCORD_ID.test(memberId)) return { ok: false, reason: `distribution ${id} has member_id "${memberId}", not a Discord id` };
  const distributedAt = storedInstant(item.distributed_at);
  if (!distributedAt) return { ok: false, reason: `distribution ${id} has no valid distributed_at` };
  const named = linkNamedBy(item, `distribution ${id}`);
  if ('reason' in named) return { ok: false, reason: named.reason };
  const { quality, linkType, bonus } = named;
  const oldLinkId = text(item.link_id);
  return {
    ok: true,
    kind: 'distributions',
    key: id,
    item: {
      ...rest(item, 'discord_id'),
      distribution_id: id,
      member_id: memberId,
      member_username: text(item.member_username) || memberId,
      link_type: linkType,
      quality,
      bonus,
      // The same re-keying as the link itself, so the record still points at it.
      ...(oldLinkId ? { link_id: migratedLinkId(oldLinkId, quality, linkType) } : {}),
      method: text(item.method) || 'discord',
      distributed_by: text(item.distributed_by) || 'unknown',
      distributed_at: distributedAt,
      distribution_date: utcDay(new Date(distributedAt)),
      pool_size: Number(item.pool_size ?? 0) || 0,
      drawn_before: idsOf(item.drawn_before),
      status: item.status === 'reverted' ? 'reverted' : 'confirmed',
    },
  };
}

/**
 * A link-history item (9abbdbc) as an award in its member's history: a confirmed record with a
 * stable id, the quality its `link_type` names, no link in the inventory (that table never held
 * it), a link type only when its notes are exactly a catalog name, and the original attributes
 * kept under `legacy`.
 */
function linkHistoryAward(item: Item): Migrated {
  const key = text(item.discord_id);
  if (!DISCORD_ID.test(key)) return { ok: false, reason: `link-history item under "${displayId(key)}" is not under a Discord id` };
  const quality = text(item.link_type).toLowerCase();
  if (!isQuality(quality)) return { ok: false, reason: `link-history item under ${key} has link_type "${displayId(text(item.link_type))}", not silver or gold` };
  const distributedAt = storedInstant(item.date_received);
  if (!distributedAt) return { ok: false, reason: `link-history item under ${key} has no valid date_received` };
  const type = typeof item.notes === 'string' ? findLinkType(item.notes) : undefined;
  const id = legacyAwardId(item);
  return {
    ok: true,
    kind: 'distributions',
    key: id,
    item: {
      distribution_id: id,
      status: 'confirmed',
      member_id: key,
      member_username: text(item.discord_username) || key,
      link_type: type?.name ?? 'unknown',
      quality,
      bonus: type?.bonus[quality] ?? '',
      method: 'discord',
      distributed_by: 'migration',
      distributed_at: distributedAt,
      distribution_date: distributedAt.slice(0, 10),
      notes: `imported from the old single table's link history (${displayId(text(item.link_id))})`,
      legacy: { ...item },
    },
  };
}

function list(item: Item, now: string): Migrated {
  const id = text(item.list_id ?? item.discord_id);
  const quality = qualityOf(item);
  if (!quality) return { ok: false, reason: `list ${id} has quality "${text(item.quality)}", not bronze, silver or gold` };
  const waiting = idsOf(item.eligible_members);
  const winners = idsOf(item.winners);
  return {
    ok: true,
    kind: 'lists',
    key: id,
    item: {
      ...rest(item, 'discord_id', 'eligible_members', 'winners'),
      list_id: id,
      list_name: text(item.list_name) || id,
      quality,
      created_by: text(item.created_by) || 'migration',
      created_at: text(item.created_at) || now,
      // A list that never said otherwise was the one in use.
      is_active: flag(item.is_active ?? true),
      // String sets, as the bot keeps them; an empty set cannot be stored.
      ...(waiting.length ? { eligible_members: new Set(waiting) } : {}),
      ...(winners.length ? { winners: new Set(winners) } : {}),
    },
  };
}
