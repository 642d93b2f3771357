/**
 * Copies a legacy single table into the four tables, page by page. The source is only ever
 * scanned. Each item is written only if its key is absent, so what is already there (copied by
 * an earlier run, or changed since) is never overwritten and a second run writes nothing. After
 * every page the caller gets the key to resume from, so an interrupted run can go on where it
 * stopped. When the whole table has been copied, members that kept a count but no award log get
 * their logs from the history now copied (the fairness policies read them), where absent.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { scanPages } from '../db/requests';
import { TABLES, type TableKind } from '../db/schema';
import { displayId } from '../domain/ids';
import type { Quality } from '../domain/ranks';
import { countersFromHistory } from '../services/distribution-record';
import { DistributionsService } from '../services/distributions';
import { isConditionalCheckFailed } from '../services/errors';
import { HistoryIndex } from '../services/history-index';
import { ListsService } from '../services/lists';
import { MembersService } from '../services/members';
import { readMember } from '../services/member-items';
import { isLinkHistory, migrateItem, type Migrated } from './legacy-items';

export interface MigrationCounts {
  read: number;
  /** Written, or in a dry run: would be written. */
  written: number;
  /** Already in the target table. */
  skipped: number;
  rejected: number;
}

export interface Rejection {
  /** The item's key in the legacy table. */
  key: string;
  reason: string;
}

/** Something done with an item that ops should know of (an award imported, a member to add back). */
export interface Note {
  key: string;
  text: string;
}

export type ScanKey = Record<string, unknown>;

export interface MigrationOptions {
  db: DynamoDBDocumentClient;
  source: string;
  targets: Record<TableKind, string>;
  dryRun?: boolean;
  /** Resume after this key (a previous run's checkpoint) with its counts. */
  startKey?: ScanKey;
  counts?: MigrationCounts;
  pageSize?: number;
  /** Stop after this many pages; the rest is left for a later run. */
  maxPages?: number;
  /** Asked between pages (e.g. after SIGINT): stop cleanly at the next page boundary. */
  shouldStop?: () => boolean;
  /** Parallel writes within a page. */
  concurrency?: number;
  onPage?: (progress: { pages: number; counts: MigrationCounts; nextKey: ScanKey | undefined }) => void | Promise<void>;
  onReject?: (rejection: Rejection) => void;
  onNote?: (note: Note) => void;
}

export interface MigrationResult {
  counts: MigrationCounts;
  /** False when it stopped early; `nextKey` is where to resume. */
  finished: boolean;
  nextKey: ScanKey | undefined;
}

type Outcome = 'written' | 'exists' | 'active_exists';

export async function migrateLegacyTable(options: MigrationOptions): Promise<MigrationResult> {
  const { db, source, targets, dryRun = false } = options;
  const counts: MigrationCounts = { ...(options.counts ?? { read: 0, written: 0, skipped: 0, rejected: 0 }) };
  const lists = new ListsService(db, targets.lists);
  const index = new HistoryIndex(db, targets.distributions);
  const reject = (key: string, reason: string) => {
    counts.rejected++;
    options.onReject?.({ key, reason });
  };
  // A dry run takes no guards, so it remembers which qualities' active lists it would have written.
  const claimed = new Set<unknown>();
  const copy = async (item: Record<string, unknown>) => {
    const key = String(item.discord_id ?? '?');
    const migrated = migrateItem(item);
    if (!migrated.ok) return reject(key, migrated.reason);
    let outcome: Outcome;
    if (migrated.kind !== 'lists') {
      outcome = await putIfAbsent(db, targets[migrated.kind], migrated, dryRun);
    } else if (dryRun && migrated.item.is_active === 'true' && claimed.has(migrated.item.quality)) {
      outcome = 'active_exists';
    } else {
      if (dryRun && migrated.item.is_active === 'true') claimed.add(migrated.item.quality);
      outcome = await lists.importList(migrated.item as Parameters<ListsService['importList']>[0], dryRun);
    }
    if (outcome === 'written') counts.written++;
    else if (outcome === 'exists') counts.skipped++;
    else return reject(key, `another active ${String(migrated.item.quality)} list is already in ${targets.lists}; close one and run again`);
    if (migrated.kind === 'distributions' && outcome === 'written' && !dryRun) {
      // Guild-wide history finds records through the markers' days. Should a run stop between
      // the record and its day, the record is skipped when run again; check:data --fix adds the day.
      await index.addDays([{ day: String(migrated.item.distribution_date), quality: migrated.item.quality as Quality }]);
    }
    if (isLinkHistory(item)) await noteLinkHistory(item, migrated, outcome);
  };
  /** A link-history item: its award, and its member, whose own item it replaced. */
  const noteLinkHistory = async (item: Record<string, unknown>, migrated: Extract<Migrated, { ok: true }>, outcome: Outcome) => {
    const key = String(item.discord_id);
    const received = String(migrated.item.distribution_date);
    if (outcome === 'written') {
      const what = `${String(migrated.item.quality)} ${String(migrated.item.link_type)} link received ${received}`;
      options.onNote?.({ key, text: `link-history item (${what}) ${dryRun ? 'would be imported' : 'imported'} as an award, ${displayId(migrated.key)}; it names no link in the inventory` });
    }
    const { Item: onRoster } = await db.send(new GetCommand({ TableName: targets.members, Key: { discord_id: key }, ProjectionExpression: 'discord_id' }));
    if (!onRoster) {
      options.onNote?.({
        key,
        text: `member ${key} (${displayId(String(migrated.item.member_username))}): only a link-history item was found under this key; their award ${dryRun ? 'would be' : 'was'} imported; add them with /member add`,
      });
    }
  };

  let startKey = options.startKey;
  let pages = 0;
  const scan = scanPages(db, { TableName: source, Limit: options.pageSize ?? 100 }, { maxPages: options.maxPages ?? Number.POSITIVE_INFINITY, from: startKey });
  for await (const page of scan) {
    pages++;
    const queue = [...page.items];
    counts.read += queue.length;
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) await copy(item);
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
    startKey = page.next;
    await options.onPage?.({ pages, counts: { ...counts }, nextKey: startKey });
    if (!startKey) {
      if (!dryRun) await addAwardLogs(db, targets, options.onNote);
      return { counts, finished: true, nextKey: undefined };
    }
    if (options.shouldStop?.()) break;
  }
  return { counts, finished: false, nextKey: startKey };
}

/**
 * Members copied with a count (`links_received`) but no award log: the logs their history (as
 * copied) holds are added where absent (when the count agrees with that history), so `fewest` and `longest` do not count them as never
 * served. A scan of the members table (bounded by the roster) and one history read per such member.
 */
async function addAwardLogs(db: DynamoDBDocumentClient, targets: Record<TableKind, string>, onNote: MigrationOptions['onNote']): Promise<void> {
  const members = new MembersService(db, targets.members);
  const distributions = new DistributionsService(db, targets.distributions);
  const scan = scanPages(
    db,
    {
      TableName: targets.members,
      ConsistentRead: true,
      FilterExpression: 'attribute_exists(links_received) AND attribute_not_exists(awards_bronze) AND attribute_not_exists(awards_silver) AND attribute_not_exists(awards_gold)',
    },
    { maxPages: 1_000 },
  );
  for await (const out of scan) {
    for (const item of out.items) {
      const member = readMember(item);
      const derived = countersFromHistory(await distributions.memberRecords(member.discord_id));
      // Only where the count kept agrees with the history copied: a count that disagrees is for
      // check:data to report (and an officer to settle), not for the logs to paper over.
      if (member.counters?.links_received !== derived.links_received) continue;
      const added = await members.addMissingAwardLogs(member, derived);
      if (added.length) onNote?.({ key: member.discord_id, text: `member ${member.discord_id} (${displayId(member.username)}): kept a count but no award log; the ${added.join(', ')} log${added.length === 1 ? '' : 's'} added from their history` });
    }
  }
}

async function putIfAbsent(db: DynamoDBDocumentClient, table: string, migrated: Extract<Migrated, { ok: true }>, dryRun: boolean): Promise<Outcome> {
  const keyName = TABLES[migrated.kind].hashKey;
  if (dryRun) {
    const { Item } = await db.send(
      new GetCommand({ TableName: table, Key: { [keyName]: migrated.key }, ProjectionExpression: '#k', ExpressionAttributeNames: { '#k': keyName } }),
    );
    return Item ? 'exists' : 'written';
  }
  try {
    await db.send(
      new PutCommand({
        TableName: table,
        Item: migrated.item,
        // Never overwrite: an item copied before, or changed by the bot since, stays as it is.
        ConditionExpression: 'attribute_not_exists(#k)',
        ExpressionAttributeNames: { '#k': keyName },
      }),
    );
    return 'written';
  } catch (error) {
    if (isConditionalCheckFailed(error)) return 'exists';
    throw error;
  }
}
