/**
 * The second pass of a restore: puts a verified backup's items into the target tables, 25 to a
 * BatchWriteItem, a few batches in parallel. Never overwrites by default: before each batch it
 * reads the batch's keys (BatchGetItem, consistent) and puts only the items that are absent; an
 * existing identical item is "unchanged", an existing different one is "conflicting" and is left
 * as it is (reported by table and key) unless `overwrite`. So a second run writes nothing.
 *
 * The race that remains: BatchWriteItem cannot be conditional, so an item written by someone
 * else between a batch's read and its write is overwritten. A conditional PutItem per item would
 * close that window at 25 times the requests; a restore does not need it, because nothing else
 * writes the target during one (the bot is stopped first, as docs/operations.md says), and the
 * window is one batch's round trip.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { batchGetAll, batchPutAll, DEFAULT_RETRY, type RetryPolicy } from './batches';
import { readVerifiedLines, type VerifiedBackup } from './file';
import { sameItem } from './compare';
import { BackupFileError, type BackupKind, type Item } from './format';

/** BatchWriteItem takes at most 25 items. */
export const BATCH_SIZE = 25;

export interface RestoreCounts {
  read: number;
  /** Put (new, or replacing a different item with `overwrite`); in a dry run: would be put. */
  written: number;
  /** Already there, identical. */
  unchanged: number;
  /** Already there, different: kept, or replaced with `overwrite`. */
  conflicting: number;
}

export interface Conflict {
  kind: BackupKind;
  table: string;
  /** `<key attribute>=<value as JSON>`: ids may hold control characters. */
  key: string;
}

export interface RestoreOptions {
  client: DynamoDBClient;
  /** What verifyBackup returned: the file has been checked whole before anything is written. */
  backup: VerifiedBackup;
  /** The target table of each kind in the backup. */
  targets: Partial<Record<BackupKind, string>>;
  /** Target tables that do not exist yet (a dry run creates none): read as empty. */
  missingTables?: ReadonlySet<string>;
  dryRun?: boolean;
  overwrite?: boolean;
  /** Resume after this many item lines (an earlier run's checkpoint), with its counts. */
  position?: number;
  counts?: RestoreCounts;
  /** Stop after this many batches; the rest is left for a later run. */
  maxBatches?: number;
  /** Asked between groups of batches (e.g. after SIGINT): stop cleanly there. */
  shouldStop?: () => boolean;
  /** Batches in flight at once. */
  concurrency?: number;
  retry?: RetryPolicy;
  /** After every group of batches, with where to resume from. */
  onBatch?: (progress: { position: number; batches: number; counts: RestoreCounts }) => void | Promise<void>;
  onConflict?: (conflict: Conflict) => void;
}

export interface RestoreResult {
  counts: RestoreCounts;
  /** False when it stopped early; `position` is where to resume. */
  finished: boolean;
  position: number;
}

interface Pending {
  kind: BackupKind;
  table: string;
  keyName: string;
  item: Item;
}

const idOf = (table: string, item: Item, keyName: string) => `${table}\u0000${item[keyName].S}`;

export async function restoreBackup(options: RestoreOptions): Promise<RestoreResult> {
  const { backup } = options;
  const counts: RestoreCounts = { ...(options.counts ?? { read: 0, written: 0, unchanged: 0, conflicting: 0 }) };
  const start = options.position ?? 0;
  const maxBatches = options.maxBatches ?? Number.POSITIVE_INFINITY;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const keyNames = new Map(backup.header.tables.map((t) => [t.kind, t.hashKey]));
  for (const table of backup.header.tables) {
    if (!options.targets[table.kind]) throw new Error(`no target table for the backup's ${table.kind} table`);
  }

  let position = start;
  let batches = 0;
  let group: Pending[] = [];
  const inGroup = new Set<string>();
  const groupLimit = () => BATCH_SIZE * Math.min(concurrency, maxBatches - batches);

  const flush = async () => {
    if (!group.length) return;
    const parts: Pending[][] = [];
    for (let i = 0; i < group.length; i += BATCH_SIZE) parts.push(group.slice(i, i + BATCH_SIZE));
    const results = await Promise.all(parts.map((part) => restoreBatch(options, part)));
    for (const result of results) {
      counts.written += result.written;
      counts.unchanged += result.unchanged;
      counts.conflicting += result.conflicts.length;
      for (const conflict of result.conflicts) options.onConflict?.(conflict);
    }
    counts.read += group.length;
    position += group.length;
    batches += parts.length;
    group = [];
    inGroup.clear();
    await options.onBatch?.({ position, batches, counts: { ...counts } });
  };

  const lines = readVerifiedLines(backup.file);
  let index = 0;
  for (;;) {
    const next = await lines.next();
    if (next.done) {
      // Verified whole before; a different trailer now means the file was replaced meanwhile.
      if (next.value.trailer.sha256 !== backup.trailer.sha256) throw new BackupFileError('corrupt', `${backup.file} changed during the restore`);
      break;
    }
    const line = next.value;
    if (line.type !== 'item' || index++ < start) continue;
    const table = options.targets[line.table]!;
    const keyName = keyNames.get(line.table)!;
    const id = idOf(table, line.item, keyName);
    // BatchWriteItem refuses a key twice in one request, and two batches in flight must not race on one key.
    if (group.length >= groupLimit() || inGroup.has(id)) {
      await flush();
      if (batches >= maxBatches || options.shouldStop?.()) {
        await lines.return(undefined as never);
        return { counts, finished: false, position };
      }
    }
    group.push({ kind: line.table, table, keyName, item: line.item });
    inGroup.add(id);
  }
  await flush();
  return { counts, finished: true, position };
}

async function restoreBatch(options: RestoreOptions, batch: Pending[]): Promise<{ written: number; unchanged: number; conflicts: Conflict[] }> {
  const retry = options.retry ?? DEFAULT_RETRY;
  const keys: Record<string, Item[]> = {};
  for (const { table, keyName, item } of batch) {
    if (!options.missingTables?.has(table)) (keys[table] ??= []).push({ [keyName]: item[keyName] });
  }
  const found = await batchGetAll(options.client, keys, retry);
  const existing = new Map<string, Item>();
  for (const { table, keyName } of batch) {
    for (const item of found[table] ?? []) existing.set(idOf(table, item, keyName), item);
  }

  const puts: Record<string, Item[]> = {};
  let unchanged = 0;
  const conflicts: Conflict[] = [];
  for (const { kind, table, keyName, item } of batch) {
    const there = existing.get(idOf(table, item, keyName));
    if (there && sameItem(there, item)) {
      unchanged++;
      continue;
    }
    if (there) {
      conflicts.push({ kind, table, key: `${keyName}=${JSON.stringify(item[keyName].S)}` });
      if (!options.overwrite) continue;
    }
    (puts[table] ??= []).push(item);
  }
  if (!options.dryRun) await batchPutAll(options.client, puts, retry);
  return { written: Object.values(puts).reduce((n, items) => n + items.length, 0), unchanged, conflicts };
}
