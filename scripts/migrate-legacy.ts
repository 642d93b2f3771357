/**
 * npm run migrate:legacy -- --from <legacy table> [--dry-run] [--restart] [--page-size N]
 *                           [--max-pages N] [--checkpoint FILE]
 *
 * Copies a legacy single table (key discord_id) into the four tables. Never modifies the source.
 * Link-history items (the single table of the previous system's commit 9abbdbc) become awards in
 * their member's history; notes after the counts say which, and whose member item they replaced.
 * Idempotent: items already in the four tables are skipped, never overwritten. Resumable: after
 * every page the position is saved to a checkpoint file; an interrupted run (Ctrl-C, SIGTERM,
 * --max-pages) goes on from there when run again, and a finished one deletes it.
 *
 * Exit codes: 0 finished (rejected items, if any, are listed); 3 stopped early, run again to
 * continue; 1 could not run.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, defaultTableName, loadConfigFromEnvironment } from '../src/config';
import { createDynamoClients } from '../src/db/client';
import { TABLE_KINDS, type TableKind } from '../src/db/schema';
import { createMissingTables, tableExists } from '../src/db/tables';
import { migrateLegacyTable, type MigrationCounts, type Note, type Rejection, type ScanKey } from '../src/migration/run';
import { commandLine, readJsonFile, runScript, stopOnSignals, UsageError, wholeNumber, writeJsonFile } from './cli';

const USAGE =
  'usage: npm run migrate:legacy -- --from <legacy table> [--dry-run] [--restart] [--page-size N] [--max-pages N] [--checkpoint FILE]';

interface Checkpoint {
  source: string;
  targets: Record<TableKind, string>;
  nextKey: ScanKey;
  pages: number;
  counts: MigrationCounts;
  rejections: Rejection[];
  /** Older checkpoints have none. */
  notes?: Note[];
  updatedAt: string;
}

function parseCommandLine() {
  const options = commandLine(USAGE, {
    from: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    restart: { type: 'boolean', default: false },
    'page-size': { type: 'string' },
    'max-pages': { type: 'string' },
    checkpoint: { type: 'string' },
  });
  const source = options.text('from');
  if (!source) throw new UsageError('--from <legacy table> is required');
  return {
    source,
    dryRun: options.flag('dry-run'),
    restart: options.flag('restart'),
    // DynamoDB caps a Scan page at 1 MB whatever the limit; 100 items keeps progress visible.
    pageSize: Math.min(wholeNumber('page-size', options.text('page-size')) ?? 100, 1000),
    maxPages: wholeNumber('max-pages', options.text('max-pages')),
    checkpoint: options.text('checkpoint'),
  };
}

function readCheckpoint(file: string, source: string, targets: Record<TableKind, string>): Checkpoint | undefined {
  const saved = readJsonFile<Checkpoint>(file);
  if (saved && (saved.source !== source || JSON.stringify(saved.targets) !== JSON.stringify(targets))) {
    throw new UsageError(`${file} belongs to a migration from ${saved.source}; pass --restart to start over or --checkpoint to use another file`);
  }
  return saved;
}

function summary(counts: MigrationCounts, dryRun: boolean): string {
  return dryRun
    ? `${counts.read} read, ${counts.written} would be written, ${counts.skipped} already there, ${counts.rejected} rejected`
    : `${counts.read} read, ${counts.written} written, ${counts.skipped} skipped (already there), ${counts.rejected} rejected`;
}

async function main(): Promise<number> {
  const options = parseCommandLine();
  const config = loadConfigFromEnvironment();
  if (config.dynamo.mode === 'embedded') {
    throw new ConfigError('DYNAMODB_ENDPOINT or AWS_REGION must be set: say which DynamoDB holds the legacy table');
  }
  // The four tables, even when the bot still reads members from the legacy table.
  const targets = { ...config.tables, members: config.membersInLegacyTable ? defaultTableName('members', config.env) : config.tables.members };
  const clash = TABLE_KINDS.find((kind) => targets[kind] === options.source);
  if (clash) throw new UsageError(`--from ${options.source} is also the ${clash} table; the source must be the legacy table, not one of the four`);

  const { client, db } = createDynamoClients({ endpoint: config.dynamo.endpoint, region: config.dynamo.region });
  try {
    if (!(await tableExists(client, options.source))) throw new UsageError(`the legacy table ${options.source} does not exist here`);
    const missing = [];
    for (const kind of TABLE_KINDS) if (!(await tableExists(client, targets[kind]))) missing.push(targets[kind]);
    if (missing.length && (options.dryRun || !config.dynamo.createTables)) {
      throw new UsageError(`missing tables ${missing.join(', ')}: run npm run tables:create first`);
    }
    if (missing.length) {
      const report = await createMissingTables(client, targets);
      console.log(`created ${report.created.join(', ')}`);
    }

    const checkpointFile = path.resolve(options.checkpoint ?? path.join(config.dynamo.dataDir, `migrate-${options.source}.checkpoint.json`));
    if (options.restart && !options.dryRun) rmSync(checkpointFile, { force: true });
    // A dry run reads everything and writes nothing, not even a checkpoint.
    const resumed = options.dryRun ? undefined : readCheckpoint(checkpointFile, options.source, targets);
    const rejections = [...(resumed?.rejections ?? [])];
    const notes = [...(resumed?.notes ?? [])];
    console.log(
      `${options.dryRun ? 'Dry run: nothing will be written. ' : ''}Copying ${options.source} into ${TABLE_KINDS.map((k) => targets[k]).join(', ')}` +
        (resumed ? `, resuming after ${resumed.counts.read} items (${checkpointFile})` : ''),
    );

    const stopRequested = stopOnSignals('this page');

    const live = process.stderr.isTTY;
    const result = await migrateLegacyTable({
      db,
      source: options.source,
      targets,
      dryRun: options.dryRun,
      startKey: resumed?.nextKey,
      counts: resumed?.counts,
      pageSize: options.pageSize,
      maxPages: options.maxPages,
      shouldStop: stopRequested,
      onReject: (rejection) => {
        rejections.push(rejection);
        process.stderr.write(`${live ? '\n' : ''}rejected ${rejection.key}: ${rejection.reason}\n`);
      },
      onNote: (note) => notes.push(note),
      onPage: ({ pages, counts, nextKey }) => {
        const line = `page ${(resumed?.pages ?? 0) + pages}: ${summary(counts, options.dryRun)}`;
        process.stderr.write(live ? `\r${line}` : `${line}\n`);
        if (options.dryRun) return;
        if (nextKey) {
          writeJsonFile(checkpointFile, {
            source: options.source,
            targets,
            nextKey,
            pages: (resumed?.pages ?? 0) + pages,
            counts,
            rejections,
            notes,
            updatedAt: new Date().toISOString(),
          });
        } else {
          rmSync(checkpointFile, { force: true });
        }
      },
    });
    if (live) process.stderr.write('\n');

    console.log(`${result.finished ? 'Finished' : 'Stopped early'}: ${summary(result.counts, options.dryRun)}`);
    if (rejections.length) {
      console.log('Rejected (left in the legacy table; fix them there and run again):');
      for (const r of rejections) console.log(`  ${r.key}: ${r.reason}`);
    }
    if (notes.length) {
      console.log('Notes:');
      for (const n of notes) console.log(`  ${n.key}: ${n.text}`);
    }
    if (result.finished) return 0;
    console.log(options.dryRun ? 'Run again without --max-pages to see the rest.' : `Run the same command again to continue from ${checkpointFile}.`);
    return 3;
  } finally {
    client.destroy();
  }
}

runScript('migrate:legacy', USAGE, main);
