/**
 * npm run check:data [-- --fix] [--restart] [--max-pages N] [--page-size N] [--checkpoint FILE]
 *
 * Lists every item of the configured tables (the four, or the legacy single table in place of the
 * members table when DYNAMODB_TABLE holds the members) that does not fit the tables' specification
 * (docs/architecture.md), with why and how FlavaFlav reads it. Without --fix it writes nothing and
 * says what --fix would add. With --fix it adds missing attributes only (src/checks/run.ts), never
 * rewriting one, in phases: distributions, history markers, members; then inventory and lists
 * are reported. Progress is saved after every page under DATA_DIR; an interrupted --fix (Ctrl-C,
 * SIGTERM, --max-pages) goes on from there when run again (--restart starts over). A second --fix
 * changes nothing.
 *
 * Exit codes: 0 finished (misfits, if any, are listed); 3 stopped early, run again to continue;
 * 1 could not run.
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { CHECKED_TABLES, changes, checkData, type CheckProgress, type ReportedItem } from '../src/checks/run';
import { loadConfigFromEnvironment } from '../src/config';
import { TABLE_KINDS, type TableKind } from '../src/db/schema';
import { openStorage } from '../src/db/storage';
import { tableExists } from '../src/db/tables';
import { commandLine, readJsonFile, runScript, stopOnSignals, UsageError, whereOf, wholeNumber, writeJsonFile } from './cli';

const USAGE = 'usage: npm run check:data [-- --fix] [--restart] [--max-pages N] [--page-size N] [--checkpoint FILE]';

interface Checkpoint {
  tables: Record<TableKind, string>;
  progress: CheckProgress;
  updatedAt: string;
}

function parseCommandLine() {
  const options = commandLine(USAGE, {
    fix: { type: 'boolean', default: false },
    restart: { type: 'boolean', default: false },
    'max-pages': { type: 'string' },
    'page-size': { type: 'string' },
    checkpoint: { type: 'string' },
  });
  return {
    fix: options.flag('fix'),
    restart: options.flag('restart'),
    maxPages: wholeNumber('max-pages', options.text('max-pages')),
    // DynamoDB caps a Scan page at 1 MB whatever the limit; 100 items keeps progress visible.
    pageSize: Math.min(wholeNumber('page-size', options.text('page-size')) ?? 100, 1000),
    checkpoint: options.text('checkpoint'),
  };
}

function readCheckpoint(file: string, tables: Record<TableKind, string>): Checkpoint | undefined {
  const saved = readJsonFile<Checkpoint>(file);
  if (saved && JSON.stringify(saved.tables) !== JSON.stringify(tables)) {
    throw new UsageError(`${file} is the progress of a check of other tables (${Object.values(saved.tables).join(', ')}); pass --restart to start over or --checkpoint to use another file`);
  }
  return saved;
}

function summary(progress: CheckProgress, tables: Record<TableKind, string>, missing: TableKind[], fix: boolean): string[] {
  const lines = CHECKED_TABLES.map((kind) => {
    if (missing.includes(kind)) return `${kind} (${tables[kind]}): skipped, the table does not exist`;
    const c = progress.counts[kind];
    return `${kind} (${tables[kind]}): ${c.scanned} scanned, ${c.fine} fine, ${c.reported} reported, ${c.fixed} ${fix ? 'fixed' : 'would fix'}`;
  });
  const m = progress.markers;
  const markers = `${m.entries} day entries in ${m.months} new months and ${m.obsolete} outgrown attributes of the top marker`;
  lines.splice(1, 0, `history markers: ${fix ? `${markers} added` : `--fix would add ${markers}`}`);
  return lines;
}

async function main(): Promise<number> {
  const options = parseCommandLine();
  const config = loadConfigFromEnvironment();
  // A check creates no tables, whatever DYNAMODB_CREATE_TABLES says.
  const storage = await openStorage({ ...config, dynamo: { ...config.dynamo, createTables: false } });
  try {
    const tables = config.tables;
    const missing: TableKind[] = [];
    for (const kind of TABLE_KINDS) if (!(await tableExists(storage.client, tables[kind]))) missing.push(kind);
    const where = whereOf(Boolean(storage.embedded), config.dynamo);
    if (missing.length === TABLE_KINDS.length) throw new UsageError(`none of the tables ${Object.values(tables).join(', ')} exists in ${where}: check FLAVAFLAV_ENV and the table variables`);
    // A legacy deployment may not have the other three tables yet; the four-table bot always has all four.
    if (missing.length && !config.membersInLegacyTable) throw new UsageError(`table ${missing.map((k) => tables[k]).join(', ')} does not exist in ${where}: check the table variables`);

    const checkpointFile = path.resolve(
      options.checkpoint ?? path.join(config.dynamo.dataDir, `check-data-${createHash('sha256').update(JSON.stringify(tables)).digest('hex').slice(0, 12)}.checkpoint.json`),
    );
    if (options.restart && options.fix) rmSync(checkpointFile, { force: true });
    // A report writes nothing, not even a checkpoint: it always reads everything afresh.
    const resumed = options.fix ? readCheckpoint(checkpointFile, tables) : undefined;
    // Set before the first line is printed: from then on a signal stops at the next page boundary.
    const stopRequested = stopOnSignals('this page');

    console.log(
      `${options.fix ? 'Adding what is missing to' : 'Report only, nothing is written: checking'} ${TABLE_KINDS.filter((k) => !missing.includes(k)).map((k) => tables[k]).join(', ')}` +
        (config.membersInLegacyTable ? ` (members in the legacy table ${tables.members})` : '') +
        (resumed ? `, resuming after ${resumed.progress.pages} pages (${checkpointFile})` : ''),
    );

    const result = await checkData({
      db: storage.db,
      tables,
      membersInLegacyTable: config.membersInLegacyTable,
      fix: options.fix,
      missing,
      pageSize: options.pageSize,
      maxPages: options.maxPages,
      shouldStop: stopRequested,
      progress: resumed?.progress,
      onItem: (item: ReportedItem) => {
        for (const finding of item.findings) console.log(`${item.label}: ${finding}`);
        if (item.change) console.log(`${item.label}: ${item.change}`);
      },
      onPage: (progress) => {
        process.stderr.write(`page ${progress.pages}: ${progress.phase === 'done' ? 'all phases done' : `next ${progress.phase}`}, ${changes(progress)} ${options.fix ? 'changed' : 'to change'}\n`);
        if (!options.fix) return;
        if (progress.phase === 'done') rmSync(checkpointFile, { force: true });
        else writeJsonFile(checkpointFile, { tables, progress, updatedAt: new Date().toISOString() });
      },
    });

    for (const line of summary(result.progress, tables, missing, options.fix)) console.log(line);
    const changed = changes(result.progress);
    if (result.finished) {
      console.log(options.fix ? `Finished: ${changed} changed` : `Finished: nothing was written; --fix would change ${changed}`);
      return 0;
    }
    console.log(
      options.fix
        ? `Stopped early: ${changed} changed so far. Run the same command again to continue from ${checkpointFile}.`
        : 'Stopped early: nothing was written. Run again without --max-pages to see the rest.',
    );
    return 3;
  } finally {
    await storage.close();
  }
}

runScript('check:data', USAGE, main);
