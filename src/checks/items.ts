/**
 * What `check:data` finds in one item, and what `--fix` would add to it. Pure: it reads an item as
 * the document client returns it and says, in words an operator can act on, where the item departs
 * from the tables' specification (docs/architecture.md, "The four tables"), how FlavaFlav reads it
 * all the same, and whether anything is added. `--fix` only ever adds attributes an item lacks;
 * every finding not fixed says "left as is".
 *
 * Two kinds of finding: structural ones come from the item's declaration (src/db/entities.ts: a
 * required attribute missing, an attribute of another type, a bound exceeded); semantic ones,
 * written here, are about values of the right type (the previous system's forms, ids, dates).
 */
import { findLinkType } from '../domain/catalog';
import { parseDay, storedDay, storedInstant } from '../domain/dates';
import { DRAW_STATUSES } from '../domain/draw';
import { displayId, safeIdForm } from '../domain/ids';
import { isQuality, type Quality } from '../domain/ranks';
import { kindOf } from '../migration/legacy-items';
import { readDistribution } from '../services/distribution-record';
import { isMemberItem, readMember, type Counters, type Member } from '../services/member-items';
import { GUEST_SESSIONS_KEY } from '../services/sessions';

import { isPoolItemId, poolItemDraw } from '../services/draw-pools';
import { isOpenShardId } from '../services/open-draws';
import { describeAttribute, describeValue, faults, type Entity } from '../db/entity';
import { DISTRIBUTION, LINK, LIST, MEMBER, OPEN_DRAWS, POOL_ITEM } from '../db/entities';

type Item = Record<string, unknown>;

export interface ItemReport {
  /** The item, as the report names it: its kind and readable id. */
  label: string;
  /** Each way it departs from the tables' specification: what it means, and what is done about it. */
  findings: string[];
}

export interface DistributionReport extends ItemReport {
  /** What --fix adds, each only where absent. */
  additions: { status?: 'confirmed'; distribution_date?: string };
}

export type MemberReport = ItemReport & ({ kind: 'member'; member: Member } | { kind: 'other' });

/** The stale figures the previous system stored on members; FlavaFlav derives them when read. */
const STALE_MEMBER_ATTRIBUTES = ['rank', 'silver_eligible', 'gold_eligible', 'days_in_guild'];

const quoted = (value: unknown) => (typeof value === 'string' ? `'${displayId(value)}'` : JSON.stringify(value instanceof Set ? [...value] : value));
const listOf = (names: string[]) => (names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);
/** A timestamp the previous system wrote: readable, but not in FlavaFlav's form (UTC, milliseconds). */
const isOtherForm = (value: unknown) => typeof value === 'string' && storedInstant(value) !== null && storedInstant(value) !== value;
/** Go's `time.Time{}`, which the previous system wrote for a time never set. */
const isGoZeroTime = (value: unknown) => typeof value === 'string' && /^0001-01-01T00:00:00(\.0+)?(Z|[+-]00:00)$/.test(value.trim());

/**
 * Where an item departs from its declaration, in words: what is missing or of another type, how
 * FlavaFlav reads it (as absent, unless the declaration says otherwise) and what that means.
 */
export function structuralFindings(entity: Entity, item: Item): string[] {
  return faults(entity, item).map((f) => {
    const effect = f.declared.effect ? `: ${f.declared.effect}` : '';
    if (f.fault === 'missing') return `no ${f.attribute}${effect}; left as is`;
    if (f.fault === 'bound') return `${f.attribute} holds ${f.size} (at most ${f.max}); ${f.declared.overBound ?? 'left as is'}`;
    const what =
      typeof f.value === 'object'
        ? `${f.attribute} is ${describeValue(f.value)}, not ${describeAttribute(f.declared)}`
        : `${f.attribute} ${quoted(f.value)} is not ${describeAttribute(f.declared)}`;
    const reading = f.declared.readAs ? ` (read as ${f.declared.readAs(f.value)})` : effect ? '' : f.readAnyway ? ' (read all the same)' : ' (read as absent)';
    return `${what}${reading}${effect}; left as is`;
  });
}

/** Present, and not a string: reported by the structural findings, so no semantic one. */
const otherThanString = (value: unknown) => value !== undefined && value !== null && typeof value !== 'string';

/** A record id that Discord's custom ids and choices cannot carry as it is, nor a message show. */
function idFinding(id: string): string[] {
  return safeIdForm(id) === id
    ? []
    : [`its id has characters beyond A-Z a-z 0-9 _ . - (the previous system ended ids with any character): it is shown as ${displayId(id)}, and /history gives officers \`${safeIdForm(id)}\` to paste into /revert; left as is`];
}

/** Whether the record is an award: a member and when, whatever its status says. */
function isAwardShaped(item: Item): boolean {
  return typeof item.member_id === 'string' && item.member_id !== '' && storedInstant(item.distributed_at) !== null;
}

/** A distribution record: confirmed, reverted, an ended or open draw, or the previous system's award. */
export function checkDistribution(item: Item): DistributionReport {
  const id = String(item.distribution_id);
  const report: DistributionReport = { label: `distribution ${displayId(id)}`, findings: [...idFinding(id), ...structuralFindings(DISTRIBUTION, item)], additions: {} };
  const { findings, additions } = report;
  const status = item.status;
  if (status === 'drawn') return report; // An open draw is in no index and carries no award yet.

  if (status === undefined) {
    if (isAwardShaped(item)) {
      findings.push('no status (read as confirmed)');
      additions.status = 'confirmed';
    } else {
      findings.push('no status, and no member_id or readable distributed_at: not an award FlavaFlav can show; left as is');
    }
  } else if (!DRAW_STATUSES.some((s) => s === status) && !otherThanString(status)) {
    findings.push(`status ${quoted(status)} is unknown (read as confirmed); left as is`);
  }

  const at = item.distributed_at;
  const instant = storedInstant(at);
  if (at === undefined) findings.push('no distributed_at: it is in no history; left as is');
  else if (otherThanString(at)) {
    // A structural finding.
  } else if (instant === null) {
    findings.push(`distributed_at ${quoted(at)} is ${isGoZeroTime(at) ? "Go's zero time (never set)" : 'unreadable'}: it is in no history by date; left as is`);
  } else if (isOtherForm(at)) findings.push(`distributed_at is an RFC 3339 timestamp (read as ${instant}); left as is (it is an index key)`);

  const stored = item.distribution_date;
  if (stored === undefined) {
    if (instant !== null && typeof at === 'string') {
      findings.push('no distribution_date: guild-wide history does not list it until fixed');
      additions.distribution_date = instant.slice(0, 10);
    }
  } else if (typeof stored !== 'string') {
    // A structural finding.
  } else if (!parseDay(stored) || stored.trim() !== stored) {
    findings.push(`distribution_date ${quoted(stored)} is not YYYY-MM-DD: guild-wide history cannot find it; left as is`);
  } else if (instant !== null && stored !== instant.slice(0, 10)) {
    findings.push(`distribution_date ${stored} is not the UTC day of distributed_at (${instant.slice(0, 10)}): the previous system wrote the day on its own clock; guild-wide history lists it under ${stored}; left as is`);
  }

  if (isAwardShaped(item) && item.pool_size === undefined && item.pool === undefined) {
    findings.push('no pool_size (the previous system kept no pools); left as is');
  }
  const quality = String(item.quality ?? '');
  if (!isQuality(quality) && !otherThanString(item.quality)) findings.push(`quality ${quoted(item.quality)} is not bronze, silver or gold (read as ${readDistribution(item).quality}); left as is`);
  if (typeof item.method === 'string' && item.method !== 'web' && item.method !== 'discord') findings.push(`method ${quoted(item.method)} is neither web nor discord (read as discord); left as is`);
  if (isAwardShaped(item) && (typeof item.link_id !== 'string' || item.link_id === '')) {
    findings.push('no link_id: reverting it takes no link back to the stock; left as is');
  }
  return report;
}

/**
 * The items a draw keeps beside its record (src/services/draw-pools.ts, open-draws.ts), against
 * their declarations: a pool item holds at most POOL_CHUNK members of its record's pool, an
 * open-draw marker at most OPEN_PER_SHARD ids. Undefined for any other item. Reported only: the
 * bot writes them whole.
 */
export function checkDrawItem(item: Item): ItemReport | undefined {
  const id = String(item.distribution_id);
  const findings: string[] = [];
  if (isPoolItemId(id)) {
    findings.push(...structuralFindings(POOL_ITEM, item));
    if (typeof item.draw_id === 'string' && item.draw_id !== poolItemDraw(id)) findings.push(`draw_id ${quoted(item.draw_id)} is not the record its id names (${poolItemDraw(id)}); left as is`);
    return { label: `pool item ${id}`, findings };
  }
  if (isOpenShardId(id)) {
    findings.push(...structuralFindings(OPEN_DRAWS, item));
    return { label: `open-draw marker ${id}`, findings };
  }
  return undefined;
}

/**
 * Where a record is in the date-index (the day guild-wide history reads it under, and its
 * quality), or would be once `additions` are written; undefined when it is in none.
 */
export function dateIndexEntry(item: Item, additions: DistributionReport['additions'] = {}): { day: string; quality: Quality } | undefined {
  if (typeof item.distributed_at !== 'string' || item.status === 'drawn') return undefined;
  const day = item.distribution_date ?? additions.distribution_date;
  // The index holds the stored string: only a YYYY-MM-DD one is a day history reads.
  if (typeof day !== 'string' || !parseDay(day) || day.trim() !== day) return undefined;
  return { day, quality: readDistribution(item).quality };
}

/** What a page of the members table (or the legacy single table holding members) holds. */
export function checkMember(item: Item, options: { legacyTable: boolean }): MemberReport {
  const key = String(item.discord_id ?? '');
  if (!isMemberItem(item)) return { kind: 'other', ...checkNonMember(item, options.legacyTable) };
  const member = readMember(item);
  const findings: string[] = [];

  if (otherThanString(item.join_date ?? item.guild_join_date)) {
    // Not a string: a structural finding (below) says so, and what it means.
  } else if (item.join_date === undefined && item.guild_join_date !== undefined) {
    findings.push(
      member.join_date
        ? `guild_join_date (the old single table's) is read as the join date (${member.join_date}); left as is`
        : `guild_join_date ${quoted(item.guild_join_date)} is unreadable: the member is left out of draws; set it with /member add user join_date`,
    );
  } else if (!member.join_date) {
    const why = isGoZeroTime(item.join_date) ? `join_date ${quoted(item.join_date)} is Go's zero time (never set)` : `join_date ${quoted(item.join_date)} is unreadable`;
    findings.push(`${why}: the member is left out of draws; set it with /member add user join_date`);
  } else if (item.join_date !== member.join_date) {
    findings.push(`join_date is an RFC 3339 timestamp (read as ${member.join_date}); left as is`);
  }

  if (item.username === undefined) {
    findings.push(typeof item.discord_username === 'string' && item.discord_username ? "discord_username (the old single table's) is read as username; left as is" : 'no username (shown as the id); left as is');
  }
  if (item.is_officer === undefined && item.role !== undefined) {
    findings.push(`role ${quoted(item.role)} (the old single table's) is read as ${member.is_officer ? 'an officer' : 'not an officer'}; left as is`);
  }
  findings.push(...structuralFindings(MEMBER, item));
  const stale = STALE_MEMBER_ATTRIBUTES.filter((name) => item[name] !== undefined);
  if (stale.length) findings.push(`stale ${listOf(stale)} ${stale.length > 1 ? 'are' : 'is'} ignored (always derived from the join date); left as is`);
  if (typeof item.away_until === 'string' && !storedDay(item.away_until)) findings.push(`away_until ${quoted(item.away_until)} is unreadable (read as not away); left as is`);
  return { kind: 'member', member, label: `member ${displayId(key)} (${displayId(member.username)})`, findings };
}

/** Something in the members table (or the legacy table) that is not a member. */
function checkNonMember(item: Item, legacyTable: boolean): ItemReport {
  const key = displayId(String(item.discord_id ?? ''));
  if ('date_received' in item && 'link_id' in item) {
    const received = storedDay(item.date_received) ?? 'an unreadable date';
    return {
      label: `link-history item under ${key} (${displayId(String(item.discord_username ?? ''))})`,
      findings: [
        `the old single table's record of a ${displayId(String(item.link_type ?? '?'))} link received ${received}, kept under the member's key, which replaced the member item: the member is not on the roster and the award is in no history; npm run migrate:legacy imports it as an award, then add them with /member add`,
      ],
    };
  }
  if (item.discord_id === GUEST_SESSIONS_KEY) {
    return { label: `item ${key}`, findings: ['the dashboard’s session version for guild members not on the roster (raised by their sign-out); not a member; left as is'] };
  }
  const kind = kindOf(item);
  if (legacyTable && kind && kind !== 'members') {
    return { label: `legacy ${kind} item ${key}`, findings: [`FlavaFlav reads ${kind} only from its ${kind} table; npm run migrate:legacy copies it there; left as is`] };
  }
  return { label: `item ${key}`, findings: ['not a member (no readable join_date or guild_join_date): FlavaFlav does not read it; left as is'] };
}

/** A member without counters: what their history says instead. */
export function missingCountersFinding(derived: Counters): string {
  const last = derived.last_link_at ? `, last ${derived.last_link_at.slice(0, 10)}` : '';
  return `no links_received / last_link_at (derived from history until fixed: ${derived.links_received} standing award${derived.links_received === 1 ? '' : 's'}${last})`;
}

/** A member keeping counters but not their newest links (counted before FlavaFlav kept them). */
/** A member item keeping counters but not the award log of qualities their history holds. */
export function missingLogsFinding(qualities: Quality[], derived: Counters): string {
  const counts = qualities.map((q) => `${derived.awards[q].length} ${q}`).join(', ');
  return `no award log for ${qualities.join(', ')} although their history holds ${counts}: the fairness policies count them as never served until fixed`;
}

export const MISSING_RECENT_FINDING = 'no recent_links (/member info reads their history instead, one query more, until fixed)';

/** What adding counters writes, in words. */
export function countersAddition(derived: Counters): string {
  return `links_received ${derived.links_received}${derived.last_link_at ? `, last_link_at ${derived.last_link_at}` : ''}`;
}

/** A member whose kept count disagrees with their history (e.g. re-added after the history was written). */
export function counterDrift(kept: Counters, derived: Counters): string | undefined {
  if (kept.links_received === derived.links_received) return undefined;
  return `links_received is ${kept.links_received} but their history holds ${derived.links_received} standing award${derived.links_received === 1 ? '' : 's'}; left as is (draws count from the item; a revert recounts from history)`;
}

/** A link of the inventory table. */
export function checkLink(item: Item): ItemReport {
  const id = String(item.link_id ?? '');
  const findings: string[] = [];
  const quality = String(item.quality ?? '');
  if (typeof item.quality !== 'string') {
    // Missing or not a string: a structural finding.
  } else if (!isQuality(quality)) findings.push(`quality ${quoted(item.quality)} is not bronze, silver or gold; left as is`);
  else if (!new RegExp(`^${quality}_[A-Za-z0-9_]+$`).test(id)) findings.push(`its id is not {quality}_{type}_{suffix} (commands carry it in a safe form: \`${safeIdForm(id)}\`); left as is`);
  if (typeof item.link_type === 'string' && !findLinkType(item.link_type)) findings.push(`link_type ${quoted(item.link_type)} is not in the catalog (shown as it is); left as is`);
  findings.push(...structuralFindings(LINK, item));
  if (item.is_available === 'false' && (item.distribution_id === undefined || item.distribution_id === '')) {
    findings.push('handed out without distribution_id (the previous system did not record which award); reverting its award still takes it back; left as is');
  }
  if (typeof item.added_date === 'string' && storedInstant(item.added_date) === null) findings.push(`added_date ${quoted(item.added_date)} is unreadable; left as is`);
  return { label: `inventory link ${displayId(id)}`, findings };
}

/** A list of the lists table (the guard items that keep one active list per quality are FlavaFlav's own). */
export function checkList(item: Item): ItemReport {
  const id = String(item.list_id ?? '');
  const findings = structuralFindings(LIST, item);
  if (typeof item.quality === 'string' && !isQuality(item.quality)) findings.push(`quality ${quoted(item.quality)} is not bronze, silver or gold; left as is`);
  return { label: `list ${displayId(id)}${typeof item.list_name === 'string' ? ` (${displayId(item.list_name)})` : ''}`, findings };
}

/** FlavaFlav's own items in the lists table: the active-list guards and the attendance events (docs/attendance.md). */
export const isListGuardId = (id: string) => id.startsWith('active-guard#') || id.startsWith('event#') || id === 'events#head';
