/**
 * The guild's rules for what officers and members change, in one place for both views: the slash
 * commands and the web dashboard call these and only word the answer. Each returns what it did,
 * or a typed refusal (nothing written).
 */
import { DEBT_REASON_MAX, EVENT_KINDS, ineligibility, isInactive, type AttendanceRules, type DebtKey, type EventKind } from '../domain/attendance';
import type { Clock } from '../domain/clock';
import { findLinkType, suggestLinkTypes, type LinkType } from '../domain/catalog';
import { parseDay, utcDay } from '../domain/dates';
import { isEligible, standingOf, type Quality, type RankThresholds, type Standing } from '../domain/ranks';
import type { AwardsService, DeliveryResult } from './awards';
import type { DistributionsService } from './distributions';
import { MAX_LINKS_PER_ADD, type InventoryService, type Link } from './inventory';
import type { DistributionList, ListChange, ListsService } from './lists';
import type { CountedMember, Member } from './member-items';
import type { MembersService } from './members';
import type { RosterService } from './roster';
import { EVENT_NAME_MAX, type EventResult } from './event-items';
import type { EventsService } from './events';

type Refusal<R extends string, X = object> = { ok: false; reason: R } & X;

/** The longest list name (stored on the list and shown everywhere it is named). */
export const LIST_NAME_MAX = 60;
/** The longest notes kept with added links (each link stores its own copy). */
export const NOTES_MAX = 200;
/** A name must show something: a letter, digit, symbol or punctuation, not only invisible characters. */
const VISIBLE = /[\p{L}\p{N}\p{S}\p{P}]/u;

export type AddMemberResult =
  | { ok: true; member: CountedMember; joinDateSet: boolean }
  | Refusal<'bot' | 'not_in_guild' | 'bad_date' | 'future_date' | 'changed'>
  | Refusal<'exists', { member: Member }>;

export type AwayResult = { ok: true; member: Member; until: string | null } | Refusal<'not_allowed' | 'bad_date' | 'past_date' | 'not_found'>;

export type CreateListResult =
  | { ok: true; list: DistributionList }
  | Refusal<'empty_name'>
  | Refusal<'long_name', { length: number }>
  | Refusal<'active_exists', { existing?: DistributionList }>;

export type ListMemberResult =
  | { ok: true; list: DistributionList }
  | Refusal<'list_not_found' | 'closed' | 'already_in' | 'already_served' | 'not_in' | 'not_on_roster'>
  | Refusal<'not_eligible', { standing: Standing; quality: Quality }>;

export type AddStockResult =
  | { ok: true; type: LinkType; links: Link[]; repeated: boolean }
  | Refusal<'unknown_type', { suggestions: string[] }>
  | Refusal<'bad_count'>
  | Refusal<'long_notes', { length: number }>;

export type MarkDeliveredResult = DeliveryResult | Refusal<'not_allowed'>;

/** The services whose writes the guild's rules make. */
export interface GuildServices {
  members: MembersService;
  roster: RosterService;
  inventory: InventoryService;
  distributions: DistributionsService;
  lists: ListsService;
  awards: AwardsService;
  events: EventsService;
}

export type StartEventResult = EventResult | Refusal<'bad_kind'> | Refusal<'long_name', { length: number }>;
export type OweResult = { ok: true; member: Member } | Refusal<'not_found' | 'bad_quality' | 'empty_reason'> | Refusal<'long_reason', { length: number }>;
export type NextCycleResult = { ok: true; list: DistributionList; previous: DistributionList } | Refusal<'list_not_found' | 'closed' | 'still_waiting' | 'active_exists'>;

export class GuildService {
  constructor(
    private readonly s: GuildServices,
    private readonly ranks: RankThresholds,
    private readonly clock: Clock,
    private readonly attendance: AttendanceRules,
  ) {}

  private today(): string {
    return utcDay(this.clock.now());
  }

  /** A catalog link type by name (any case), or the closest names. */
  resolveLinkType(name: string): { ok: true; type: LinkType } | Refusal<'unknown_type', { suggestions: string[] }> {
    const type = findLinkType(name);
    return type ? { ok: true, type } : { ok: false, reason: 'unknown_type', suggestions: suggestLinkTypes(name, 3).map((t) => t.name) };
  }

  /**
   * Puts someone on the roster. The join date is a real YYYY-MM-DD day, not in the future;
   * without one, the day they joined the Discord server (else today). Someone already on the roster
   * whose stored join date is unreadable gets the date given instead, the one way to mend it.
   */
  async addMember(input: { discordId: string; username: string; isBot: boolean; inGuild: boolean; joinDate?: string; discordJoinedAt?: string; officer: boolean; by: string }): Promise<AddMemberResult> {
    if (input.isBot) return { ok: false, reason: 'bot' };
    if (!input.inGuild) return { ok: false, reason: 'not_in_guild' };
    // Left empty, the option is as if not given; only whitespace is a date that cannot be read.
    const given = input.joinDate === '' ? undefined : input.joinDate?.trim();
    if (given !== undefined && !parseDay(given)) return { ok: false, reason: 'bad_date' };
    const joined = input.discordJoinedAt ? new Date(input.discordJoinedAt) : undefined;
    const joinDate = given ?? (joined && !Number.isNaN(joined.getTime()) ? utcDay(joined) : this.today());
    if (joinDate > this.today()) return { ok: false, reason: 'future_date' };

    // Their history (someone added back keeps what they received) is read with the roster's item:
    // for nothing only when they are on the roster already, which is refused.
    const [existing, history] = await Promise.all([this.s.members.get(input.discordId, true), this.s.roster.history(input.discordId)]);
    if (existing && !existing.join_date && given) {
      const fixed = await this.s.members.setJoinDate(input.discordId, joinDate, existing.storedJoinDate);
      return fixed ? { ok: true, member: await this.s.roster.counted(fixed), joinDateSet: true } : { ok: false, reason: 'changed' };
    }
    if (existing) return { ok: false, reason: 'exists', member: existing };
    const added = await this.s.members.add({ discord_id: input.discordId, username: input.username, join_date: joinDate, is_officer: input.officer, added_by: input.by }, history);
    if (!added.ok) return { ok: false, reason: 'exists', member: (await this.s.members.get(input.discordId, true))! };
    return { ok: true, member: added.member, joinDateSet: false };
  }

  /** Skips a member in random draws through `until` (YYYY-MM-DD, today or later), or clears it ("none"). Officers, or the member for themself. */
  async markAway(input: { memberId: string; until: string; by: string; byOfficer: boolean }): Promise<AwayResult> {
    if (input.memberId !== input.by && !input.byOfficer) return { ok: false, reason: 'not_allowed' };
    const text = input.until.trim();
    const clear = text.toLowerCase() === 'none';
    if (!clear && !parseDay(text)) return { ok: false, reason: 'bad_date' };
    if (!clear && text < this.today()) return { ok: false, reason: 'past_date' };
    const member = await this.s.members.setAway(input.memberId, clear ? null : text);
    return member ? { ok: true, member, until: clear ? null : text } : { ok: false, reason: 'not_found' };
  }

  /** A new active list for a quality, filled with every member then eligible (or empty). */
  async createList(input: { name: string; quality: Quality; fill: 'eligible' | 'empty'; by: string; cycle?: number }): Promise<CreateListResult> {
    const name = input.name.trim();
    if (!VISIBLE.test(name)) return { ok: false, reason: 'empty_name' };
    if (name.length > LIST_NAME_MAX) return { ok: false, reason: 'long_name', length: name.length };
    const today = this.today();
    const now = this.clock.now();
    const eligible =
      input.fill === 'eligible'
        ? (await this.s.members.listAll()).filter((m) => isEligible(m, input.quality, this.ranks, today) && !ineligibility(m, input.quality, this.ranks, this.attendance, now)).map((m) => m.discord_id)
        : [];
    const result = await this.s.lists.create({ list_name: name, quality: input.quality, eligible_members: eligible, created_by: input.by, ...(input.cycle ? { cycle: input.cycle } : {}) });
    return result.ok ? result : { ok: false, reason: 'active_exists', existing: result.existing };
  }

  /** Puts a roster member who may receive the list's quality on its waiting ids. */
  async addToList(listId: string, memberId: string): Promise<ListMemberResult> {
    // Consistent: a list or member added a moment ago is there (on AWS a plain read may not see it yet).
    const [list, member] = await Promise.all([this.s.lists.get(listId.trim(), true), this.s.members.get(memberId, true)]);
    if (!list) return { ok: false, reason: 'list_not_found' };
    if (!member) return { ok: false, reason: 'not_on_roster' };
    const standing = standingOf(member, this.ranks, this.today());
    if (!standing.eligibleFor.includes(list.quality)) return { ok: false, reason: 'not_eligible', standing, quality: list.quality };
    return this.listChange(await this.s.lists.addMember(list.list_id, memberId));
  }

  async removeFromList(listId: string, memberId: string): Promise<ListMemberResult> {
    return this.listChange(await this.s.lists.removeMember(listId.trim(), memberId));
  }

  /**
   * Closes a list. Those still waiting who were away or inactive when it closed are owed a link of
   * its quality (the previous system's rule), served first by the next draw of that quality.
   */
  async closeList(listId: string, by = 'system'): Promise<ListMemberResult & { owed?: string[] }> {
    // The debts first (each written once, however often this runs), then the close: a close
    // stopped half-way (a restart, a refusal) leaves the list open, and closing again finishes it.
    const open = await this.s.lists.get(listId.trim(), true);
    const owed: string[] = [];
    if (open?.is_active === 'true') {
      const now = this.clock.now();
      const today = utcDay(now);
      for (const id of open.eligible_members) {
        const member = await this.s.members.get(id, true);
        if (!member || member.debts.some((d) => d.key === open.quality)) continue;
        const away = Boolean(member.away_until && member.away_until >= today);
        if (!away && !isInactive(member.attendance, this.attendance)) continue;
        await this.s.members.owe(id, { key: open.quality, reason: `still waiting when “${open.list_name}” closed (${away ? 'away' : 'inactive'})`.slice(0, DEBT_REASON_MAX), since: now.toISOString(), by });
        owed.push(id);
      }
    }
    const change = this.listChange(await this.s.lists.close(listId.trim()));
    if (!change.ok) return change;
    return { ...change, owed };
  }

  /** When a list has served everyone: closes it and starts the next cycle, of the same name and quality, filled with every member then eligible. */
  async nextCycle(listId: string, by: string): Promise<NextCycleResult> {
    const list = await this.s.lists.get(listId.trim(), true);
    if (!list) return { ok: false, reason: 'list_not_found' };
    if (list.is_active !== 'true') return { ok: false, reason: 'closed' };
    if (list.eligible_members.length) return { ok: false, reason: 'still_waiting' };
    const closed = await this.s.lists.close(list.list_id);
    if (!closed.ok) return { ok: false, reason: closed.reason === 'not_found' ? 'list_not_found' : 'closed' };
    const created = await this.createList({ name: list.list_name, quality: list.quality, fill: 'eligible', by, cycle: (list.cycle ?? 1) + 1 });
    if (!created.ok) return { ok: false, reason: 'active_exists' };
    return { ok: true, list: created.list, previous: closed.list };
  }

  /** `/event start`: check-in opens for the configured hours. */
  async startEvent(input: { kind: string; name?: string; by: string }): Promise<StartEventResult> {
    const kind = EVENT_KINDS.find((k) => k === input.kind);
    if (!kind) return { ok: false, reason: 'bad_kind' };
    const name = input.name?.trim() || undefined;
    if (name && name.length > EVENT_NAME_MAX) return { ok: false, reason: 'long_name', length: name.length };
    return this.s.events.start({ kind: kind as EventKind, name, by: input.by });
  }

  /** `/member owe`: a link of a quality owed to a member, with why. */
  async owe(input: { memberId: string; quality: string; reason: string; by: string }): Promise<OweResult> {
    const key = (['bronze', 'silver', 'gold', 'any'] as const).find((q) => q === input.quality) as DebtKey | undefined;
    if (!key) return { ok: false, reason: 'bad_quality' };
    const reason = input.reason.trim();
    if (!VISIBLE.test(reason)) return { ok: false, reason: 'empty_reason' };
    if (reason.length > DEBT_REASON_MAX) return { ok: false, reason: 'long_reason', length: reason.length };
    const member = await this.s.members.owe(input.memberId, { key, reason, since: this.clock.now().toISOString(), by: input.by });
    return member ? { ok: true, member } : { ok: false, reason: 'not_found' };
  }

  async forgive(memberId: string): Promise<{ ok: true; member: Member } | Refusal<'not_found' | 'nothing_owed'>> {
    const current = await this.s.members.get(memberId, true);
    if (!current) return { ok: false, reason: 'not_found' };
    if (!current.debts.length) return { ok: false, reason: 'nothing_owed' };
    const member = await this.s.members.forgive(memberId);
    return member ? { ok: true, member } : { ok: false, reason: 'not_found' };
  }

  /** Adds 1–50 links of a catalog type; keyed by the request, so a retry adds nothing more. */
  async addStock(input: { linkType: string; quality: Quality; count: number; notes?: string; by: string; key?: string }): Promise<AddStockResult> {
    const resolved = this.resolveLinkType(input.linkType);
    if (!resolved.ok) return resolved;
    if (!Number.isInteger(input.count) || input.count < 1 || input.count > MAX_LINKS_PER_ADD) return { ok: false, reason: 'bad_count' };
    const { type } = resolved;
    const notes = input.notes?.trim() || undefined;
    if (notes && notes.length > NOTES_MAX) return { ok: false, reason: 'long_notes', length: notes.length };
    const added = await this.s.inventory.add(
      { link_type: type.name, quality: input.quality, category: type.category, bonus: type.bonus[input.quality], count: input.count, added_by: input.by, notes },
      { key: input.key },
    );
    return { ok: true, type, ...added };
  }

  /**
   * Records that an award was handed over in game: an officer may say so, or the member who won
   * it (that they received it). `isOfficer` is asked only when the winner is someone else.
   */
  async markDelivered(input: { distributionId: string; by: string; isOfficer: () => Promise<boolean>; origin: string }): Promise<MarkDeliveredResult> {
    const record = await this.s.distributions.get(input.distributionId, true);
    // Who may, before what exists: anyone but an officer or the winner learns nothing of the id
    // (whether there is such a record, or what state it is in).
    if (record?.member_id !== input.by && !(await input.isOfficer())) return { ok: false, reason: 'not_allowed' };
    if (!record) return { ok: false, reason: 'not_found' };
    if (!record.member_id) return { ok: false, reason: 'not_an_award', distribution: record };
    return this.s.awards.markDelivered(input.distributionId, input.by, input.origin);
  }

  private listChange(change: ListChange): ListMemberResult {
    if (change.ok) return change;
    return { ok: false, reason: change.reason === 'not_found' ? 'list_not_found' : change.reason };
  }
}
