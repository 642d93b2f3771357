/**
 * `check:data`: scans the tables page by page and reports every item that does not fit the tables'
 * specification (docs/architecture.md, "The four tables"; src/checks/items.ts says what and why).
 * With `fix` it adds what items lack, each write a conditional update that only adds an absent
 * attribute, so the previous system can go on reading every item during a cut-over and nothing
 * anyone wrote is ever rewritten:
 *
 * 1. distributions: `status: confirmed` and `distribution_date` on the previous system's awards;
 * 2. markers: the history markers' days for every record in the date-index (and the first
 *    month), and the removal of what an older FlavaFlav kept on `#history` growing with history
 *    (`months`, `recent`, `undelivered`: bounded reads of the date-index replace them);
 * 3. members: counters and newest links derived from each member's history (needs 1: the
 *    history it counts); newest links alone for members counted before they were kept;
 * 4. inventory, 5. lists: reported only.
 *
 * After every page the caller gets the progress to save, so an interrupted run (Ctrl-C,
 * SIGTERM, a page budget) goes on from there; a second run finds nothing left to add.
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { scanPages } from '../db/requests';
import type { TableKind } from '../db/schema';
import { legacyAttendance } from '../domain/attendance';
import { storedInstant } from '../domain/dates';
import { countersFromHistory, recentFromHistory } from '../services/distribution-record';
import { DistributionsService } from '../services/distributions';
import { isConditionalCheckFailed } from '../services/errors';
import { HistoryIndex, isMarkerId } from '../services/history-index';
import { MembersService } from '../services/members';
import { AWARDS_ATTRIBUTE, type Member } from '../services/member-items';
import {
  checkDistribution,
  checkDrawItem,
  checkLink,
  checkList,
  checkMember,
  counterDrift,
  countersAddition,
  dateIndexEntry,
  isListGuardId,
  MISSING_RECENT_FINDING,
  missingCountersFinding,
  missingLogsFinding,
  type DistributionReport,
  type ItemReport,
} from './items';

export const PHASES = ['distributions', 'markers', 'members', 'inventory', 'lists'] as const;
export type Phase = (typeof PHASES)[number];
export type CheckedTable = 'distributions' | 'members' | 'inventory' | 'lists';
export const CHECKED_TABLES: readonly CheckedTable[] = ['distributions', 'members', 'inventory', 'lists'];

export interface TableCounts {
  scanned: number;
  /** Fit the tables' specification as they are. */
  fine: number;
  /** Do not fit (each listed with why). */
  reported: number;
  /** Got attributes added (with fix), or would (without). */
  fixed: number;
}

export interface MarkerCounts {
  /** Entries added to month markers: a day (YYYY-MM-DD), or a day with a quality (YYYY-MM-DD#gold). */
  entries: number;
  months: number;
  /** Attributes an older FlavaFlav kept on `#history` (growing with history) removed. */
  obsolete: number;
}

export interface CheckProgress {
  /** The phase to run next ('done' when all have run). */
  phase: Phase | 'done';
  /** Where in that phase's table to go on. */
  nextKey?: Record<string, unknown>;
  pages: number;
  counts: Record<CheckedTable, TableCounts>;
  markers: MarkerCounts;
}

export interface ReportedItem extends ItemReport {
  table: CheckedTable;
  /** What was added (fix), or what fix would add. */
  change?: string;
}

export interface CheckOptions {
  db: DynamoDBDocumentClient;
  /** The members entry may be the legacy single table (`membersInLegacyTable`). */
  tables: Record<TableKind, string>;
  membersInLegacyTable: boolean;
  fix: boolean;
  /** Tables that do not exist: their phases are skipped. */
  missing?: TableKind[];
  pageSize?: number;
  /** Stop after this many pages (of all phases together); the rest is left for a later run. */
  maxPages?: number;
  /** Asked between pages (e.g. after SIGINT): stop cleanly at the next page boundary. */
  shouldStop?: () => boolean;
  /** A previous run's progress to go on from. */
  progress?: CheckProgress;
  onPage?: (progress: CheckProgress) => void | Promise<void>;
  onItem?: (item: ReportedItem) => void;
  /** Parallel item checks within a page. */
  concurrency?: number;
}

export interface CheckResult {
  progress: CheckProgress;
  finished: boolean;
}

export function freshProgress(): CheckProgress {
  const zero = (): TableCounts => ({ scanned: 0, fine: 0, reported: 0, fixed: 0 });
  return { phase: PHASES[0], pages: 0, counts: { distributions: zero(), members: zero(), inventory: zero(), lists: zero() }, markers: { entries: 0, months: 0, obsolete: 0 } };
}

/** Everything fix changed (or would change): items and marker entries. */
export function changes(progress: CheckProgress): number {
  return CHECKED_TABLES.reduce((sum, t) => sum + progress.counts[t].fixed, 0) + progress.markers.entries + progress.markers.months + progress.markers.obsolete;
}

const PHASE_TABLE: Record<Phase, TableKind> = { distributions: 'distributions', markers: 'distributions', members: 'members', inventory: 'inventory', lists: 'lists' };

type Item = Record<string, unknown>;

export async function checkData(options: CheckOptions): Promise<CheckResult> {
  const { db, tables, fix } = options;
  const progress: CheckProgress = structuredClone(options.progress ?? freshProgress());
  const missing = new Set(options.missing ?? []);
  const distributions = new DistributionsService(db, tables.distributions);
  const members = new MembersService(db, tables.members);
  const index = new HistoryIndex(db, tables.distributions);
  const report = (item: ReportedItem) => options.onItem?.(item);
  /** Day and day#quality entries the month markers hold, by month (each read when first needed; one per month of history). */
  const known = new Map<string, Set<string>>();

  const perItem: Record<Exclude<Phase, 'markers'>, (item: Item) => Promise<void>> = {
    async distributions(item) {
      if (isMarkerId(String(item.distribution_id))) {
        // A draw's pool items and the open-draw markers are checked for their bounds; other markers are the history's.
        const drawItem = checkDrawItem(item);
        if (drawItem?.findings.length) report({ table: 'distributions', ...drawItem });
        return;
      }
      const counts = progress.counts.distributions;
      counts.scanned++;
      const checked = checkDistribution(item);
      if (!checked.findings.length) return void counts.fine++;
      counts.reported++;
      const wanted = describeAdditions(checked.additions);
      let change: string | undefined;
      if (wanted && !fix) {
        counts.fixed++;
        change = `--fix would add ${wanted}`;
      } else if (wanted) {
        const added = await addDistributionAttributes(db, tables.distributions, item, checked.additions);
        if (added) {
          counts.fixed++;
          change = `added ${added}`;
        }
      }
      report({ table: 'distributions', ...checked, change });
    },

    async members(item) {
      const counts = progress.counts.members;
      counts.scanned++;
      const checked = checkMember(item, { legacyTable: options.membersInLegacyTable });
      let change: string | undefined;
      // Without a distributions table there is no history to count from: counters are left alone.
      if (checked.kind === 'member' && !missing.has('distributions')) change = await checkCounters(item, checked.member, checked.findings);
      if (checked.kind === 'member') {
        const legacy = await checkLegacyAttendance(item, checked.findings);
        if (legacy) change = change ? `${change}; ${legacy}` : legacy;
      }
      if (!checked.findings.length) return void counts.fine++;
      counts.reported++;
      if (change) counts.fixed++;
      report({ table: 'members', label: checked.label, findings: checked.findings, change });
    },

    async inventory(item) {
      tally('inventory', checkLink(item));
    },

    async lists(item) {
      if (isListGuardId(String(item.list_id))) return;
      tally('lists', checkList(item));
    },
  };

  function tally(table: CheckedTable, checked: ItemReport): void {
    const counts = progress.counts[table];
    counts.scanned++;
    if (!checked.findings.length) return void counts.fine++;
    counts.reported++;
    report({ table, ...checked });
  }

  /**
   * Adds the counters or newest links a member lacks (from their history), or says the kept
   * counters disagree with it.
   */
  /** The previous system's attendance fields, turned into FlavaFlav's attendance and debt where the item has none (docs/attendance.md). */
  async function checkLegacyAttendance(item: Item, findings: string[]): Promise<string | undefined> {
    const legacy = legacyAttendance(item, storedInstant);
    const attendance = legacy.attendance && item.attended === undefined && item.missed === undefined ? legacy.attendance : undefined;
    const debt = legacy.debt && item.debts === undefined ? legacy.debt : undefined;
    if (!attendance && !debt) return undefined;
    const what = [attendance ? `attended, missed (${attendance.attended.length} events attended, ${attendance.missed.length} misses in a row)` : '', debt ? 'debts (a link of any quality owed)' : ''].filter(Boolean).join(' and ');
    findings.push(`the previous system's attendance fields are read as ${what}; they are left as is`);
    if (!fix) return `--fix would add ${what}`;
    return (await members.addLegacyAttendance(String(item.discord_id), { attendance, debt }, false)) ? `added ${what}` : undefined;
  }

  async function checkCounters(item: Item, member: Member, findings: string[]): Promise<string | undefined> {
    const records = await distributions.memberRecords(member.discord_id);
    const derived = countersFromHistory(records);
    if (member.counters) {
      const drift = counterDrift(member.counters, derived);
      if (drift) findings.push(drift);
      // A log present but unreadable is reported above and left as is: --fix adds only what is absent.
      const logs = MembersService.missingAwardLogs(member, derived).filter((q) => item[AWARDS_ATTRIBUTE[q]] === undefined || item[AWARDS_ATTRIBUTE[q]] === null);
      if (logs.length) {
        findings.push(missingLogsFinding(logs, derived));
        const what = `the ${logs.join(', ')} award log${logs.length === 1 ? '' : 's'} (from their history)`;
        if (!fix) return `--fix would add ${what}${member.recent ? '' : ' and recent_links'}`;
        // Empty when an award or a revert changed the item meanwhile: it is checked again next run.
        const added = await members.addMissingAwardLogs(member, derived);
        const recent = !member.recent && (await members.addMissingRecent(member, recentFromHistory(records)));
        return added.length || recent ? `added ${[added.length ? what : '', recent ? 'recent_links' : ''].filter(Boolean).join(' and ')}` : undefined;
      }
      if (member.recent) return undefined;
      findings.push(MISSING_RECENT_FINDING);
      if (!fix) return '--fix would add recent_links (their 5 newest links)';
      // False when an award or a revert started them meanwhile: they stand.
      return (await members.addMissingRecent(member, recentFromHistory(records))) ? 'added recent_links' : undefined;
    }
    // Present but unreadable (reported above, left as is): --fix adds only what is absent.
    if (item.links_received !== undefined && item.links_received !== null) return undefined;
    findings.push(missingCountersFinding(derived));
    if (!fix) return `--fix would add ${countersAddition(derived)}`;
    // False when the bot (an award or a revert) wrote counters meanwhile: they stand.
    return (await members.addMissingCounters(member, { counters: derived, recent: recentFromHistory(records) }, false)) ? `added ${countersAddition(derived)}` : undefined;
  }

  /** The markers phase, a page at a time: the days its records are listed under, where absent. */
  async function addMarkerDays(items: Item[]): Promise<void> {
    const records = items.filter((item) => !isMarkerId(String(item.distribution_id)));
    // Without fix a record is counted as fix would leave it (with its distribution_date).
    const entries = records.map((item) => dateIndexEntry(item, checkDistribution(item).additions)).filter((e) => e !== undefined);
    if (!entries.length) return;
    const unread = [...new Set(entries.map((e) => e.day.slice(0, 7)))].filter((m) => !known.has(m));
    if (unread.length) {
      const byMonth = await index.days(unread, { consistent: true });
      for (const m of unread) known.set(m, byMonth.get(m) ?? new Set());
    }
    const { firstMonth } = await index.top({ consistent: true });
    const absent = entries.filter((e) => !known.get(e.day.slice(0, 7))!.has(e.day) || !known.get(e.day.slice(0, 7))!.has(`${e.day}#${e.quality}`));
    const earliest = entries.map((e) => e.day.slice(0, 7)).sort()[0];
    if (!absent.length && firstMonth && firstMonth <= earliest) return;
    // addDays also moves the first month back to the earliest of these, where needed.
    if (fix) await index.addDays(absent.length ? absent : entries.filter((e) => e.day.slice(0, 7) === earliest).slice(0, 1));
    for (const { day, quality } of absent) {
      const days = known.get(day.slice(0, 7))!;
      if (!days.size) progress.markers.months++;
      for (const entry of [day, `${day}#${quality}`]) {
        if (!days.has(entry)) progress.markers.entries++;
        days.add(entry);
      }
    }
  }

  /** The markers phase's last step: what an older FlavaFlav kept on `#history`, growing with history, goes. */
  async function removeObsolete(): Promise<void> {
    progress.markers.obsolete += fix ? (await index.removeObsolete()).length : (await index.top({ consistent: true })).obsolete.length;
  }

  let pagesThisRun = 0;
  const maxPages = options.maxPages ?? Number.POSITIVE_INFINITY;
  while (progress.phase !== 'done') {
    const phase: Phase = progress.phase;
    const table = PHASE_TABLE[phase];
    if (!missing.has(table)) {
      // Consistent: the markers phase must see the days the distributions phase has just added.
      // Bounded by the loop below (maxPages a run, across phases).
      const pages = scanPages(db, { TableName: tables[table], ConsistentRead: true, Limit: options.pageSize ?? 100 }, { maxPages: Number.POSITIVE_INFINITY, from: progress.nextKey });
      for await (const page of pages) {
        if (phase === 'markers') await addMarkerDays(page.items);
        else await eachLimited(page.items, options.concurrency ?? 8, perItem[phase]);
        progress.nextKey = page.next;
        if (!progress.nextKey && phase === 'markers') await removeObsolete();
        if (!progress.nextKey) progress.phase = nextPhase(phase);
        progress.pages++;
        pagesThisRun++;
        await options.onPage?.(structuredClone(progress));
        if (progress.phase === 'done') break;
        if (pagesThisRun >= maxPages || options.shouldStop?.()) return { progress, finished: false };
        if (!progress.nextKey) break;
      }
    } else {
      progress.nextKey = undefined;
      progress.phase = nextPhase(phase);
    }
  }
  return { progress, finished: true };
}

function nextPhase(phase: Phase): Phase | 'done' {
  return PHASES[PHASES.indexOf(phase) + 1] ?? 'done';
}

function describeAdditions(additions: DistributionReport['additions']): string {
  return Object.entries(additions)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
}

/**
 * Adds a record's missing status and distribution_date, each in its own conditional update that
 * writes it only while absent: a revert by the bot meanwhile (which sets status) keeps its status
 * and still gets its day. Returns what was added.
 */
async function addDistributionAttributes(db: DynamoDBDocumentClient, table: string, item: Item, additions: DistributionReport['additions']): Promise<string> {
  const key = { distribution_id: item.distribution_id };
  const added: DistributionReport['additions'] = {};
  const addIfAbsent = async (name: 'status' | 'distribution_date', value: string, extra = '', values: Record<string, unknown> = {}) => {
    try {
      await db.send(
        new UpdateCommand({
          TableName: table,
          Key: key,
          UpdateExpression: 'SET #a = :v',
          ConditionExpression: `attribute_exists(distribution_id) AND attribute_not_exists(#a)${extra}`,
          ExpressionAttributeNames: { '#a': name },
          ExpressionAttributeValues: { ':v': value, ...values },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  };
  if (additions.status && (await addIfAbsent('status', additions.status))) added.status = additions.status;
  // Only while distributed_at is what the day was derived from.
  if (additions.distribution_date && (await addIfAbsent('distribution_date', additions.distribution_date, ' AND distributed_at = :seen', { ':seen': item.distributed_at }))) {
    added.distribution_date = additions.distribution_date;
  }
  return describeAdditions(added);
}

/** Runs `fn` on every item, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) await fn(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
