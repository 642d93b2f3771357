/**
 * Every kind of item the four tables hold, declared once (src/db/entity.ts says what a declaration
 * is): its table, its key and how the key is formed, and each attribute with its DynamoDB type,
 * whether every item holds it, and its bound. The services write whole items and read items
 * through these declarations; check:data reports where a stored item departs from them; the
 * tests check that they agree with TABLES and that the services write nothing undeclared.
 * docs/architecture.md ("The four tables", "Items kept besides the records") describes them.
 */
import { ATTENDED_KEPT, DEBT_KEYS, MISSED_KEPT } from '../domain/attendance';
import { MAX_REROLLS } from '../domain/draw';
import { defineEntity, type Attribute, type Entity } from './entity';

/** Link types a member wants (the `wants` string set). */
export const MAX_WANTS = 10;
/** How many of the newest links a member item keeps (`recent_links`, by record id). */
export const RECENT_LINKS = 5;
/**
 * Award entries a member item keeps per quality (`awards_<quality>`, about 70 bytes each): those
 * in the fairness window (what `fewest` counts) and always the newest (what `longest` reads), at
 * most this many (so at most about 21 KB for the three). An award drops the entries that have left
 * the window, so the item stays the size of the member's recent awards, in year 10 as in year 1.
 * `links_received` counts every award.
 */
export const AWARDS_KEPT = 100;
/** Members of a pool on one pool item: about 110 KB with wants and figures, far below 400 KB. */
export const POOL_CHUNK = 1_000;
/** Ids on one open-draw marker (it stays under 2 KB). */
export const OPEN_PER_SHARD = 25;
/** Events on a page, and the newest ids the head (and each event's `earlier`) keeps. */
export const EVENTS_PAGE = 10;
/** Events open for check-in at once. */
export const MAX_OPEN_EVENTS = 5;

const S = { type: 'S' } as const;
const N = { type: 'N' } as const;
const M = { type: 'M' } as const;
const KEY = { type: 'S', required: true } as const;
const IDS = { type: 'L', of: 'S' } as const;
/** What the previous system (or an older FlavaFlav) wrote: read (the migration copies it as it is), never written by the services. */
const legacy = <A extends Attribute>(attribute: A) => ({ ...attribute, legacy: true }) as const;

const isMarker = (id: string) => id.startsWith('#');

// ---- the members table -----------------------------------------------------------------------

const UNDATED = 'the member is left out of draws; set it with /member add user join_date';

export const MEMBER = defineEntity({
  name: 'member',
  table: 'members',
  key: { attribute: 'discord_id', form: "the member's Discord user id", matches: (id) => id !== '' && !isMarker(id) },
  attributes: {
    discord_id: KEY,
    username: S,
    /** YYYY-MM-DD (the previous system's: an RFC 3339 timestamp). */
    join_date: { type: 'S', effect: UNDATED },
    is_officer: { type: 'BOOL', readAs: (v) => (v === 'true' ? 'an officer' : 'not an officer') },
    added_by: S,
    added_date: S,
    updated_at: S,
    /** YYYY-MM-DD: skipped by random picks through this day. */
    away_until: S,
    wants: { type: 'SS', max: MAX_WANTS },
    links_received: N,
    last_link_at: S,
    awards_bronze: { type: 'SS', max: AWARDS_KEPT },
    awards_silver: { type: 'SS', max: AWARDS_KEPT },
    awards_gold: { type: 'SS', max: AWARDS_KEPT },
    /** By record id: { at, quality, link_type, reverted? }. */
    recent_links: { type: 'M', max: RECENT_LINKS },
    /** By event id: { kind, at }. */
    attended: { type: 'M', max: ATTENDED_KEPT },
    /** By event id: when. */
    missed: { type: 'M', max: MISSED_KEPT },
    last_attended_at: S,
    /** By debt key (a quality or "any"): { reason, since, by }. */
    debts: { type: 'M', max: DEBT_KEYS.length },
    /** Raised by a dashboard sign-out (src/services/sessions.ts). */
    session_version: N,
    // The old single table's member, and the previous system's attendance fields.
    discord_username: legacy(S),
    guild_join_date: legacy({ type: 'S', effect: UNDATED }),
    role: legacy(S),
    created_at: legacy(S),
    character_names: legacy(IDS),
    // Read from the raw item (src/domain/attendance.ts, legacyAttendance): 'true' and numeric strings too.
    weekly_boss_participation: legacy({ type: 'BOOL', also: ['SB'] }),
    omni_participation_dates: legacy(IDS),
    omni_absence_count: legacy({ type: 'N', also: ['S'] }),
    last_omni_participation: legacy(S),
    compensation_owed: legacy({ type: 'BOOL', also: ['SB'] }),
  },
});

/** The session version of dashboard users not on the roster. */
export const GUEST_SESSIONS = defineEntity({
  name: 'guest sessions',
  table: 'members',
  key: { attribute: 'discord_id', form: '#guest-sessions', matches: (id) => id === '#guest-sessions' },
  attributes: { discord_id: KEY, session_version: N },
});

// ---- the inventory table ---------------------------------------------------------------------

export const LINK = defineEntity({
  name: 'inventory link',
  table: 'inventory',
  key: { attribute: 'link_id', form: '{quality}_{sanitized type}_{unique suffix}', matches: (id) => id !== '' },
  attributes: {
    link_id: KEY,
    link_type: { type: 'S', required: true },
    quality: { type: 'S', required: true },
    category: { type: 'S', required: true },
    bonus: { type: 'S', required: true },
    is_available: { type: 'SB', required: true, effect: 'the link is in no stock index, so neither /inventory nor /distribute sees it' },
    added_by: { type: 'S', required: true },
    /** ISO-8601 UTC (the previous system's: RFC 3339). */
    added_date: { type: 'S', required: true },
    notes: S,
    /** The award that holds it, once handed out. */
    distribution_id: S,
    /** The previous system's id, when the migration gave the link a safe one (npm run migrate:legacy). */
    legacy_link_id: S,
  },
});

// ---- the distributions table -----------------------------------------------------------------

/** A draw, then an award (or a cancelled or expired draw), never deleted. */
export const DISTRIBUTION = defineEntity({
  name: 'distribution',
  table: 'distributions',
  key: { attribute: 'distribution_id', form: 'a record id (dist_<uuid>; none starts with #)', matches: (id) => id !== '' && !isMarker(id) },
  attributes: {
    distribution_id: KEY,
    /** drawn, confirmed, cancelled, expired, reverted (the previous system's have none: confirmed). */
    status: { type: 'S', readAs: () => 'confirmed' },
    version: N,
    method: { type: 'S', readAs: () => 'discord' },
    link_id: S,
    link_type: S,
    quality: { type: 'S', readAs: () => 'bronze' },
    bonus: S,
    list_id: S,
    list_name: S,
    /** The whole pool, on records written before pool items. */
    pool: { type: ['SS', 'L'], of: 'S' },
    pool_chunks: N,
    pool_size: N,
    /** { away, too_new, unreadable, attendance?, inactive? } */
    left_out: M,
    policy: S,
    wanting_count: N,
    /** { min, max } */
    figures_range: M,
    /** { count, last? } */
    winner_figures: M,
    left_to_draw: N,
    winner_id: S,
    winner_username: S,
    named: { type: 'BOOL' },
    drawn_before: { ...IDS, max: MAX_REROLLS },
    drawn_before_names: { ...IDS, max: MAX_REROLLS },
    rerolled_by: { ...IDS, max: MAX_REROLLS },
    drawn_by: S,
    drawn_at: S,
    expires_at: S,
    open_shard: N,
    compensation: S,
    compensation_debt: S,
    channel_id: S,
    message_id: S,
    member_id: S,
    member_username: S,
    distributed_by: S,
    /** ISO-8601 UTC with milliseconds (the previous system's: RFC 3339); a date-index key. */
    distributed_at: { type: 'S', effect: 'it is in no history by date' },
    /** YYYY-MM-DD; a date-index key. */
    distribution_date: { type: 'S', effect: 'guild-wide history cannot find it' },
    ended_by: S,
    confirm_at: S,
    confirm_by: S,
    confirm_started_at: S,
    announce_claimed_at: S,
    announced_at: S,
    delivered_at: S,
    delivered_by: S,
    reverted_at: S,
    reverted_by: S,
    notes: S,
    /** The old single table's link-history item an award was imported from (npm run migrate:legacy). */
    legacy: M,
    // Records kept whole, before pool items: who wanted the type, and the candidates' figures.
    wanting: legacy({ type: ['L', 'SS'], of: 'S' }),
    figures: legacy(M),
  },
});

/** `#pool#<record id>#<n>`: part of a draw's pool, written once before the record (src/services/draw-pools.ts). */
export const POOL_ITEM = defineEntity({
  name: 'pool item',
  table: 'distributions',
  key: { attribute: 'distribution_id', form: '#pool#<record id>#<n>', matches: (id) => /^#pool#.+#\d+$/.test(id) },
  attributes: {
    distribution_id: KEY,
    draw_id: { type: 'S', required: true },
    chunk: N,
    pool: { ...IDS, required: true, max: POOL_CHUNK, effect: 'the draw reads none of these members from it' },
    wanting: { ...IDS, max: POOL_CHUNK },
    /** By member id: { count, last? }. */
    figures: { type: 'M', max: POOL_CHUNK },
  },
});

/** `#open#00` … `#open#15`: draws still drawn, and awards not yet announced (src/services/open-draws.ts). */
export const OPEN_DRAWS = defineEntity({
  name: 'open-draw marker',
  table: 'distributions',
  key: { attribute: 'distribution_id', form: '#open#NN (00 to 15)', matches: (id) => /^#open#\d{2}$/.test(id) },
  attributes: {
    distribution_id: KEY,
    open_draws: { type: 'SS', max: OPEN_PER_SHARD, overBound: 'the sweep takes off those that ended' },
  },
});

/** `#history`: where history starts, and the day of the last delivery reminder (src/services/history-index.ts). */
export const HISTORY_TOP = defineEntity({
  name: 'history top marker',
  table: 'distributions',
  key: { attribute: 'distribution_id', form: '#history', matches: (id) => id === '#history' },
  attributes: {
    distribution_id: KEY,
    /** YYYY-MM: no record is older. */
    first_month: S,
    /** YYYY-MM-DD */
    reminded_on: S,
    // What an older FlavaFlav kept here, growing with history (check:data --fix removes them).
    months: legacy({ type: ['SS', 'L'], of: 'S' }),
    recent: legacy({ type: ['M', 'L', 'SS'] }),
    undelivered: legacy({ type: ['M', 'L', 'SS'] }),
    open_draws: legacy({ type: 'SS' }),
  },
});

/** `#history#YYYY-MM`: the days of a month with records, as YYYY-MM-DD and YYYY-MM-DD#<quality>. */
export const HISTORY_MONTH = defineEntity({
  name: 'history month marker',
  table: 'distributions',
  key: { attribute: 'distribution_id', form: '#history#YYYY-MM', matches: (id) => /^#history#\d{4}-\d{2}$/.test(id) },
  attributes: { distribution_id: KEY, days: { type: 'SS', max: 31 * 4 } },
});

/** `#wants`: how many members want each link type (one count per catalog type). */
export const WANTS_COUNTS = defineEntity({
  name: 'wants marker',
  table: 'distributions',
  key: { attribute: 'distribution_id', form: '#wants', matches: (id) => id === '#wants' },
  attributes: { distribution_id: KEY, counts: M },
});

// ---- the lists table -------------------------------------------------------------------------

const isListsMarker = (id: string) => id.startsWith('active-guard#') || id.startsWith('event#') || id === 'events#head';
const MEMBER_IDS = { type: 'SS', also: ['L'], of: 'S', effect: 'adding, removing and serving members fails' } as const;

export const LIST = defineEntity({
  name: 'list',
  table: 'lists',
  key: { attribute: 'list_id', form: 'list_<quality>_<uuid>', matches: (id) => id !== '' && !isListsMarker(id) },
  attributes: {
    list_id: KEY,
    list_name: { type: 'S', required: true },
    quality: { type: 'S', required: true },
    is_active: { type: 'SB', required: true, effect: 'the list is in no index, so /list and /distribute do not see it as active' },
    /** Ids still waiting (no attribute when none). */
    eligible_members: MEMBER_IDS,
    /** Ids already served (no attribute when none). */
    winners: MEMBER_IDS,
    created_by: S,
    created_at: S,
    /** Which cycle of the list (absent: the first). */
    cycle: N,
  },
});

/** `active-guard#<quality>`: which list is active (one per quality, under concurrency). */
export const LIST_GUARD = defineEntity({
  name: 'active-list guard',
  table: 'lists',
  key: { attribute: 'list_id', form: 'active-guard#<quality>', matches: (id) => /^active-guard#(bronze|silver|gold)$/.test(id) },
  attributes: { list_id: KEY, holder: { type: 'S', required: true } },
});

/** `event#<uuid>`: an attendance event (src/services/events.ts). */
export const EVENT = defineEntity({
  name: 'event',
  table: 'lists',
  key: { attribute: 'list_id', form: 'event#<uuid>', matches: (id) => id.startsWith('event#') },
  attributes: {
    list_id: KEY,
    /** 'event': what tells an event from a list. */
    record_type: { type: 'S', required: true },
    kind: { type: 'S', required: true },
    name: S,
    started_by: { type: 'S', required: true },
    started_at: { type: 'S', required: true },
    closes_at: { type: 'S', required: true },
    /** open, closing, closed */
    status: { type: 'S', required: true },
    present: { type: 'SS' },
    absent: { type: 'SS' },
    excused: { type: 'SS' },
    closed_at: S,
    closed_by: S,
    /** The ids of the events before it, newest first. */
    earlier: { ...IDS, max: EVENTS_PAGE },
    channel_id: S,
    message_id: S,
    version: { type: 'N', required: true },
  },
});

/** `events#head`: the newest events and the open ones. */
export const EVENTS_HEAD = defineEntity({
  name: 'events head',
  table: 'lists',
  key: { attribute: 'list_id', form: 'events#head', matches: (id) => id === 'events#head' },
  attributes: { list_id: KEY, recent: { ...IDS, max: EVENTS_PAGE }, open: { type: 'SS', max: MAX_OPEN_EVENTS }, version: N },
});

export const ENTITIES: readonly Entity[] = [MEMBER, GUEST_SESSIONS, LINK, DISTRIBUTION, POOL_ITEM, OPEN_DRAWS, HISTORY_TOP, HISTORY_MONTH, WANTS_COUNTS, LIST, LIST_GUARD, EVENT, EVENTS_HEAD];

/** The entity an item of a table is, by its key (a members-table key may also hold the old single table's other items). */
export function entityOf(table: Entity['table'], item: Record<string, unknown>): Entity | undefined {
  return ENTITIES.find((e) => {
    if (e.table !== table) return false;
    const id = item[e.key.attribute];
    return typeof id === 'string' && e.key.matches(id);
  });
}
